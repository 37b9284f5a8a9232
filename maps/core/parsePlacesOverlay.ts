import type { LonLat } from './LocalFrame.ts';
import { MapValidationError } from './MapValidationError.ts';

/** A point given in an overlay: a position, or the name/id of a building or place to take it from. */
export interface OverlayPoint {
  id?: string;
  name?: string;
  lonLat?: LonLat;
  /** Name or id of a building (its drop point), a place, or a POI that gives the position. */
  at?: string;
  weight?: number;
}

/**
 * A small per-campus file (`maps/data/overlays/<campus>.json`) that adds what OSM lacks and overrides what
 * derivePlaces guessed. Every field is optional.
 */
export interface PlacesOverlay {
  hub?: OverlayPoint;
  docks?: OverlayPoint[];
  parking?: OverlayPoint[];
  /** Building id or current name → display name. */
  rename?: Record<string, string>;
  extraDrops?: OverlayPoint[];
  /** Building ids or names that get no drop point. */
  removeDrops?: string[];
  /** Areas robots must not drive through (construction, events): edges touching them are closed. */
  noGo?: NoGoZone[];
}

export interface NoGoZone {
  id?: string;
  name?: string;
  /** Outline in lon/lat, at least 3 points (closing point optional). */
  ring: LonLat[];
}

/** Validates an overlay's parsed JSON; throws MapValidationError naming the file and the bad field. */
export function parsePlacesOverlay(json: unknown, file: string): PlacesOverlay {
  const fail = (field: string, reason: string): never => {
    throw new MapValidationError(file, reason, { featureId: field });
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('(root)', 'overlay must be a JSON object');
  const o = json as Record<string, unknown>;
  const known = new Set(['hub', 'docks', 'parking', 'rename', 'extraDrops', 'removeDrops', 'noGo', '$comment']);
  for (const k of Object.keys(o)) if (!known.has(k)) fail(k, `unknown overlay field "${k}" (known: ${[...known].join(', ')})`);

  const point = (v: unknown, field: string): OverlayPoint => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(field, 'must be an object');
    const p = v as Record<string, unknown>;
    const out: OverlayPoint = {};
    if (p.id !== undefined) out.id = typeof p.id === 'string' ? p.id : fail(`${field}.id`, 'must be a string');
    if (p.name !== undefined) out.name = typeof p.name === 'string' ? p.name : fail(`${field}.name`, 'must be a string');
    if (p.at !== undefined) out.at = typeof p.at === 'string' ? p.at : fail(`${field}.at`, 'must be a string');
    if (p.weight !== undefined) {
      out.weight = typeof p.weight === 'number' && p.weight > 0 ? p.weight : fail(`${field}.weight`, 'must be a positive number');
    }
    if (p.lonLat !== undefined) {
      const ll = p.lonLat;
      if (!Array.isArray(ll) || ll.length !== 2 || typeof ll[0] !== 'number' || typeof ll[1] !== 'number' ||
        Math.abs(ll[0]) > 180 || Math.abs(ll[1]) > 90) {
        return fail(`${field}.lonLat`, 'must be [lon, lat] in degrees');
      }
      out.lonLat = [ll[0], ll[1]];
    }
    if (out.lonLat === undefined && out.at === undefined) fail(field, 'needs "lonLat" or "at"');
    return out;
  };
  const points = (v: unknown, field: string): OverlayPoint[] =>
    Array.isArray(v) ? v.map((p, i) => point(p, `${field}[${i}]`)) : fail(field, 'must be an array');

  const out: PlacesOverlay = {};
  if (o.hub !== undefined) out.hub = point(o.hub, 'hub');
  if (o.docks !== undefined) out.docks = points(o.docks, 'docks');
  if (o.parking !== undefined) out.parking = points(o.parking, 'parking');
  if (o.extraDrops !== undefined) out.extraDrops = points(o.extraDrops, 'extraDrops');
  if (o.removeDrops !== undefined) {
    const r = o.removeDrops;
    out.removeDrops = Array.isArray(r) && r.every((x) => typeof x === 'string') ? r : fail('removeDrops', 'must be an array of strings');
  }
  if (o.noGo !== undefined) {
    if (!Array.isArray(o.noGo)) fail('noGo', 'must be an array');
    out.noGo = (o.noGo as unknown[]).map((z, i) => {
      const field = `noGo[${i}]`;
      if (typeof z !== 'object' || z === null) return fail(field, 'must be an object');
      const zone = z as Record<string, unknown>;
      const ring = zone.ring;
      const okPoint = (p: unknown) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'number' && typeof p[1] === 'number' &&
        Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
      if (!Array.isArray(ring) || ring.length < 3 || !ring.every(okPoint)) return fail(`${field}.ring`, 'must be at least 3 [lon, lat] points');
      return {
        ...(typeof zone.id === 'string' ? { id: zone.id } : {}),
        ...(typeof zone.name === 'string' ? { name: zone.name } : {}),
        ring: (ring as [number, number][]).map((p) => [p[0], p[1]] as LonLat),
      };
    });
  }
  if (o.rename !== undefined) {
    const r = o.rename;
    if (typeof r !== 'object' || r === null || Array.isArray(r) || !Object.values(r).every((x) => typeof x === 'string')) {
      fail('rename', 'must map ids or names to strings');
    }
    out.rename = r as Record<string, string>;
  }
  return out;
}
