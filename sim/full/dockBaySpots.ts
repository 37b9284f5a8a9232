/**
 * Charging bay spots: one per bay, beside the footway within the charger's reach of the dock, so a robot charging
 * there does not stand on a footway junction where every robot passing the dock has to squeeze by it (issue #5: 80–120 s
 * lost per pass, sometimes 15–30 min). Pure: campus in, positions out.
 */
import type { CampusMap, Vec2 } from '../../maps/index.ts';
import { hubSpots } from './hubSpots.ts';

/** A dock place as the fleet names its bays: `<id>/<k>`, k = 1..baysPerDock. */
export interface DockPlace {
  id: string;
  /** Graph node the dock stands on. */
  node: number;
}

export interface DockBaySpotOptions {
  /** How far from the dock the charger reaches, m (the simulated DockCharger's radius; default 5). */
  reachM?: number;
  /**
   * Kept between a spot and the edge of the reach, m (default 1.5): a robot counts as arrived a little short of its
   * spot, and the charger measures the robot's true position, not where it thinks it is.
   */
  marginM?: number;
  /**
   * Two bays' centres (and a bay and a taken spot) at least this far apart, m (default 2.0, more than the hub spots'
   * 1.1: robots come and go at bays all day, and one arriving beside a charging robot should not have to squeeze by).
   */
  apartM?: number;
  /** Spots already given out (the hub's waiting spots), kept apart from the bays'. */
  taken?: readonly Vec2[];
}

/**
 * bay id → its spot, for `baysPerDock` bays at each dock, off the footways, clear of obstacles, apartM from each other
 * and from `taken`, within reachM − marginM of the dock (the hubSpots picker around the dock's node). A bay left
 * without a spot on a cramped dock is missing from the map: the fleet sends its robot to the dock node as before.
 */
export function dockBaySpots(campus: CampusMap, docks: readonly DockPlace[], baysPerDock: number, o: DockBaySpotOptions = {}): Map<string, Vec2> {
  const withinM = (o.reachM ?? 5) - (o.marginM ?? 1.5);
  const taken: Vec2[] = [...(o.taken ?? [])];
  const out = new Map<string, Vec2>();
  for (const dock of docks) {
    const spots = hubSpots(campus, dock.node, baysPerDock, { withinM, taken, apartM: o.apartM ?? 2 });
    spots.forEach((s, k) => {
      out.set(`${dock.id}/${k + 1}`, { x: s.x, y: s.y });
      taken.push(s);
    });
  }
  return out;
}
