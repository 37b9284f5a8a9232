import { describe, expect, it } from 'vitest';
import { backUpSpeed, createBackUpState, defaultBackUpParams, startBackUp } from './backUp.ts';

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
});
