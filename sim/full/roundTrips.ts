/**
 * A stand-in dispatcher for benchmarks and shard workers: hub → drop → hub round trips as plain VDA 5050 orders
 * straight to each robot's mission runner, drops drawn from a per-robot seeded stream. It keeps robots driving the
 * way a busy hour does without the fleet server, so full and fleet fidelity can be timed on identical work.
 */
import type { Clock } from '../../clock/index.ts';
import { Random } from '../../common/core/Random.ts';
import type { CampusMap, Vec2 } from '../../maps/index.ts';
import { orderThrough } from '../../robot/closedLoop/orders.ts';
import type { MapPose, MissionRunner } from '../../robot/mission/index.ts';

export interface RoundTripRobot {
  serial: string;
  runner: MissionRunner;
  pose(): MapPose;
}

export interface RoundTrips {
  /** Legs finished so far. */
  readonly legs: number;
  /** Robots on the same leg for more than `stuckAfterMs`. */
  stuck(stuckAfterMs?: number): number;
  stop(): void;
}

/** Hub position and drop points 150–900 m from it by route, clear of mapped walls by 2 m. */
export function roundTripPlaces(campus: CampusMap, minM = 150, maxM = 900): { hub: Vec2; hubNode: number; drops: Vec2[] } {
  const hub = campus.places.find((p) => p.kind === 'hub');
  if (hub === undefined) throw new RangeError(`roundTripPlaces: campus ${campus.name} has no hub place`);
  const at = (node: number): Vec2 => ({ x: campus.graph.nodeX[node]!, y: campus.graph.nodeY[node]! });
  const hubPos = at(hub.node);
  // A robot that trusts the mapped walls cannot pass some mapped gates; drops clear of walls avoid most of them.
  const drops = campus.places
    .filter((p) => p.kind === 'drop')
    .map((p) => at(p.node))
    .filter((q) => campus.obstacles.nearestDistance(q.x, q.y, 3) >= 2)
    .filter((q) => {
      const r = campus.routePoints(hubPos, q);
      return r.ok && r.value.lengthM >= minM && r.value.lengthM <= maxM;
    });
  if (drops.length === 0) throw new RangeError(`roundTripPlaces: no drop ${minM}–${maxM} m from the hub of ${campus.name}`);
  return { hub: hubPos, hubNode: hub.node, drops };
}

/** Starts the round trips: each robot's first order now, the next once it has reached its goal (checked every 1 s). */
export function driveRoundTrips(
  clock: Clock, campus: CampusMap, robots: readonly RoundTripRobot[], places: { hub: Vec2; drops: readonly Vec2[] }, seed: number,
): RoundTrips {
  const streams = robots.map((r) => new Random(seed * 7919 + hashSerial(r.serial)));
  const legs = robots.map(() => ({ k: 0, nodeId: '', sinceMs: clock.now() }));
  let finished = 0;
  const next = (i: number) => {
    const r = robots[i]!;
    const leg = legs[i]!;
    const p = r.pose();
    const goal = leg.k % 2 === 0 ? places.drops[streams[i]!.int(0, places.drops.length - 1)]! : places.hub;
    leg.k++;
    leg.nodeId = `T${leg.k}`;
    leg.sinceMs = clock.now();
    r.runner.dispatch({
      type: 'order',
      order: orderThrough(`${r.serial}-${leg.k}`, [{ id: `S${leg.k}`, x: p.x, y: p.y }, { id: leg.nodeId, x: goal.x, y: goal.y }],
        { manufacturer: 'CampusSim', serialNumber: r.serial }, { mapId: campus.mapId }),
    });
  };
  robots.forEach((_, i) => next(i));
  const timer = clock.setInterval(1000, () => {
    robots.forEach((r, i) => {
      const s = r.runner.state();
      if (!s.driving && s.lastNodeId === legs[i]!.nodeId) {
        finished++;
        next(i);
      }
    });
  });
  return {
    get legs() {
      return finished;
    },
    stuck: (afterMs = 15 * 60_000) => legs.filter((l) => clock.now() - l.sinceMs > afterMs).length,
    stop: () => clock.clearTimer(timer),
  };
}

/** A robot's stream depends on its serial, not its index, so sharding robots differently gives each the same trips. */
function hashSerial(serial: string): number {
  let h = 0;
  for (let i = 0; i < serial.length; i++) h = (h * 31 + serial.charCodeAt(i)) >>> 0;
  return h % 1_000_003;
}
