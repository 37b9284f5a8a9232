/**
 * Charging bay spots: one per bay, beside the footways near the dock, so a robot charging there does not stand on a
 * footway junction where every robot passing the dock has to squeeze by it (issue #5: 80–120 s lost per pass,
 * sometimes 15–30 min). Each bay is a charger of its own (the simulated `DockCharger` charges within reach of a dock
 * node or of any bay spot), so bays need not crowd round the dock node: with 60 robots (6 bays a dock) they had to fit
 * within 3.5 m of it and two were left on the junction itself. Pure: campus in, positions out.
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
  /** A bay's spot at most this far from its dock node in a straight line, m (default 20). */
  withinM?: number;
  /**
   * Two bays' centres (and a bay and a taken spot) at least this far apart, m (default 2.0, more than the hub spots':
   * robots come and go at bays all day, and one arriving beside a charging robot should not have to squeeze by).
   */
  apartM?: number;
  /** Spots already given out (the hub's waiting spots), kept apart from the bays'. */
  taken?: readonly Vec2[];
}

/**
 * bay id → its spot, for `baysPerDock` bays at each dock, off the footways' passing band, clear of obstacles, apartM
 * from each other and from `taken`, within withinM of the dock node, nearest first along the footways (the hubSpots
 * picker around the dock's node). A bay left without a spot on a cramped dock is missing from the map: the fleet sends
 * its robot to the dock node as before.
 */
export function dockBaySpots(campus: CampusMap, docks: readonly DockPlace[], baysPerDock: number, o: DockBaySpotOptions = {}): Map<string, Vec2> {
  const withinM = o.withinM ?? 20;
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
