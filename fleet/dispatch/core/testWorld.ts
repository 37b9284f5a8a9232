import type { Random } from '../../../common/core/Random.ts';
import { createDispatchConfig } from './createDispatchConfig.ts';
import { createMatrixTravelModel } from './createMatrixTravelModel.ts';
import type { MatrixTravelModel } from './createMatrixTravelModel.ts';
import type { DispatchConfig, DispatchRobot, WaitingParcel } from './types.ts';

/** Scenario builders for the dispatch tests: a flat world where distance is Euclidean and speed 1 m/s. */
export function world(points: Record<string, [number, number]>): MatrixTravelModel {
  const ids = Object.keys(points).sort();
  const rows = ids.map((a) => ids.map((b) => Math.hypot(points[a]![0] - points[b]![0], points[a]![1] - points[b]![1])));
  return createMatrixTravelModel(ids, rows, 1);
}

export const NOW = 1_790_000_000_000;

/** No dwell or loading, generous limits: distances alone decide, which makes optima computable by hand. */
export function bareConfig(extra: Partial<DispatchConfig> = {}): DispatchConfig {
  return createDispatchConfig({ hub: 'hub', loadPerParcelS: 0, handoverDwellS: 0, handoverPerParcelS: 0,
    maxTripDurationS: 1e9, batteryReservePct: 10, energyMarginFactor: 1, ...extra });
}

export function robot(serial: string, extra: Partial<DispatchRobot> = {}): DispatchRobot {
  return { serial, state: 'idle_at_hub', compartments: 8, batteryPct: 100,
    energy: { capacityWh: 1000, whPerM: 0.01, idleW: 0 }, ...extra };
}

export function parcel(id: string, destination: string, ageS = 0, extra: Partial<WaitingParcel> = {}): WaitingParcel {
  return { id, destination, readyAtMs: NOW - ageS * 1000, ...extra };
}

/** A random campus of `n` places in a 1.5 km square, hub in the middle. */
export function randomWorld(rng: Random, n: number): { travel: MatrixTravelModel; places: string[] } {
  const points: Record<string, [number, number]> = { hub: [750, 750] };
  const places: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `b${String(i).padStart(2, '0')}`;
    points[id] = [rng.uniform(0, 1500), rng.uniform(0, 1500)];
    places.push(id);
  }
  return { travel: world(points), places };
}
