import { describe, expect, it } from 'vitest';
import { Random } from '../../../common/core/Random.ts';
import { apportion, defaultDemandConfig, DemandError, generateArrivals } from './generateArrivals.ts';

const H = 3_600_000;
const dests = [{ id: 'dorm', weight: 3 }, { id: 'lab', weight: 1 }, { id: 'library', weight: 1 }, { id: 'closed', weight: 0 }];

describe('generateArrivals', () => {
  const cfg = defaultDemandConfig(20_000);
  const arrivals = generateArrivals(cfg, dests, new Random(7));

  it('draws exactly the parcels asked for, sorted, inside the day, with ids in time order', () => {
    expect(arrivals).toHaveLength(20_000);
    for (let i = 1; i < arrivals.length; i++) expect(arrivals[i]!.atMs).toBeGreaterThanOrEqual(arrivals[i - 1]!.atMs);
    expect(arrivals[0]!.atMs).toBeGreaterThanOrEqual(cfg.startMs);
    expect(arrivals.at(-1)!.atMs).toBeLessThan(cfg.endMs);
    expect(arrivals[0]!.id).toBe('P000001');
    expect(arrivals.at(-1)!.id).toBe('P020000');
  });

  it('has the truck waves and the festival peak', () => {
    const perHour = new Map<number, number>();
    for (const a of arrivals) perHour.set(Math.floor(a.atMs / H), (perHour.get(Math.floor(a.atMs / H)) ?? 0) + 1);
    const background = perHour.get(10)!; // 10:00–11:00: no wave, no peak
    expect(perHour.get(7)!).toBeGreaterThan(5 * background); // morning truck 07:30
    expect(perHour.get(12)!).toBeGreaterThan(3 * background); // midday truck
    expect(perHour.get(19)!).toBeGreaterThan(2 * background); // festival peak around 19:30
  });

  it('draws destinations by weight, never a zero-weight one', () => {
    const count = (id: string) => arrivals.filter((a) => a.destination === id).length;
    expect(count('closed')).toBe(0);
    expect(count('dorm') / count('lab')).toBeGreaterThan(2.7);
    expect(count('dorm') / count('lab')).toBeLessThan(3.3);
  });

  it('is reproducible from the seed and changes with it', () => {
    expect(generateArrivals(cfg, dests, new Random(7))).toEqual(arrivals);
    expect(generateArrivals(cfg, dests, new Random(8))).not.toEqual(arrivals);
  });

  it('rejects shares over 1 and a demand with nowhere to go', () => {
    expect(() => generateArrivals({ ...cfg, peaks: [{ centerMs: 0, sdMs: 1, share: 0.9 }] }, dests, new Random(1))).toThrow(DemandError);
    expect(() => generateArrivals(cfg, [{ id: 'x', weight: 0 }], new Random(1))).toThrow(/positive weight/);
  });
});

describe('apportion', () => {
  it('splits exactly by largest remainder', () => {
    expect(apportion(10, [0.3, 0.3, 0.4])).toEqual([3, 3, 4]);
    expect(apportion(7, [1, 1, 1])).toEqual([3, 2, 2]);
    expect(apportion(5, [0, 0])).toEqual([0, 5]);
  });
});
