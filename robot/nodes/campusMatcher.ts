/**
 * One scan matcher per campus, shared by every robot on it: the segment grid over the building outlines is the
 * expensive part (built once), and a match is synchronous, so robots can take turns with the same scratch space.
 */
import type { CampusMap, Segment } from '../../maps/index.ts';
import { ScanMatcher, type ScanMatcherParams } from '../localization/core/index.ts';

const matchers = new WeakMap<CampusMap, ScanMatcher>();

/** The campus's obstacle outlines (buildings, walls) as segments; closes rings that do not repeat their first point. */
export function campusSegments(campus: CampusMap): Segment[] {
  const out: Segment[] = [];
  for (const ring of campus.obstaclePolygons) {
    for (let i = 1; i < ring.length; i++) {
      const a = ring[i - 1]!, b = ring[i]!;
      if (a.x !== b.x || a.y !== b.y) out.push({ ax: a.x, ay: a.y, bx: b.x, by: b.y });
    }
    const first = ring[0], last = ring[ring.length - 1];
    if (ring.length > 2 && first && last && (first.x !== last.x || first.y !== last.y)) {
      out.push({ ax: last.x, ay: last.y, bx: first.x, by: first.y });
    }
  }
  return out;
}

/** The shared matcher for `campus` (built on first use with `params`; later calls get the same one). */
export function campusMatcher(campus: CampusMap, params: Partial<ScanMatcherParams> = {}): ScanMatcher {
  let m = matchers.get(campus);
  if (m === undefined) {
    m = new ScanMatcher(campusSegments(campus), params);
    matchers.set(campus, m);
  }
  return m;
}
