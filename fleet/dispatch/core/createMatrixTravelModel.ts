import { DispatchConfigError } from './DispatchConfigError.ts';
import type { PlaceId, TravelModel } from './types.ts';

/** A TravelModel over a dense matrix, with the index exposed so hot loops can skip the id lookup. */
export interface MatrixTravelModel extends TravelModel {
  readonly ids: readonly PlaceId[];
  indexOf(place: PlaceId): number;
  /** Row-major n×n distances in metres; Infinity where no route exists. */
  readonly distancesM: Float64Array;
  readonly speedMps: number;
}

/**
 * Builds a travel model from a precomputed distance matrix (e.g. all-pairs routes on the campus graph).
 * Travel time is distance / speed. Unknown place ids answer Infinity (unreachable) rather than throwing, because a
 * parcel addressed to a place off the map is an outcome to report, not a fault.
 *
 * @param ids place ids, one per row/column
 * @param distancesM n×n metres, row-major flat array or array of rows; Infinity (or null/NaN) for no route
 * @param speedMps cruise speed used for travel times
 * @throws DispatchConfigError when the matrix shape, ids or speed are wrong
 */
export function createMatrixTravelModel(
  ids: readonly PlaceId[],
  distancesM: ArrayLike<number> | readonly (readonly number[])[],
  speedMps: number,
): MatrixTravelModel {
  const n = ids.length;
  if (!(speedMps > 0) || !Number.isFinite(speedMps)) {
    throw new DispatchConfigError(`createMatrixTravelModel: speedMps must be a finite number > 0, got ${speedMps}`);
  }
  const index = new Map<PlaceId, number>();
  ids.forEach((id, i) => {
    if (index.has(id)) throw new DispatchConfigError(`createMatrixTravelModel: duplicate place id "${id}" at ${i}`);
    index.set(id, i);
  });
  const flat = new Float64Array(n * n);
  const rows = Array.isArray(distancesM) && n > 0 && Array.isArray(distancesM[0]);
  if (rows) {
    const m = distancesM as readonly (readonly number[])[];
    if (m.length !== n) throw new DispatchConfigError(`createMatrixTravelModel: ${m.length} rows for ${n} ids`);
    m.forEach((row, i) => {
      if (row.length !== n) throw new DispatchConfigError(`createMatrixTravelModel: row ${i} has ${row.length} entries, expected ${n}`);
      for (let j = 0; j < n; j++) flat[i * n + j] = clean(row[j]);
    });
  } else {
    const m = distancesM as ArrayLike<number>;
    if (m.length !== n * n) throw new DispatchConfigError(`createMatrixTravelModel: ${m.length} entries for ${n} ids, expected ${n * n}`);
    for (let k = 0; k < n * n; k++) flat[k] = clean(m[k]);
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = flat[i * n + j]!;
      if (d < 0) throw new DispatchConfigError(`createMatrixTravelModel: negative distance ${d} from "${ids[i]}" to "${ids[j]}"`);
    }
  }
  const distanceM = (from: PlaceId, to: PlaceId): number => {
    const i = index.get(from), j = index.get(to);
    if (i === undefined || j === undefined) return Infinity;
    return flat[i * n + j]!;
  };
  return {
    ids: [...ids],
    distancesM: flat,
    speedMps,
    indexOf: (place) => index.get(place) ?? -1,
    distanceM,
    travelTimeS: (from, to) => distanceM(from, to) / speedMps,
  };
}

function clean(v: number | null | undefined): number {
  return v === null || v === undefined || Number.isNaN(v) ? Infinity : v;
}
