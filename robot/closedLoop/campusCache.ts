/** Loads each campus file once per process: tests and benchmarks share the parsed map and its indexes. */
import { loadCampus, type CampusMap } from '../../maps/index.ts';

const cache = new Map<string, Promise<CampusMap>>();

/** The real ZJU Zijingang campus, the default of the closed-loop tests and the robot CLI. */
export const ZJU_CAMPUS_FILE = 'maps/data/zju-zijingang.geojson';

export function loadCampusCached(file: string = ZJU_CAMPUS_FILE): Promise<CampusMap> {
  let c = cache.get(file);
  if (c === undefined) {
    c = loadCampus(file);
    cache.set(file, c);
  }
  return c;
}
