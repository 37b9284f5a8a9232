import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { graphFromAscii } from '../../../maps/test/graphFromAscii.ts';
import { DEFAULT_FOOTPRINT, footprintCircleGap } from '../../world/core/Footprint.ts';
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

describe('Pedestrians around robots', () => {
  // One straight 200 m footway, crowded: every walker passes the robots many times.
  const { graph: g } = graphFromAscii('.'.repeat(21));
  const schedule = { ...defaultClassSchedule(), baseDensityPerKm: 300, peakDensityPerKm: 0 };
  const t0 = 10 * H + 30 * 60_000;

  /** Least gap between any walker and any robot's body over `steps` steps of 100 ms (robots standing, heading east). */
  function leastGap(robots: Array<{ x: number; y: number }>, seed: number, steps = 1200): number {
    const crowd = new Pedestrians({ graph: g, random: new Random(seed), schedule });
    let least = Infinity;
    for (let k = 0; k <= steps; k++) {
      crowd.step(t0 + 100 * k, robots);
      for (const r of robots) {
        for (let i = 0; i < crowd.count; i++) {
          const gap = footprintCircleGap({ ...r, theta: 0 }, DEFAULT_FOOTPRINT, { x: crowd.x(i), y: crowd.y(i), radiusM: crowd.radiusM });
          least = Math.min(least, gap);
        }
      }
    }
    return least;
  }

  it('walkers step around a standing robot on their path instead of walking into it', () => {
    for (const seed of [1, 2, 3]) expect(leastGap([{ x: 100, y: 0.8 }], seed)).toBeGreaterThan(0.2);
  });

  it('walkers pass two robots parked side by side (as at the hub) around the outside, not onto the other one', () => {
    // The day's hub parking: one robot on the centre line, the next 0.72 m ahead and 1.05 m to its right, so a walker
    // keeping right (0.6–1.2 m) heads between them. Stepping around each in turn sent them back and forth onto the first.
    const pair = [{ x: 100, y: 0 }, { x: 100.72, y: -1.05 }];
    for (const seed of [1, 2, 3]) expect(leastGap(pair, seed)).toBeGreaterThan(0.2);
  });

  it('walkers far off their line (stepped aside from a robot crossing the footway) still see it standing beside them', () => {
    // Issue #5, R02 at 07:14: a robot crossing the walkers' footway at an angle pushed the ones beside it 3 m and more
    // off their line, then stopped there; robots were looked for within 3.5 m of the walker's line, not of the walker,
    // so one eased back onto their line through it.
    for (const seed of [1, 2, 3]) {
      const crowd = new Pedestrians({ graph: g, random: new Random(seed), schedule });
      const robot = { x: 100, y: 4 };
      let least = Infinity;
      for (let k = 0; k <= 1500; k++) {
        // Across the footway at 1.5 m/s, 30° off square, to 3.8 m beyond its centre line; every 30 s again.
        const s = Math.min(7.8 / 0.87, 0.15 * (k % 300));
        robot.x = 100 + 0.5 * s;
        robot.y = 4 - 0.87 * s;
        crowd.step(t0 + 100 * k, [robot]);
        // Only contacts with the robot standing are the walkers' doing.
        if (s < 7.8 / 0.87) continue;
        for (let i = 0; i < crowd.count; i++) {
          least = Math.min(least, footprintCircleGap({ ...robot, theta: 0 }, DEFAULT_FOOTPRINT, { x: crowd.x(i), y: crowd.y(i), radiusM: crowd.radiusM }));
        }
      }
      expect(least).toBeGreaterThan(0.2);
    }
  });

  it('walkers nowhere near a robot keep their line', () => {
    const crowd = new Pedestrians({ graph: g, random: new Random(4), schedule });
    const far = new Pedestrians({ graph: g, random: new Random(4), schedule });
    for (let k = 0; k <= 50; k++) {
      crowd.step(t0 + 100 * k, [{ x: 100, y: 500 }]);
      far.step(t0 + 100 * k);
    }
    expect(crowd.circles()).toEqual(far.circles());
  });
});
