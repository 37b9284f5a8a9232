import { existsSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { createCampusMap } from '../core/CampusMap.ts';
import type { CampusMap, CampusMapOptions } from '../core/CampusMap.ts';
import type { CampusFeatures } from '../core/CampusFeatures.ts';
import { featuresFromGeoJson } from '../core/featuresFromGeoJson.ts';
import { featuresFromOsm } from '../core/featuresFromOsm.ts';
import { MapValidationError } from '../core/MapValidationError.ts';
import { parsePlacesOverlay } from '../core/parsePlacesOverlay.ts';
import type { PlacesOverlay } from '../core/parsePlacesOverlay.ts';
import { readOsmXml } from './readOsmXml.ts';

export interface LoadCampusOptions extends CampusMapOptions {
  /**
   * Places overlay file. Default: `overlays/<file name without extension>.json` beside the map, if it exists
   * (so `swjtu-xipu.osm` and `swjtu-xipu.geojson` share one). `false` disables it.
   */
  overlayPath?: string | false;
}

/**
 * Reads a campus map file and builds a CampusMap. The format is detected from content: OSM XML (`<osm`), our
 * GeoJSON schema (`properties.kind`) or generic OSM GeoJSON (osmtogeojson). Raw OSM gets a 2 m snap tolerance for
 * nearly-meeting way ends unless told otherwise. Throws MapValidationError (code MAP_INVALID) for an unusable file.
 */
export async function loadCampus(file: string, options: LoadCampusOptions = {}): Promise<CampusMap> {
  const features = await loadCampusFeatures(file);
  const overlay = options.overlay ?? (await loadOverlay(file, options.overlayPath));
  return createCampusMap(features, { ...options, overlay, file });
}

/** Reads and normalizes a map file without building the graph (for tools that only need features). */
export async function loadCampusFeatures(file: string): Promise<CampusFeatures> {
  let head: string;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(512);
      const { bytesRead } = await fh.read(buf, 0, 512, 0);
      head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new MapValidationError(file, `cannot read file: ${(e as Error).message}`, { cause: e });
  }
  if (head.length === 0) throw new MapValidationError(file, 'file is empty');
  if (head.startsWith('<')) {
    if (!/<osm[\s>]/.test(head)) throw new MapValidationError(file, 'XML file is not an OpenStreetMap export (no <osm> root)');
    return featuresFromOsm(await readOsmXml(file), file);
  }
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new MapValidationError(file, `not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  return featuresFromGeoJson(json, file);
}

/** Reads a places overlay; undefined when `overlayPath` is false or the default file does not exist. */
export async function loadOverlay(mapFile: string, overlayPath?: string | false): Promise<PlacesOverlay | undefined> {
  if (overlayPath === false) return undefined;
  const path = overlayPath ?? join(dirname(mapFile), 'overlays', `${basename(mapFile, extname(mapFile))}.json`);
  if (overlayPath === undefined && !existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new MapValidationError(path, `cannot read overlay: ${(e as Error).message}`, { cause: e });
  }
  return parsePlacesOverlay(json, path);
}
