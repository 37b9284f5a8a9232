import { describe, expect, it } from 'vitest';
import { backUpHoldS, backUpSpeed, createBackUpState, defaultBackUpParams, startBackUp } from './backUp.ts';

describe('back-up recovery', () => {
  const p = defaultBackUpParams;

  it('reverses straight back until it has covered its distance, then ends', () => {
    const s = startBackUp(createBackUpState(), { x: 5, y: 2, theta: 1 }, 1000, p);
    expect(backUpSpeed(s, { x: 5, y: 2, theta: 1 }, 1100, p)).toBe(-p.speedMps);
    expect(s.active).toBe(true);
    // Backed up along its heading by just under the distance: still going.
    const back = p.distanceM - 0.01;
    expect(backUpSpeed(s, { x: 5 - back * Math.cos(1), y: 2 - back * Math.sin(1), theta: 1 }, 4000, p)).toBe(-p.speedMps);
    expect(backUpSpeed(s, { x: 5 - p.distanceM * Math.cos(1), y: 2 - p.distanceM * Math.sin(1), theta: 1 }, 4100, p)).toBe(0);
    expect(s.active).toBe(false);
  });

  it('gives up after its timeout when it cannot move (something behind it, the safety node stopping it)', () => {
    const s = startBackUp(createBackUpState(), { x: 0, y: 0, theta: 0 }, 0, p);
    expect(backUpSpeed(s, { x: 0, y: 0, theta: 0 }, p.timeoutS * 1000 - 1, p)).toBe(-p.speedMps);
    expect(backUpSpeed(s, { x: 0, y: 0, theta: 0 }, p.timeoutS * 1000, p)).toBe(0);
    expect(s.active).toBe(false);
  });

  it('commands nothing when not started', () => {
    expect(backUpSpeed(createBackUpState(), { x: 0, y: 0, theta: 0 }, 0, p)).toBe(0);
  });

  it('holds still for its hold once backed up, then ends', () => {
    const s = startBackUp(createBackUpState(), { x: 0, y: 0, theta: 0 }, 0, p, 4);
    const backed = { x: -p.distanceM, y: 0, theta: 0 };
    expect(backUpSpeed(s, backed, 3000, p)).toBe(0);
    expect(s.active).toBe(true);
    expect(backUpSpeed(s, backed, 6999, p)).toBe(0);
    expect(s.active).toBe(true);
    expect(backUpSpeed(s, backed, 7000, p)).toBe(0);
    expect(s.active).toBe(false);
  });

  it('gives each robot and each try its own hold, the same on every run', () => {
    // Two robots that met face to face back up together; with equal holds they drive on together and meet again
    // (issue #5: pairs did so for over an hour in the 60-robot day).
    const holds = Array.from({ length: 60 }, (_, i) => backUpHoldS(`/R${String(i + 1).padStart(2, '0')}/controller`, 1, 10));
    for (const h of holds) {
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(10);
    }
    expect(new Set(holds.map((h) => h.toFixed(6))).size).toBe(60);
    // Spread over the range, not bunched: every 2-s fifth of it is used.
    expect(new Set(holds.map((h) => Math.floor(h / 2))).size).toBe(5);
    expect(backUpHoldS('/R07/controller', 3, 10)).not.toBe(backUpHoldS('/R07/controller', 4, 10));
    expect(backUpHoldS('/R07/controller', 3, 10)).toBe(backUpHoldS('/R07/controller', 3, 10));
    expect(backUpHoldS('/R07/controller', 3, 0)).toBe(0);
  });
});
