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
});
