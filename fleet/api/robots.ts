/** REST: the robot registry, robot snapshots, instant actions (pause, resume, charge, cancel) and re-routes. */
import { defineRoute, HttpError, s, type RouteDef } from '../http/index.ts';
import type { InstantActionType, RobotRecord, RobotView } from '../tracking/index.ts';
import type { ApiDeps } from './ApiDeps.ts';
import { mapped } from './toHttpError.ts';
import { robotView } from './views.ts';

const serialParams = s.object({ serial: s.string({ min: 1, max: 64, pattern: /^[A-Za-z0-9._-]+$/, patternName: 'a serial number' }) });

const INSTANT: Record<'pause' | 'resume' | 'cancel', { type: InstantActionType; summary: string }> = {
  pause: { type: 'startPause', summary: 'Pause the robot (VDA 5050 startPause)' },
  resume: { type: 'stopPause', summary: 'Resume a paused robot (stopPause); also ends a forced charge' },
  cancel: { type: 'cancelOrder', summary: 'Cancel the robot\'s current order (cancelOrder); parcels aboard stay aboard' },
};

/** The snapshot of a robot registered but not heard from yet (since the tracker started). */
function unseen(record: RobotRecord): RobotView {
  return {
    serial: record.serial, manufacturer: record.manufacturer, compartments: record.compartments, ...(record.dockId === undefined ? {} : { dockId: record.dockId }),
    health: { kind: 'unknown', since: 0 }, dispatchState: 'offline', errors: [], loads: [], actionStates: [],
  };
}

export function robotRoutes(deps: ApiDeps): RouteDef[] {
  const { tracker, robots, campus, clock } = deps;
  const known = (serial: string) => {
    if (robots.get(serial) === undefined) throw new HttpError(404, 'ROBOT_NOT_FOUND', `no enabled robot ${serial}`);
    return { serial };
  };
  // A robot registered since the tracker started has no snapshot until it first speaks: it shows as health unknown.
  const snapshot = (serial: string): RobotView => tracker.robot(serial) ?? unseen(robots.get(serial)!);
  return [
    defineRoute({
      method: 'get', path: '/api/robots', summary: 'Every enabled robot\'s live snapshot (health unknown until it first connects)', tags: ['robots'], auth: 'viewer',
      responses: { 200: { description: 'robots (console RobotView), by serial' } },
      handler: () => {
        const seen = new Map(tracker.robots().map((r) => [r.serial, r]));
        return robots.list().map((rec) => robotView(seen.get(rec.serial) ?? unseen(rec), campus)).sort((a, b) => (a.serial < b.serial ? -1 : a.serial > b.serial ? 1 : 0));
      },
    }),
    defineRoute({
      method: 'get', path: '/api/robots/:serial', summary: 'One robot: snapshot, registry entry, recent trips and instant actions', tags: ['robots'], auth: 'viewer',
      request: { params: serialParams },
      responses: { 200: { description: 'the robot' } },
      handler: (ctx) => mapped(async () => {
        known(ctx.params.serial);
        const view = snapshot(ctx.params.serial);
        const [trips, actions] = await Promise.all([deps.trips.recent(10, view.serial), deps.instantActions.forRobot(view.serial, 20)]);
        return {
          ...robotView(view, campus), compartments: view.compartments, dockId: view.dockId ?? null, dispatchState: view.dispatchState,
          trips: trips.map((t) => ({ id: t.id, status: t.status, orderId: t.orderId, stops: t.stops.map((st) => st.place), parcels: t.parcels.map((p) => p.parcelId), createdAtMs: t.createdAtMs, finishedAtMs: t.finishedAtMs })),
          instantActions: actions,
        };
      }),
    }),
    defineRoute({
      method: 'post', path: '/api/robots', summary: 'Register a robot; returns its MQTT credential once', tags: ['robots'], auth: 'admin',
      request: { body: s.object({ serial: s.string({ min: 1, max: 64 }), manufacturer: s.string({ min: 1, max: 64 }), compartments: s.int({ min: 1, max: 64 }), dockId: s.optional(s.string({ max: 100 })) }) },
      responses: { 201: { description: '{ robot, credential } (username = serial)' } },
      handler: (ctx) => mapped(async () => {
        const { robot, credential } = await robots.add(ctx.body, clock.now());
        return { robot, mqtt: { username: robot.serial, password: credential } };
      }),
    }),
    ...(Object.keys(INSTANT) as Array<keyof typeof INSTANT>).map((name) => defineRoute({
      method: 'post', path: `/api/robots/:serial/${name}`, summary: INSTANT[name].summary, tags: ['robots'], auth: 'dispatcher',
      description: 'Answers 202 with the actionId at once; the robot\'s confirmation (FINISHED, FAILED or timeout) is recorded and readable at GET /api/robots/{serial}/actions/{actionId}.',
      request: { params: serialParams },
      responses: { 202: { description: '{ actionId }' } },
      handler: (ctx) => mapped(async () => {
        const serial = known(ctx.params.serial).serial;
        const type = INSTANT[name].type;
        if (name === 'resume') await deps.overrides.setForceCharge(serial, false, clock.now());
        const { actionId, confirmation } = await tracker.sendInstantAction(serial, type);
        await deps.instantActions.recordSent({ actionId, robotSerial: serial, actionType: type, requestedBy: ctx.auth?.name ?? 'api', requestedAtMs: clock.now() });
        void confirmation.then((c) => deps.instantActions.settle(actionId, c.status, c.atMs, 'resultDescription' in c ? (c.resultDescription ?? null) : null))
          .catch((e: unknown) => deps.logger.error('recording an instant action confirmation failed', { actionId, error: e }));
        return { actionId };
      }),
    })),
    defineRoute({
      method: 'post', path: '/api/robots/:serial/charge', summary: 'Charge: the dispatch loop sends the robot to a free charging bay and starts charging there', tags: ['robots'], auth: 'dispatcher',
      description: 'Sets the forced-charge override: the robot takes no trip, goes to the first free bay when it is idle at the hub (queues otherwise), ' +
        'charges until full, then returns to work. POST /resume ends it early. Answers 202 at once; actionId is null (startCharging is sent at the bay).',
      request: { params: serialParams },
      responses: { 202: { description: '{ actionId: null, serial, forceCharge: true }' } },
      handler: (ctx) => mapped(async () => {
        const serial = known(ctx.params.serial).serial;
        await deps.overrides.setForceCharge(serial, true, clock.now());
        deps.triggerDispatch();
        return { actionId: null, serial, forceCharge: true };
      }),
    }),
    defineRoute({
      method: 'post', path: '/api/robots/:serial/recovered', summary: 'A failed robot is back at the hub: unload its parcels and re-queue them', tags: ['robots'], auth: 'dispatcher',
      description: 'For a robot that went offline with parcels aboard and was brought back to the hub. Without unloadedByHand the fleet empties it ' +
        'with a returnParcels order once it is online; with unloadedByHand: true (staff took the parcels out) they are re-queued now. ' +
        'Either way they keep their original age and no delivery attempt is counted. 409 when the robot has no trip in progress.',
      request: { params: serialParams, body: s.object({ unloadedByHand: s.optional(s.boolean()) }) },
      responses: { 202: { description: '{ serial, trips, requeued, returnOrderPending }' } },
      handler: (ctx) => mapped(async () => {
        const serial = known(ctx.params.serial).serial;
        if (deps.recoverRobot === undefined) throw new HttpError(501, 'NOT_IMPLEMENTED', 'robot recovery needs the dispatch loop');
        const result = await deps.recoverRobot(serial, { unloadedByHand: ctx.body.unloadedByHand === true, by: ctx.auth?.name ?? 'api' });
        if (result.trips.length === 0) throw new HttpError(409, 'NOTHING_TO_RECOVER', `robot ${serial} has no trip in progress to recover`);
        return { serial, ...result };
      }),
    }),
    defineRoute({
      method: 'get', path: '/api/robots/:serial/actions/:actionId', summary: 'An instant action and its confirmation', tags: ['robots'], auth: 'viewer',
      request: { params: s.object({ serial: s.string({ min: 1, max: 64 }), actionId: s.string({ min: 1, max: 128 }) }) },
      responses: { 200: { description: 'the action: status sent | FINISHED | FAILED | timeout | cancelled' } },
      handler: (ctx) => mapped(async () => {
        const a = await deps.instantActions.get(ctx.params.actionId);
        if (a === undefined || a.robotSerial !== ctx.params.serial) throw new HttpError(404, 'ACTION_NOT_FOUND', `no instant action ${ctx.params.actionId} for ${ctx.params.serial}`);
        return a;
      }),
    }),
    defineRoute({
      method: 'post', path: '/api/robots/:serial/reroute', summary: 'Re-route: these stops first, in this order, on the robot\'s next trip or on the trip under way', tags: ['overrides'], auth: 'dispatcher',
      description: 'trip: \'next\' (default) stores the order for the robot\'s next trip (an empty list clears it). trip: \'current\' re-routes the trip ' +
        'under way: once the robot is between stops it gets an order update when VDA 5050 allows one, else cancelOrder and, once the robot ' +
        'confirms, a new order from where it stands with the parcels still aboard. Stops already visited are not revisited. 409 ' +
        'NO_TRIP_IN_PROGRESS, STOP_NOT_ON_TRIP (a stop the trip no longer has to visit), NOTHING_LEFT_TO_DELIVER, REROUTE_IN_PROGRESS.',
      request: {
        params: serialParams,
        body: s.object({ stops: s.array(s.string({ min: 1, max: 100 }), { max: 50 }), trip: s.optional(s.enum(['next', 'current'])) }),
      },
      responses: { 202: { description: 'next: { serial, route }; current: { serial, tripId, method, stops, status }' } },
      handler: (ctx) => mapped(async () => {
        const serial = known(ctx.params.serial).serial;
        const unknown = ctx.body.stops.filter((p) => !campus.isDropPlace(p));
        if (unknown.length > 0) throw new HttpError(400, 'VALIDATION_FAILED', `body.stops: not drop places: ${unknown.slice(0, 5).join(', ')}`);
        if (ctx.body.trip === 'current') {
          if (ctx.body.stops.length === 0) throw new HttpError(400, 'VALIDATION_FAILED', 'body.stops: name at least one stop to re-route a trip under way');
          if (deps.rerouteLive === undefined) throw new HttpError(501, 'NOT_IMPLEMENTED', 're-routing a trip under way needs the fleet server');
          const result = await deps.rerouteLive(serial, ctx.body.stops, ctx.auth?.name ?? 'api');
          if (!result.ok) throw new HttpError(409, result.error.code, result.error.message);
          return result.value;
        }
        await deps.overrides.setRoute(serial, ctx.body.stops.length === 0 ? null : ctx.body.stops, clock.now());
        deps.triggerDispatch();
        return { serial, route: ctx.body.stops };
      }),
    }),
  ];
}
