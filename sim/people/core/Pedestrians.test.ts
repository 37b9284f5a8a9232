import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { graphFromAscii } from '../../../maps/test/graphFromAscii.ts';
import { defaultClassSchedule, pedestrianDensity, Pedestrians } from './Pedestrians.ts';

const H = 3_600_000;

describe('pedestrianDensity', () => {
  const s = defaultClassSchedule();
  it('peaks at class changes and is empty at night', () => {
    expect(pedestrianDensity(9 * H + 35 * 60_000, s)).toBeGreaterThan(5 * pedestrianDensity(10 * H + 30 * 60_000, s));
    expect(pedestrianDensity(3 * H, s)).toBe(0);
  });
});

describe('Pedestrians', () => {
  it('keeps the crowd at the schedule and walks it along the paths', () => {
    const { graph: g } = graphFromAscii([
      '..........',
      '.@@@.@@@@.',
      '..........',
    ].join('\n'));
    const schedule = { ...defaultClassSchedule(), baseDensityPerKm: 100, peakDensityPerKm: 1000 };
    const crowd = new Pedestrians({ graph: g, random: new Random(2), schedule });
    crowd.step(10 * H + 30 * 60_000);
    const quiet = crowd.count;
    expect(quiet).toBe(crowd.targetCount(10 * H + 30 * 60_000));
    crowd.step(11 * H + 25 * 60_000);
    expect(crowd.count).toBeGreaterThan(3 * quiet);
    const before = crowd.circles();
    crowd.step(11 * H + 25 * 60_000 + 5_000);
    const after = crowd.circles();
    const moved = before.filter((c, i) => Math.hypot(c.x - after[i]!.x, c.y - after[i]!.y) > 1).length;
    expect(moved).toBeGreaterThan(before.length / 2);
  });
});
