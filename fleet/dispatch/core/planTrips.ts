import { buildTrip, rerouteTrip, tripEnergyWh, usableEnergyWh } from './buildTrip.ts';
import type { MatrixTravelModel } from './createMatrixTravelModel.ts';
import { orderStops, tourCost } from './orderStops.ts';
import type {
  DispatchConfig, DispatchRobot, PlaceId, PlanInput, PlanOptions, PlanResult, TravelModel, Trip, Unassigned,
  UnassignedReason, WaitingParcel,
} from './types.ts';

/** Older first after priority; ids break ties so the same input always gives the same plan. */
export function compareUrgency(a: WaitingParcel, b: WaitingParcel): number {
  return (b.priority ?? 0) - (a.priority ?? 0) || a.readyAtMs - b.readyAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

interface Avail {
  robot: DispatchRobot;
  startAtMs: number;
  usableWh: number;
  used: boolean;
  pinned: boolean;
}

/** All parcels of one route bound for one place (a route may hold two groups for a place until it is built). */
interface Group {
  place: PlaceId;
  /** Index into the plan's local matrix (0 is the hub). */
  pi: number;
  parcels: WaitingParcel[];
  pinnedRobot?: string;
}

/** A route under construction: groups in visiting order and estimates for the feasibility checks. */
interface Route {
  groups: Group[];
  /** Local node index of each group (for the savings matrix); -1 for groups added later. */
  nodes: number[];
  load: number;
  distM: number;
  driveS: number;
  robot?: string;
}

/**
 * Plans trips for the waiting parcels over the robots available at the hub.
 *
 * 1. Filters: held, not ready, exhausted, unreachable parcels are reported, never planned.
 * 2. Pinned parcels (dispatcher override) seed their robot's route first.
 * 3. The oldest (highest-priority first) parcels that fit in the fleet's free compartments are selected: recipients'
 *    waiting time outranks distance. Parcels to one place form one group (one stop); a group larger than a robot
 *    goes out in full direct loads.
 * 4. Clarke–Wright savings merges groups into routes under compartments, trip duration and battery limits.
 * 5. Each route's stops are ordered exactly (Held–Karp) up to `exactStopLimit` stops, by 2-opt + or-opt above.
 * 6. Routes go to robots most urgent first (earliest available, smallest fitting, least battery that suffices);
 *    parcels of routes left without a robot are inserted where compartments are spare, or wait.
 *
 * Pure and deterministic: `input.nowMs` is the only time, and ties break by id.
 */
export function planTrips(input: PlanInput, config: DispatchConfig, options: PlanOptions = {}): PlanResult {
  const { nowMs, travel } = input;
  const horizonMs = options.horizonMs ?? 0;
  const unassigned: Unassigned[] = [];
  const reasonOf = (p: WaitingParcel, reason: UnassignedReason) => unassigned.push({ parcelId: p.id, reason });

  // --- robots available now (or back within the horizon) ---
  const robotsBySerial = new Map<string, DispatchRobot>();
  for (const r of input.robots) robotsBySerial.set(r.serial, r);
  const avail = new Map<string, Avail>();
  for (const r of [...input.robots].sort((a, b) => cmpStr(a.serial, b.serial))) {
    let startAtMs: number | undefined;
    if (r.state === 'idle_at_hub') startAtMs = nowMs;
    else if (r.state === 'on_trip' && r.returnAtMs !== undefined && r.returnAtMs <= nowMs + horizonMs) {
      startAtMs = Math.max(nowMs, r.returnAtMs);
    }
    if (startAtMs !== undefined && r.compartments > 0) {
      avail.set(r.serial, { robot: r, startAtMs, usableWh: usableEnergyWh(r, config), used: false, pinned: false });
    }
  }

  // --- filter parcels ---
  const sorted = [...input.parcels].sort(compareUrgency);
  const reachable = new Map<PlaceId, boolean>();
  const isReachable = (place: PlaceId) => {
    let ok = reachable.get(place);
    if (ok === undefined) {
      ok = Number.isFinite(travel.distanceM(config.hub, place)) && Number.isFinite(travel.distanceM(place, config.hub));
      reachable.set(place, ok);
    }
    return ok;
  };
  const pinnedBy = new Map<string, WaitingParcel[]>();
  const free: WaitingParcel[] = [];
  let eligible = 0;
  for (const p of sorted) {
    if (p.held) reasonOf(p, { kind: 'held' });
    else if ((p.attempts ?? 0) >= config.maxDeliveryAttempts) reasonOf(p, { kind: 'attempts_exhausted', attempts: p.attempts ?? 0 });
    else if (p.readyAtMs > nowMs) reasonOf(p, { kind: 'not_ready', readyAtMs: p.readyAtMs });
    else if (!isReachable(p.destination)) reasonOf(p, { kind: 'unreachable' });
    else {
      eligible++;
      if (p.pinnedRobot === undefined) free.push(p);
      else if (!avail.has(p.pinnedRobot)) {
        reasonOf(p, { kind: 'pinned_robot_unavailable', robot: p.pinnedRobot,
          state: robotsBySerial.get(p.pinnedRobot)?.state ?? 'unknown' });
      } else {
        const list = pinnedBy.get(p.pinnedRobot) ?? [];
        list.push(p);
        pinnedBy.set(p.pinnedRobot, list);
      }
    }
  }

  // --- one local matrix over the hub and the places in play: every later estimate reads it by index ---
  const local = localMatrix(config.hub, [...free, ...[...pinnedBy.values()].flat()], travel);
  const ctx: Ctx = { D: local.D, T: local.T, P: local.P, config };

  // --- estimates shared by every check ---
  const routeDurationS = (load: number, stops: number, driveS: number) =>
    load * (config.loadPerParcelS + config.handoverPerParcelS) + stops * config.handoverDwellS + driveS;
  const fits = (a: Avail, load: number, stops: number, distM: number, driveS: number) => {
    const dur = routeDurationS(load, stops, driveS);
    return a.robot.compartments >= load && dur <= config.maxTripDurationS &&
      tripEnergyWh(a.robot, distM, dur) * config.energyMarginFactor <= a.usableWh;
  };

  // --- pinned routes, then the free parcels that fit in what is left ---
  const seeds: Group[][] = [];
  let capacityLeft = 0;
  for (const a of avail.values()) capacityLeft += a.robot.compartments;
  for (const [serial, list] of [...pinnedBy.entries()].sort((x, y) => cmpStr(x[0], y[0]))) {
    const a = avail.get(serial)!;
    a.pinned = true;
    const take = list.slice(0, a.robot.compartments);
    for (const p of list.slice(a.robot.compartments)) reasonOf(p, { kind: 'pinned_robot_full', robot: serial });
    capacityLeft -= take.length;
    seeds.push(groupByPlace(take, local.index).map((g) => ({ ...g, pinnedRobot: serial })));
  }
  const selected = config.selection === 'byPlace' ? selectByPlace(free, capacityLeft) : free.slice(0, Math.max(0, capacityLeft));
  if (selected.length < free.length && options.reportNoCapacity !== false) {
    const chosen = new Set(selected);
    // One reason object for them all: a busy shelf leaves thousands of parcels over capacity every run.
    const noCapacity: UnassignedReason = { kind: 'no_capacity' };
    for (const p of free) if (!chosen.has(p)) reasonOf(p, noCapacity);
  }

  const freeRobots = [...avail.values()].filter((a) => !a.pinned);
  const fullLoad = freeRobots.reduce((m, a) => Math.max(m, a.robot.compartments), 0);
  // Feasibility probes try the robot with the most energy first: it is the one most likely to say yes.
  const byEnergy = [...freeRobots].sort((x, y) => y.usableWh - x.usableWh);

  // --- nodes: one group per place; groups of a full robot load or more go out as direct loads first ---
  const groups: Group[] = [];
  const direct: Group[] = [];
  for (const g of groupByPlace(selected, local.index)) {
    let rest = g.parcels;
    while (fullLoad > 0 && rest.length >= fullLoad) {
      direct.push({ place: g.place, pi: g.pi, parcels: rest.slice(0, fullLoad) });
      rest = rest.slice(fullLoad);
    }
    if (rest.length > 0) groups.push({ place: g.place, pi: g.pi, parcels: rest });
  }
  for (const seed of seeds) groups.push(...seed);
  const n = groups.length;
  const { D, T, P } = local;
  const dh = new Float64Array(n), dhb = new Float64Array(n), th = new Float64Array(n), thb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pi = groups[i]!.pi;
    dh[i] = D[pi]!;
    dhb[i] = D[pi * P]!;
    th[i] = T[pi]!;
    thb[i] = T[pi * P]!;
  }
  // Symmetrised pair costs: savings merge routes end to end and may reverse one, which only makes sense for a
  // symmetric cost; the exact ordering afterwards uses the true (possibly one-way) matrix.
  const dm = new Float64Array(n * n), tm = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = groups[i]!.pi;
    for (let j = i + 1; j < n; j++) {
      const b = groups[j]!.pi;
      const d = (D[a * P + b]! + D[b * P + a]!) / 2;
      const t = (T[a * P + b]! + T[b * P + a]!) / 2;
      dm[i * n + j] = dm[j * n + i] = d;
      tm[i * n + j] = tm[j * n + i] = t;
    }
  }

  // --- initial routes: one per free group, one per pinned robot ---
  const routes: (Route | null)[] = [];
  const routeOf = new Int32Array(n).fill(-1);
  const newRoute = (nodes: number[], robot?: string) => {
    const id = routes.length;
    let load = 0, distM = 0, driveS = 0;
    nodes.forEach((node, k) => {
      load += groups[node]!.parcels.length;
      const prev = k === 0 ? -1 : nodes[k - 1]!;
      distM += prev < 0 ? dh[node]! : dm[prev * n + node]!;
      driveS += prev < 0 ? th[node]! : tm[prev * n + node]!;
      routeOf[node] = id;
    });
    const last = nodes[nodes.length - 1]!;
    distM += dhb[last]!;
    driveS += thb[last]!;
    routes.push({ groups: nodes.map((k) => groups[k]!), nodes, load, distM, driveS, robot });
  };
  let seedNode = groups.length - seeds.reduce((s, g) => s + g.length, 0);
  for (let i = 0; i < seedNode; i++) newRoute([i]);
  for (const seed of seeds) {
    const nodes = seed.map((_, k) => seedNode + k);
    seedNode += seed.length;
    newRoute(nodes, seed[0]!.pinnedRobot);
  }

  // --- Clarke–Wright savings ---
  const pairs = sortedSavings(n, dh, dm);
  // Most merges that fail do so on compartments or duration, which need no robot loop.
  const canServe = (robot: string | undefined, load: number, stops: number, distM: number, driveS: number) => {
    if (robot !== undefined) return fits(avail.get(robot)!, load, stops, distM, driveS);
    if (load > fullLoad || routeDurationS(load, stops, driveS) > config.maxTripDurationS) return false;
    for (const a of byEnergy) if (fits(a, load, stops, distM, driveS)) return true;
    return false;
  };
  for (let k = 0; k < pairs.length; k++) {
    const key = pairs[k]!;
    const i = Math.floor(key / n), j = key % n;
    const ra = routeOf[i]!, rb = routeOf[j]!;
    if (ra === rb) continue;
    const A = routes[ra]!, B = routes[rb]!;
    const iHead = A.nodes[0] === i, iTail = A.nodes[A.nodes.length - 1] === i;
    const jHead = B.nodes[0] === j, jTail = B.nodes[B.nodes.length - 1] === j;
    if (!(iHead || iTail) || !(jHead || jTail)) continue;
    if (A.robot !== undefined && B.robot !== undefined) continue;
    const robot = A.robot ?? B.robot;
    const load = A.load + B.load;
    const distM = A.distM + B.distM - dhb[i]! - dh[j]! + dm[i * n + j]!;
    const driveS = A.driveS + B.driveS - thb[i]! - th[j]! + tm[i * n + j]!;
    const stops = A.nodes.length + B.nodes.length;
    if (!canServe(robot, load, stops, distM, driveS)) continue;
    const aNodes = iTail ? A.nodes : [...A.nodes].reverse();
    const bNodes = jHead ? B.nodes : [...B.nodes].reverse();
    const nodes = [...aNodes, ...bNodes];
    routes[ra] = { groups: nodes.map((k) => groups[k]!), nodes, load, distM, driveS, robot };
    routes[rb] = null;
    for (const node of bNodes) routeOf[node] = ra;
  }

  // --- order each route exactly, then hand routes to robots, most urgent first ---
  const built: { a: Avail; stops: Group[] }[] = [];
  const dropped: { group: Group; reason: UnassignedReason }[] = [];
  const candidates = [
    ...direct.map((g) => ({ groups: [g], robot: undefined as string | undefined })),
    ...routes.filter((r): r is Route => r !== null).map((r) => ({ groups: r.groups, robot: r.robot })),
  ].map((c) => ({ stops: orderGroups(c.groups, ctx), robot: c.robot, urgent: mostUrgent(c.groups) }));

  // Pinned routes go to their robot; if the merged route is too much for its battery, the pinned parcels alone.
  // Pins are read from the parcels, not the groups: ordering merges a pinned and a free group for the same place.
  for (const c of candidates) {
    if (c.robot === undefined) continue;
    const a = avail.get(c.robot)!;
    if (measureFits(a, c.stops, ctx)) {
      a.used = true;
      built.push({ a, stops: c.stops });
      continue;
    }
    const split = (pinned: boolean) => c.stops
      .map((g) => ({ ...g, parcels: g.parcels.filter((p) => (p.pinnedRobot !== undefined) === pinned) }))
      .filter((g) => g.parcels.length > 0);
    for (const g of split(false)) dropped.push({ group: g, reason: { kind: 'no_robot_available' } });
    const own = split(true);
    if (measureFits(a, own, ctx)) {
      a.used = true;
      built.push({ a, stops: own });
    } else {
      const reason = refusal(a, own, ctx);
      for (const g of own) for (const p of g.parcels) reasonOf(p, reason);
    }
  }
  const freeCandidates = candidates
    .filter((c) => c.robot === undefined)
    .sort((x, y) => compareUrgency(x.urgent, y.urgent));
  for (const c of freeCandidates) {
    const a = pickRobot(freeRobots, c.stops, ctx);
    if (a) {
      a.used = true;
      built.push({ a, stops: c.stops });
    } else {
      const reason = whyNoRobot(freeRobots, c.stops, ctx);
      for (const g of c.stops) dropped.push({ group: g, reason });
    }
  }

  // --- repair: dropped groups go where compartments are spare, else onto a robot still unused, else they wait ---
  dropped.sort((x, y) => compareUrgency(x.group.parcels[0]!, y.group.parcels[0]!));
  for (const d of dropped) {
    let rest = d.group.parcels;
    while (rest.length > 0) {
      const placed = insertCheapest(built, d.group, rest, ctx);
      if (placed === 0) break;
      rest = rest.slice(placed);
    }
    if (rest.length > 0) {
      const alone = [{ place: d.group.place, pi: d.group.pi, parcels: rest }];
      const a = pickRobot(freeRobots, alone, ctx);
      if (a) {
        a.used = true;
        built.push({ a, stops: alone });
        rest = [];
      }
    }
    for (const p of rest) reasonOf(p, d.reason);
  }

  // --- trips ---
  // Parcels by id only for a re-routed trip (rare), rather than a map of the whole shelf every run.
  let parcelsById: Map<string, WaitingParcel> | undefined;
  const trips: Trip[] = built
    .map(({ a, stops }) => {
      const trip = buildTrip(a.robot, a.startAtMs, orderGroups(stops, ctx), travel, config);
      const order = options.routeOverrides?.[a.robot.serial];
      if (!order) return trip;
      parcelsById ??= new Map(input.parcels.map((p) => [p.id, p]));
      return rerouteTrip(trip, order, a.robot, parcelsById, travel, config);
    })
    .sort((x, y) => cmpStr(x.robot, y.robot));

  let planned = 0, compartments = 0, totalDistanceM = 0;
  for (const t of trips) {
    planned += t.parcels.length;
    compartments += robotsBySerial.get(t.robot)!.compartments;
    totalDistanceM += t.distanceM;
  }
  unassigned.sort((x, y) => cmpStr(x.parcelId, y.parcelId));
  return {
    trips,
    unassigned,
    stats: {
      eligibleParcels: eligible,
      plannedParcels: planned,
      availableRobots: avail.size,
      trips: trips.length,
      totalDistanceM,
      meanFill: compartments > 0 ? planned / compartments : 0,
    },
  };
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Up to `capacity` parcels, place by place: the most urgent parcel's place with all its parcels (most urgent first),
 * then the most urgent remaining parcel's place, and so on. Keeps age order between places, fills stops within one.
 */
function selectByPlace(urgencySorted: readonly WaitingParcel[], capacity: number): WaitingParcel[] {
  const byPlace = new Map<PlaceId, WaitingParcel[]>();
  for (const p of urgencySorted) {
    const list = byPlace.get(p.destination);
    if (list) list.push(p);
    else byPlace.set(p.destination, [p]);
  }
  const out: WaitingParcel[] = [];
  for (const p of urgencySorted) {
    if (out.length >= capacity) break;
    const list = byPlace.get(p.destination);
    if (list === undefined) continue;
    byPlace.delete(p.destination);
    for (const q of list.slice(0, capacity - out.length)) out.push(q);
  }
  return out;
}

function groupByPlace(parcels: readonly WaitingParcel[], index: ReadonlyMap<PlaceId, number>): Group[] {
  const byPlace = new Map<PlaceId, Group>();
  for (const p of parcels) {
    const g = byPlace.get(p.destination);
    if (g) g.parcels.push(p);
    else byPlace.set(p.destination, { place: p.destination, pi: index.get(p.destination)!, parcels: [p] });
  }
  return [...byPlace.values()];
}

function mostUrgent(groups: readonly Group[]): WaitingParcel {
  let best = groups[0]!.parcels[0]!;
  for (const g of groups) for (const p of g.parcels) if (compareUrgency(p, best) < 0) best = p;
  return best;
}

/** Merges groups for the same place and orders the stops on the true matrix. */
function orderGroups(groups: readonly Group[], ctx: Ctx): Group[] {
  const merged: Group[] = [];
  for (const g of groups) {
    const same = merged.find((m) => m.pi === g.pi);
    if (same) same.parcels = [...same.parcels, ...g.parcels].sort(compareUrgency);
    else merged.push({ ...g, parcels: [...g.parcels] });
  }
  merged.sort((x, y) => x.pi - y.pi);
  const k = merged.length, m = k + 1, { D, P } = ctx;
  const idx = [0, ...merged.map((g) => g.pi)];
  const cost = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) cost[i * m + j] = D[idx[i]! * P + idx[j]!]!;
  const best = orderStops(cost, k, ctx.config.exactStopLimit);
  // A symmetric matrix makes every tour and its reverse equally long; of the two, serve the bigger groups first so
  // fewer recipients wait for the later stops.
  const reversed = [...best.order].reverse();
  const order = Math.abs(tourCost(cost, k, reversed) - best.cost) <= 1e-9 * Math.max(1, best.cost) &&
    parcelWait(cost, m, merged, reversed) < parcelWait(cost, m, merged, best.order) ? reversed : best.order;
  return order.map((s) => merged[s - 1]!);
}

/** Σ over parcels of the distance driven before their stop: a proxy for the recipients' total wait. */
function parcelWait(cost: Float64Array, m: number, groups: readonly Group[], order: readonly number[]): number {
  let prev = 0, driven = 0, total = 0;
  for (const s of order) {
    driven += cost[prev * m + s]!;
    total += driven * groups[s - 1]!.parcels.length;
    prev = s;
  }
  return total;
}

function measure(stops: readonly Group[], ctx: Ctx) {
  const { D, T, P, config } = ctx;
  let prev = 0, distM = 0, driveS = 0, load = 0;
  for (const s of stops) {
    distM += D[prev * P + s.pi]!;
    driveS += T[prev * P + s.pi]!;
    load += s.parcels.length;
    prev = s.pi;
  }
  distM += D[prev * P]!;
  driveS += T[prev * P]!;
  const durationS = load * (config.loadPerParcelS + config.handoverPerParcelS) + stops.length * config.handoverDwellS + driveS;
  return { distM, durationS, load };
}

function measureFits(a: Avail, stops: readonly Group[], ctx: Ctx): boolean {
  const m = measure(stops, ctx);
  return a.robot.compartments >= m.load && m.durationS <= ctx.config.maxTripDurationS &&
    tripEnergyWh(a.robot, m.distM, m.durationS) * ctx.config.energyMarginFactor <= a.usableWh;
}

function refusal(a: Avail, stops: readonly Group[], ctx: Ctx): UnassignedReason {
  const m = measure(stops, ctx);
  if (m.durationS > ctx.config.maxTripDurationS) return { kind: 'trip_too_long', durationS: m.durationS };
  return { kind: 'low_battery', neededWh: tripEnergyWh(a.robot, m.distM, m.durationS) * ctx.config.energyMarginFactor,
    bestAvailableWh: a.usableWh };
}

/** Earliest available, then the smallest robot that fits, then the least battery that suffices, then serial. */
function pickRobot(robots: readonly Avail[], stops: readonly Group[], ctx: Ctx): Avail | undefined {
  let best: Avail | undefined;
  for (const a of robots) {
    if (a.used || !measureFits(a, stops, ctx)) continue;
    if (!best || a.startAtMs < best.startAtMs || (a.startAtMs === best.startAtMs &&
      (a.robot.compartments < best.robot.compartments || (a.robot.compartments === best.robot.compartments &&
        a.usableWh < best.usableWh)))) best = a;
  }
  return best;
}

function whyNoRobot(robots: readonly Avail[], stops: readonly Group[], ctx: Ctx): UnassignedReason {
  const m = measure(stops, ctx);
  const open = robots.filter((a) => !a.used && a.robot.compartments >= m.load);
  if (open.length === 0) return { kind: 'no_robot_available' };
  if (m.durationS > ctx.config.maxTripDurationS) return { kind: 'trip_too_long', durationS: m.durationS };
  let needed = Infinity, bestAvailableWh = -Infinity;
  for (const a of open) {
    needed = Math.min(needed, tripEnergyWh(a.robot, m.distM, m.durationS) * ctx.config.energyMarginFactor);
    bestAvailableWh = Math.max(bestAvailableWh, a.usableWh);
  }
  return { kind: 'low_battery', neededWh: needed, bestAvailableWh };
}

/**
 * Puts as many of `parcels` (same place) as fit into the built route where that adds the least distance (zero when
 * the route already stops there). Returns how many were placed.
 */
function insertCheapest(built: { a: Avail; stops: Group[] }[], group: Group, parcels: readonly WaitingParcel[],
  ctx: Ctx): number {
  let bestRoute = -1, bestStops: Group[] | undefined, bestAdded = Infinity, bestCount = 0;
  built.forEach((b, idx) => {
    const load = b.stops.reduce((s, g) => s + g.parcels.length, 0);
    const spare = b.a.robot.compartments - load;
    if (spare <= 0) return;
    const count = Math.min(spare, parcels.length);
    const take = parcels.slice(0, count);
    const before = measure(b.stops, ctx).distM;
    const at = b.stops.findIndex((g) => g.pi === group.pi);
    const options: Group[][] = [];
    if (at >= 0) {
      options.push(b.stops.map((g, k) => (k === at ? { ...g, parcels: [...g.parcels, ...take] } : g)));
    } else {
      for (let k = 0; k <= b.stops.length; k++) {
        options.push([...b.stops.slice(0, k), { place: group.place, pi: group.pi, parcels: [...take] }, ...b.stops.slice(k)]);
      }
    }
    for (const stops of options) {
      if (!measureFits(b.a, stops, ctx)) continue;
      const added = measure(stops, ctx).distM - before;
      if (added < bestAdded) {
        bestAdded = added;
        bestRoute = idx;
        bestStops = stops;
        bestCount = count;
      }
    }
  });
  if (bestRoute < 0 || !bestStops) return 0;
  built[bestRoute]!.stops = bestStops;
  return bestCount;
}

interface Ctx {
  D: Float64Array;
  T: Float64Array;
  P: number;
  config: DispatchConfig;
}

/**
 * Distance and time between the hub (index 0) and every destination of `parcels`, copied once so the planner's
 * inner loops index arrays instead of calling the model; a MatrixTravelModel is read directly.
 */
function localMatrix(hub: PlaceId, parcels: readonly WaitingParcel[], travel: TravelModel): LocalMatrix {
  const index = new Map<PlaceId, number>([[hub, 0]]);
  for (const p of parcels) if (!index.has(p.destination)) index.set(p.destination, index.size);
  const places = [...index.keys()];
  const P = places.length;
  const m = travel as Partial<MatrixTravelModel>;
  const memo = m.indexOf && m.distancesM && m.ids && m.speedMps ? localMemo(m.distancesM) : undefined;
  const key = memo === undefined ? '' : places.join('\u0000');
  const hit = memo?.get(key);
  if (hit !== undefined) {
    // Most recently used last: the oldest entry is the one evicted.
    memo!.delete(key);
    memo!.set(key, hit);
    return { index, D: hit.D, T: hit.T, P };
  }
  const D = new Float64Array(P * P), T = new Float64Array(P * P);
  if (m.indexOf && m.distancesM && m.ids && m.speedMps) {
    const N = m.ids.length, flat = m.distancesM, speed = m.speedMps;
    const g = places.map((p) => m.indexOf!(p));
    for (let i = 0; i < P; i++) {
      for (let j = 0; j < P; j++) {
        const d = i === j ? 0 : flat[g[i]! * N + g[j]!]!;
        D[i * P + j] = d;
        T[i * P + j] = d / speed;
      }
    }
  } else {
    for (let i = 0; i < P; i++) {
      for (let j = 0; j < P; j++) {
        if (i === j) continue;
        D[i * P + j] = travel.distanceM(places[i]!, places[j]!);
        T[i * P + j] = travel.travelTimeS(places[i]!, places[j]!);
      }
    }
  }
  if (memo !== undefined) {
    if (memo.size >= LOCAL_MEMO_SIZE) memo.delete(memo.keys().next().value!);
    memo.set(key, { D, T });
  }
  return { index, D, T, P };
}

interface LocalMatrix {
  index: Map<PlaceId, number>;
  D: Float64Array;
  T: Float64Array;
  P: number;
}

/**
 * Recent local matrices per matrix travel model (by its distance array, which the model copies in and never changes),
 * by the places in local order. A dispatch loop plans every few seconds over much the same shelf: about half its runs
 * see a place order it met among the last few, and copying a 190-place matrix twice was a fifth of a run.
 */
const LOCAL_MEMO_SIZE = 8;
const localMemos = new WeakMap<Float64Array, Map<string, { D: Float64Array; T: Float64Array }>>();

function localMemo(distancesM: Float64Array): Map<string, { D: Float64Array; T: Float64Array }> {
  let byPlaces = localMemos.get(distancesM);
  if (byPlaces === undefined) {
    byPlaces = new Map();
    localMemos.set(distancesM, byPlaces);
  }
  return byPlaces;
}

/**
 * Pair keys i·n+j (i < j) with a positive saving d(hub,i) + d(hub,j) − d(i,j), best first, ties by key. The saving
 * (to the millimetre) and the key are packed into one double so a native numeric sort does the work.
 */
function sortedSavings(n: number, dh: Float64Array, dm: Float64Array): Float64Array {
  const keys = new Float64Array((n * (n - 1)) / 2);
  const KEY = 2 ** 24;
  const packed = n * n <= KEY;
  const plain: number[] = [];
  let count = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = dh[i]! + dh[j]! - dm[i * n + j]!;
      if (!(s > 0)) continue;
      if (packed) keys[count++] = -Math.min(Math.round(s * 1000), 2 ** 28) * KEY + (i * n + j);
      else plain.push(i * n + j);
    }
  }
  if (!packed) {
    const saving = (k: number) => dh[Math.floor(k / n)]! + dh[k % n]! - dm[k]!;
    return Float64Array.from(plain.sort((a, b) => saving(b) - saving(a) || a - b));
  }
  const sorted = keys.subarray(0, count).sort();
  for (let k = 0; k < count; k++) {
    const key = sorted[k]!;
    sorted[k] = ((key % KEY) + KEY) % KEY;
  }
  return sorted;
}
