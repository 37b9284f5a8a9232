import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { Random } from '../../../common/core/Random.ts';
import { defaultRecipientConfig, mistype, planRecipient, Recipients, type Keypad } from './Recipients.ts';

/** A keypad like the robot's: right code opens, wrong ones count down to a lock, closed after a deadline. */
class TestKeypad implements Keypad {
  attempts = 0;
  state: 'waiting' | 'open' | 'locked' | 'gone' = 'waiting';
  readonly code: string;
  readonly maxAttempts: number;
  constructor(code: string, maxAttempts = 5) {
    this.code = code;
    this.maxAttempts = maxAttempts;
  }
  enterCode(code: string) {
    if (this.state !== 'waiting') return { result: this.state === 'locked' ? 'locked' as const : 'not_waiting' as const };
    this.attempts++;
    if (code === this.code) {
      this.state = 'open';
      return { result: 'accepted' as const };
    }
    if (this.attempts >= this.maxAttempts) {
      this.state = 'locked';
      return { result: 'locked' as const };
    }
    return { result: 'wrong' as const, attemptsLeft: this.maxAttempts - this.attempts };
  }
}

describe('planRecipient', () => {
  it('matches the configured no-show rate and delay distribution', () => {
    const r = new Random(3);
    const plans = Array.from({ length: 20_000 }, () => planRecipient(defaultRecipientConfig, r));
    const noShow = plans.filter((p) => p.noShow).length / plans.length;
    expect(noShow).toBeGreaterThan(0.025);
    expect(noShow).toBeLessThan(0.035);
    const s = plans.map((p) => p.arriveAfterMs / 1000).sort((a, b) => a - b);
    const median = s[s.length >> 1]!;
    // median delay 90 s + median walk 85 m / 1.3 m/s ≈ 65 s, and a long tail
    expect(median).toBeGreaterThan(130);
    expect(median).toBeLessThan(190);
    expect(s[Math.floor(s.length * 0.95)]!).toBeGreaterThan(2 * median);
  });

  it('mistypes into a different code of the same length', () => {
    const r = new Random(1);
    for (let i = 0; i < 200; i++) {
      const wrong = mistype('12345678', r);
      expect(wrong).toHaveLength(8);
      expect(wrong).not.toBe('12345678');
    }
  });
});

describe('Recipients', () => {
  it('come after their delay, type codes with the configured error rate, and retry until the door opens', () => {
    const clock = new VirtualClock(0);
    const people = new Recipients({ clock, random: new Random(5), config: { mistypeP: 0.2, noShowP: 0.1 } });
    const pads = Array.from({ length: 2000 }, (_, i) => new TestKeypad(String(10_000_000 + i)));
    pads.forEach((p, i) => people.notify(`p${i}`, p.code, p));
    clock.runFor(3 * 3_600_000);
    const s = people.stats;
    expect(s.notified).toBe(2000);
    expect(s.noShows / 2000).toBeGreaterThan(0.08);
    expect(s.noShows / 2000).toBeLessThan(0.12);
    expect(s.wrongCodes / s.attempts).toBeGreaterThan(0.17);
    expect(s.wrongCodes / s.attempts).toBeLessThan(0.23);
    // Everyone who came got their parcel (five tries at 20 % error almost never all fail).
    expect(pads.filter((p) => p.state === 'open').length).toBe(s.accepted);
    expect(s.accepted + s.missed).toBe(2000 - s.noShows);
    expect(pads.filter((p) => p.state === 'waiting').length).toBe(s.noShows);
  });

  it('give up when the robot has stopped waiting', () => {
    const clock = new VirtualClock(0);
    const people = new Recipients({ clock, random: new Random(1), config: { noShowP: 0, delayMedianS: 600, delaySigma: 0 } });
    const pad = new TestKeypad('00000001');
    people.notify('p', pad.code, pad);
    clock.runFor(60_000);
    pad.state = 'gone';
    clock.runFor(3_600_000);
    expect(people.stats.missed).toBe(1);
    expect(people.stats.attempts).toBe(0);
  });

  it('told the ETA at departure, they are there around it and type when the robot is', () => {
    const clock = new VirtualClock(0);
    const typedAtS: number[] = [];
    const people = new Recipients({ clock, random: new Random(7), config: { mistypeP: 0 }, onAttempt: () => typedAtS.push(clock.now() / 1000) });
    const pads = Array.from({ length: 1000 }, (_, i) => new TestKeypad(String(20_000_000 + i)));
    pads.forEach((p, i) => people.announce(`p${i}`, p.code, 600_000));
    clock.runFor(600_000); // the robot arrives on time
    pads.forEach((p, i) => expect(people.robotArrived(`p${i}`, p)).toBe(true));
    clock.runFor(3_600_000);
    const s = people.stats;
    expect(s.announced).toBe(1000);
    expect(s.accepted).toBe(1000 - s.noShows);
    expect(typedAtS.every((t) => t >= 600 + defaultRecipientConfig.noticeS)).toBe(true);
    // About half were already waiting; nearly all typed within ETA + 3σ (+ noticing the robot).
    expect(s.waitedForRobot / s.accepted).toBeGreaterThan(0.4);
    expect(s.waitedForRobot / s.accepted).toBeLessThan(0.6);
    const late = typedAtS.filter((t) => t > 600 + 3 * defaultRecipientConfig.etaSpreadS + defaultRecipientConfig.noticeS).length;
    expect(late / typedAtS.length).toBeLessThan(0.01);
    expect(people.robotArrived('never-announced', pads[0]!)).toBe(false);
  });

  it('a no-show is the person: they do not come for a second delivery of the same parcel either', () => {
    const clock = new VirtualClock(0);
    const people = new Recipients({ clock, random: new Random(2), config: { noShowP: 0.3, mistypeP: 0 } });
    const round = () => {
      const pads = Array.from({ length: 300 }, (_, i) => new TestKeypad(String(30_000_000 + i)));
      pads.forEach((p, i) => people.announce(`p${i}`, p.code, clock.now()));
      pads.forEach((p, i) => people.robotArrived(`p${i}`, p));
      clock.runFor(3_600_000);
      return new Set(pads.flatMap((p, i) => (p.state === 'open' ? [] : [i])));
    };
    const first = round();
    expect(first.size).toBe(people.stats.noShows);
    expect(first.size).toBeGreaterThan(60);
    expect(round()).toEqual(first);
    expect(people.stats.noShows).toBe(first.size);
  });

  it('go back inside when the robot is later than their patience, and come again when told it is there', () => {
    const clock = new VirtualClock(0);
    const people = new Recipients({ clock, random: new Random(4), config: { noShowP: 0, mistypeP: 0, etaSpreadS: 1 } });
    const pad = new TestKeypad('00000042');
    people.announce('p', pad.code, 60_000);
    clock.runFor(60_000 + (defaultRecipientConfig.patienceS + 60) * 1000);
    people.robotArrived('p', pad);
    expect(people.stats.gaveUpOnLateRobot).toBe(1);
    clock.runFor(3_600_000);
    expect(pad.state).toBe('open');
  });

  it('re-plan around an updated ETA until they have reached the drop point', () => {
    const clock = new VirtualClock(0);
    const typedAtS: number[] = [];
    const people = new Recipients({ clock, random: new Random(9), config: { noShowP: 0, mistypeP: 0, etaSpreadS: 1, noticeS: 0 },
      onAttempt: () => typedAtS.push(Math.round(clock.now() / 1000)) });
    const early = new TestKeypad('00000001');
    const there = new TestKeypad('00000002');
    people.announce('early', early.code, 1_200_000);
    people.announce('there', there.code, 60_000);
    clock.runFor(120_000); // 'there' has reached the drop point
    people.updateEta('early', 600_000);
    people.updateEta('there', 900_000);
    clock.runFor(480_000); // the robot, ahead of plan, reaches both at 600 s
    people.robotArrived('early', early);
    people.robotArrived('there', there);
    clock.runFor(60_000);
    // Without the update 'early' would come at ~1200 s; σ is 1 s here.
    expect(typedAtS).toHaveLength(2);
    for (const t of typedAtS) expect(Math.abs(t - 600)).toBeLessThanOrEqual(5);
  });
});
