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
  enterCode(code: string): { result: 'accepted' | 'wrong' | 'locked' | 'not_waiting'; attemptsLeft?: number };
}

export interface RecipientStats {
  notified: number;
  noShows: number;
  attempts: number;
  wrongCodes: number;
  accepted: number;
  /** Came, but the robot had stopped waiting (or the parcel was locked). */
  missed: number;
}

export interface RecipientsOptions {
  clock: Clock;
  random: Random;
  config?: Partial<RecipientConfig>;
  /** Each code typed: for the day record (codeAttempts) and statistics. */
  onAttempt?: (parcelId: string, correct: boolean, result: string) => void;
}

/**
 * The recipients of a simulated day. When the fleet tells one that the robot waits at their drop point, they come
 * after a lognormal delay plus their walk (or never), type the code on that robot's keypad, sometimes wrongly, and
 * try again until it opens, locks, or the robot has given up on them.
 */
export class Recipients {
  readonly config: RecipientConfig;
  readonly stats: RecipientStats = { notified: 0, noShows: 0, attempts: 0, wrongCodes: 0, accepted: 0, missed: 0 };
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #onAttempt: RecipientsOptions['onAttempt'];

  constructor(options: RecipientsOptions) {
    this.#clock = options.clock;
    this.#random = options.random;
    this.config = { ...defaultRecipientConfig, ...options.config };
    this.#onAttempt = options.onAttempt;
  }

  /** The robot waits for `parcelId` at the drop point; `code` is what the recipient was sent. */
  notify(parcelId: string, code: string, keypad: Keypad): void {
    this.stats.notified++;
    const plan = planRecipient(this.config, this.#random);
    if (plan.noShow) {
      this.stats.noShows++;
      return;
    }
    this.#clock.setTimer(plan.arriveAfterMs, () => this.#type(parcelId, code, keypad));
  }

  #type(parcelId: string, code: string, keypad: Keypad): void {
    const wrong = this.#random.chance(this.config.mistypeP);
    const typed = wrong ? mistype(code, this.#random) : code;
    const { result } = keypad.enterCode(typed);
    if (result === 'not_waiting' || result === 'locked') {
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
