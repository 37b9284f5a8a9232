import type { Clock } from '../../../clock/index.ts';
import type { Random } from '../../../common/core/Random.ts';

/** How recipients behave; probabilities per parcel or per attempt, times in seconds. */
export interface RecipientConfig {
  /** Chance a recipient never comes. Default 0.03. */
  noShowP: number;
  /** Chance each code entry is mistyped. Default 0.05. */
  mistypeP: number;
  /** Reaction delay after the "robot has arrived" notification: lognormal median, s. Default 90. */
  delayMedianS: number;
  /** Lognormal sigma of that delay (spread; 0.8 gives a long tail of late recipients). Default 0.8. */
  delaySigma: number;
  /** Walk from inside the building to its drop point: uniform in [min, max] m. Default 20–150 m. */
  walkMinM: number;
  walkMaxM: number;
  walkSpeedMps: number;
  /** Pause before typing again after a wrong code, s. Default 8. */
  retryS: number;
  /**
   * Told the ETA at departure, a recipient plans to be at the drop point around it: normal spread (σ) of their
   * arrival about the ETA, s. Default 150.
   */
  etaSpreadS: number;
  /** Most they come ahead of the ETA, s (nobody stands there half an hour early). Default 300. */
  maxEarlyS: number;
  /** From reaching the robot (or the robot reaching them) to the first code typed: spot it, scan the QR, s. Default 15. */
  noticeS: number;
  /** How long they wait at the drop point for a late robot before going back inside, s. Default 900. */
  patienceS: number;
}

export const defaultRecipientConfig: RecipientConfig = {
  noShowP: 0.03,
  mistypeP: 0.05,
  delayMedianS: 90,
  delaySigma: 0.8,
  walkMinM: 20,
  walkMaxM: 150,
  walkSpeedMps: 1.3,
  retryS: 8,
  etaSpreadS: 150,
  maxEarlyS: 300,
  noticeS: 15,
  patienceS: 900,
};

/** What one recipient will do: come or not, and when they reach the robot after being notified. */
export interface RecipientPlan {
  noShow: boolean;
  arriveAfterMs: number;
}

/** Draws one recipient's plan. Pure given the Random (always the same number of draws, so streams stay aligned). */
export function planRecipient(config: RecipientConfig, random: Random): RecipientPlan {
  const noShow = random.chance(config.noShowP);
  const delayS = config.delayMedianS * Math.exp(config.delaySigma * random.normal());
  const walkS = random.uniform(config.walkMinM, config.walkMaxM) / config.walkSpeedMps;
  return { noShow, arriveAfterMs: Math.round((delayS + walkS) * 1000) };
}

/** A wrong code that looks like the right one: the last digit changed (a typical slip). */
export function mistype(code: string, random: Random): string {
  const last = Number(code.at(-1) ?? '0');
  const wrong = (last + 1 + Math.floor(random.next() * 9)) % 10;
  return code.slice(0, -1) + String(wrong);
}

/** The robot's keypad as a recipient uses it (MissionRunner.enterCode). */
export interface Keypad {
  /** `parcelId` says which of the parcels waiting at the stop the code is for (scanned from the notification). */
  enterCode(code: string, parcelId?: string): { result: 'accepted' | 'wrong' | 'locked' | 'not_waiting' | 'parcel_required'; attemptsLeft?: number };
}

export interface RecipientStats {
  notified: number;
  noShows: number;
  attempts: number;
  wrongCodes: number;
  accepted: number;
  /** Came, but the robot had stopped waiting (or the parcel was locked). */
  missed: number;
  /** Announced at departure with an ETA. */
  announced: number;
  /** Were at the drop point before the robot. */
  waitedForRobot: number;
  /** Gave up on a robot later than their patience and came back when told it had arrived. */
  gaveUpOnLateRobot: number;
}

export interface RecipientsOptions {
  clock: Clock;
  random: Random;
  config?: Partial<RecipientConfig>;
  /** Each code typed: for the day record (codeAttempts) and statistics. */
  onAttempt?: (parcelId: string, correct: boolean, result: string) => void;
}

/**
 * The recipients of a simulated day. Told at the robot's departure with the ETA (`announce`), a recipient plans to
 * be at the drop point around it; when the robot is there (`robotArrived`) they type the code for their parcel, or
 * do so as soon as they arrive. Told only that the robot waits (`notify`, or a robot later than their patience) they
 * come after a lognormal delay plus their walk. Either way they type on that robot's keypad, sometimes wrongly, and
 * try again until it opens, locks, or the robot has given up on them. A no-show is the person, not the attempt: they
 * do not come for any delivery of that parcel (away for the day), so it ends returned after the configured attempts.
 */
export class Recipients {
  readonly config: RecipientConfig;
  readonly stats: RecipientStats = {
    notified: 0, noShows: 0, attempts: 0, wrongCodes: 0, accepted: 0, missed: 0, announced: 0, waitedForRobot: 0, gaveUpOnLateRobot: 0,
  };
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #onAttempt: RecipientsOptions['onAttempt'];
  /** Parcels announced and not yet met by their robot: when the recipient will be at the drop point. */
  readonly #expected = new Map<string, { code: string; atMs: number | undefined; offsetMs: number }>();
  /** Parcels whose recipient never comes (drawn once per parcel). */
  readonly #absent = new Set<string>();
  readonly #drawn = new Set<string>();

  constructor(options: RecipientsOptions) {
    this.#clock = options.clock;
    this.#random = options.random;
    this.config = { ...defaultRecipientConfig, ...options.config };
    this.#onAttempt = options.onAttempt;
  }

  /** The robot waits for `parcelId` at the drop point now; `code` is what the recipient was sent. */
  notify(parcelId: string, code: string, keypad: Keypad): void {
    this.stats.notified++;
    const plan = planRecipient(this.config, this.#random);
    if (this.#isAbsent(parcelId, plan.noShow)) return;
    this.#clock.setTimer(plan.arriveAfterMs, () => this.#type(parcelId, code, keypad));
  }

  /** The robot carrying `parcelId` left the hub; it should reach the drop point at `etaMs`. */
  announce(parcelId: string, code: string, etaMs: number): void {
    this.stats.announced++;
    const offsetMs = Math.round(this.#random.normal() * this.config.etaSpreadS * 1000);
    const noShow = this.#random.chance(this.config.noShowP);
    const now = this.#clock.now();
    const ownOffsetMs = Math.max(-this.config.maxEarlyS * 1000, offsetMs);
    const atMs = Math.max(now, etaMs + ownOffsetMs);
    this.#expected.set(parcelId, { code, atMs: this.#isAbsent(parcelId, noShow) ? undefined : atMs, offsetMs: ownOffsetMs });
  }

  /**
   * A new ETA for an announced parcel (the robot is ahead of or behind plan): a recipient not yet at the drop point
   * re-plans around it, with the same personal offset; one already there stays.
   */
  updateEta(parcelId: string, etaMs: number): void {
    const plan = this.#expected.get(parcelId);
    const now = this.#clock.now();
    if (plan?.atMs === undefined || plan.atMs <= now) return;
    plan.atMs = Math.max(now, etaMs + plan.offsetMs);
  }

  /**
   * The robot waits for `parcelId` at the drop point: an announced recipient types when both are there. False when
   * the parcel was not announced (the caller then uses `notify`).
   */
  robotArrived(parcelId: string, keypad: Keypad): boolean {
    const plan = this.#expected.get(parcelId);
    if (plan === undefined) return false;
    this.#expected.delete(parcelId);
    this.stats.notified++;
    if (plan.atMs === undefined) return true;
    const now = this.#clock.now();
    const noticeMs = this.config.noticeS * 1000;
    if (plan.atMs <= now) {
      if (now - plan.atMs > this.config.patienceS * 1000) {
        // They went back inside; the "robot is here" message brings them down again.
        this.stats.gaveUpOnLateRobot++;
        const again = planRecipient(this.config, this.#random);
        this.#clock.setTimer(again.arriveAfterMs, () => this.#type(parcelId, plan.code, keypad));
        return true;
      }
      this.stats.waitedForRobot++;
      this.#clock.setTimer(noticeMs, () => this.#type(parcelId, plan.code, keypad));
      return true;
    }
    this.#clock.setTimer(plan.atMs - now + noticeMs, () => this.#type(parcelId, plan.code, keypad));
    return true;
  }

  /** Whether this parcel's recipient is away; the first draw for a parcel decides, later ones are ignored. */
  #isAbsent(parcelId: string, noShow: boolean): boolean {
    if (!this.#drawn.has(parcelId)) {
      this.#drawn.add(parcelId);
      if (noShow) {
        this.#absent.add(parcelId);
        this.stats.noShows++;
      }
    }
    return this.#absent.has(parcelId);
  }

  #type(parcelId: string, code: string, keypad: Keypad): void {
    const wrong = this.#random.chance(this.config.mistypeP);
    const typed = wrong ? mistype(code, this.#random) : code;
    const { result } = keypad.enterCode(typed, parcelId);
    if (result === 'not_waiting' || result === 'locked' || result === 'parcel_required') {
      // The robot is gone or the parcel locked: nothing was typed into a waiting keypad unless it locked now.
      if (result === 'locked') this.#count(parcelId, false, result);
      this.stats.missed++;
      return;
    }
    this.#count(parcelId, !wrong, result);
    if (result === 'accepted') {
      this.stats.accepted++;
      return;
    }
    this.#clock.setTimer(this.config.retryS * 1000, () => this.#type(parcelId, code, keypad));
  }

  #count(parcelId: string, correct: boolean, result: string): void {
    this.stats.attempts++;
    if (!correct) this.stats.wrongCodes++;
    this.#onAttempt?.(parcelId, correct, result);
  }
}
