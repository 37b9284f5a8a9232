// Pure helpers for the console (no DOM), kept apart so they can be tested in Node: map projection, reconnect
// backoff and time formatting.

const EARTH_RADIUS_M = 6371008.8;
const DEG = Math.PI / 180;

/**
 * A local equirectangular projection centred on the bbox: metres east (x) and metres SOUTH (y, because SVG's y axis
 * points down) of the centre. Over a campus (a few km) the distortion is far below a robot's length.
 * @param {[number, number, number, number]} bbox [west, south, east, north] in degrees
 */
export function createProjection(bbox) {
  const [west, south, east, north] = bbox;
  const lon0 = (west + east) / 2;
  const lat0 = (south + north) / 2;
  const kx = EARTH_RADIUS_M * DEG * Math.cos(lat0 * DEG);
  const ky = EARTH_RADIUS_M * DEG;
  const toXY = ([lon, lat]) => [(lon - lon0) * kx, -(lat - lat0) * ky];
  const toLonLat = ([x, y]) => [lon0 + x / kx, lat0 - y / ky];
  const [x0, y0] = toXY([west, north]);
  const [x1, y1] = toXY([east, south]);
  return { toXY, toLonLat, viewBox: { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } };
}

/**
 * Reconnect delay: exponential from 1 s, capped at 30 s, with jitter so a restarted server is not hit by every
 * console at the same instant.
 * @param {number} attempt failures so far (0 for the first retry)
 * @param {number} random01 a number in [0, 1)
 */
export function backoffDelayMs(attempt, random01) {
  const ceilingMs = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 15));
  return Math.round(ceilingMs * (0.5 + random01 / 2));
}

/** "4 s", "3 min", "2 h" (ages shown next to robot states and alerts). */
export function formatAge(ageMs) {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `${min} min`;
  return `${Math.round(min / 60)} h`;
}

/** Degrees for SVG's rotate(): heading is counter-clockwise from east, SVG rotates clockwise with y down. */
export function headingToSvgDeg(headingRad) {
  return -headingRad / DEG;
}
