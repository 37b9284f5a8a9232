import { beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { encodeMessage, parseInstantActions, parseOrder, type InstantActions } from '../../protocol/index.ts';
import { InMemoryBroker, type InMemoryClient } from '../../transport/index.ts';
import { InMemoryAlertRepository } from './AlertRepository.ts';
import { InMemoryHeaderIdRepository } from './HeaderIdRepository.ts';
import type { AlertChange, RobotView } from './FleetTracker.ts';
import { FleetTracker } from './FleetTracker.ts';
import type { ParcelEvent } from './core/parcelEventsFromState.ts';
import { InMemoryRobotRegistry } from './RobotRegistry.ts';
import { InMemoryRobotStateRepository } from './RobotStateRepository.ts';
import { deliveryOrderBody } from './testing/deliveryOrder.ts';
import { ScriptedRobot } from './testing/ScriptedRobot.ts';

interface World {
  clock: VirtualClock;
  broker: InMemoryBroker;
  tracker: FleetTracker;
  robot: ScriptedRobot;
  robotClient: InMemoryClient;
  registry: InMemoryRobotRegistry;
  alertRepo: InMemoryAlertRepository;
  stateRepo: InMemoryRobotStateRepository;
  parcelEvents: ParcelEvent[];
  alertChanges: AlertChange[];
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
}

async function world(options: { stateRepo?: InMemoryRobotStateRepository } = {}): Promise<World> {
  const clock = new VirtualClock(Date.UTC(2026, 2, 2, 9));
  const broker = new InMemoryBroker();
  const registry = new InMemoryRobotRegistry([{ serial: 'r1', manufacturer: 'acme', compartments: 8, dockId: 'dock-1' }]);
  const alertRepo = new InMemoryAlertRepository();
  const stateRepo = options.stateRepo ?? new InMemoryRobotStateRepository();
  const logs: World['logs'] = [];
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    logs.push({ level, message, ...(fields ? { fields } : {}) });
  };
  const tracker = new FleetTracker({
    transport: broker.connect('fleet'), clock, registry, alertRepository: alertRepo, stateRepository: stateRepo,
    logger: { info: log('info'), warn: log('warn'), error: log('error') }, staleAfterMs: 5000, sweepPeriodMs: 1000,
    hubNodeIds: ['hub'], confirmTimeoutMs: 3000,
  });
  await tracker.start();
  const parcelEvents: ParcelEvent[] = [];
  const alertChanges: AlertChange[] = [];
  tracker.on('parcelEvent', (e) => parcelEvents.push(e));
  tracker.on('alert', (c) => alertChanges.push(c));
  const probe = new ScriptedRobot({ transport: broker.connect('probe'), clock, manufacturer: 'acme', serial: 'r1' });
  const robotClient = broker.connect('robot-r1', { will: probe.lastWill() });
  const robot = new ScriptedRobot({ transport: robotClient, clock, manufacturer: 'acme', serial: 'r1' });
  return { clock, broker, tracker, robot, robotClient, registry, alertRepo, stateRepo, parcelEvents, alertChanges, logs };
}

describe('FleetTracker over the in-process broker', () => {
  let w: World;
  beforeEach(async () => {
    w = await world();
  });

  it('tracks a robot from its state: position, battery, order, mode and the dispatch state', async () => {
    expect(w.tracker.robot('r1')?.health.kind).toBe('unknown');
    await w.robot.publishState({ agvPosition: { x: 12.5, y: -3, theta: 1, mapId: 'campus', positionInitialized: true }, batteryState: { batteryCharge: 64, charging: false } });
    const r = w.tracker.robot('r1')!;
    expect(r).toMatchObject({
      serial: 'r1', manufacturer: 'acme', compartments: 8, dockId: 'dock-1', batteryPct: 64, charging: false, lastNodeId: 'hub',
      position: { x: 12.5, y: -3, theta: 1, mapId: 'campus', atMs: w.clock.now() }, dispatchState: 'idle_at_hub',
      health: { kind: 'online', mode: 'idle', lastStateAt: w.clock.now() },
    });
    await w.robot.publishVisualization(20, 4);
    expect(w.tracker.robot('r1')?.position).toMatchObject({ x: 20, y: 4 });
    await w.robot.publishState({ driving: true, lastNodeId: 'j-1' });
    expect(w.tracker.robot('r1')).toMatchObject({ dispatchState: 'on_trip', health: { kind: 'online', mode: 'driving' } });
    expect(w.tracker.stats()).toEqual({ accepted: 3, rejected: {}, rejectedTotal: 0 });
    // The latest state is persisted for a restart.
    expect(w.stateRepo.loadAll()[0]?.state.driving).toBe(true);
  });

  it('hands out the same view until the robot reports again or its health moves, then a new one; nodesLeft counts the order', async () => {
    await w.robot.publishState({ batteryState: { batteryCharge: 64, charging: false } });
    const first = w.tracker.robot('r1')!;
    expect(first.nodesLeft).toBe(0);
    expect(w.tracker.robot('r1')).toBe(first);
    expect(w.tracker.robots()[0]).toBe(first);
    const node = { nodeId: 'drop-a', sequenceId: 2, released: true };
    await w.robot.publishState({ batteryState: { batteryCharge: 63, charging: false }, nodeStates: [node] });
    const second = w.tracker.robot('r1')!;
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ batteryPct: 63, nodesLeft: 1 });
    expect(first.batteryPct).toBe(64);
    await w.robot.publishVisualization(20, 4);
    expect(w.tracker.robot('r1')?.position).toMatchObject({ x: 20, y: 4 });
    w.clock.runFor(6000);
    expect(w.tracker.robot('r1')?.health.kind).toBe('stale');
  });

  it('goes online → stale → online, raising and clearing a stale alert, and offline on the last will', async () => {
    await w.robot.publishState();
    w.clock.runFor(4000);
    expect(w.tracker.robot('r1')?.health.kind).toBe('online');
    w.clock.runFor(1000);
    expect(w.tracker.robot('r1')?.health).toMatchObject({ kind: 'stale' });
    expect(w.tracker.alerts().map((a) => [a.kind, a.clearedAtMs])).toEqual([['stale', undefined]]);
    await w.robot.publishState();
    expect(w.tracker.robot('r1')?.health.kind).toBe('online');
    expect(w.alertChanges.map((c) => `${c.type}:${c.alert.kind}`)).toEqual(['raised:stale', 'cleared:stale']);

    w.robotClient.crash();
    expect(w.tracker.robot('r1')?.health).toMatchObject({ kind: 'offline', reason: 'last_will' });
    expect(w.tracker.robot('r1')?.dispatchState).toBe('offline');
    const offline = w.tracker.alerts().find((a) => a.kind === 'offline');
    expect(offline).toMatchObject({ robot: 'r1', severity: 'critical' });
    // Persisted for the console's history.
    expect(w.alertRepo.all().map((a) => a.kind)).toEqual(['stale', 'offline']);
  });

  it('marks a registered robot that never speaks offline/never_seen', () => {
    w.clock.runFor(5000);
    expect(w.tracker.robot('r1')?.health).toMatchObject({ kind: 'offline', reason: 'never_seen' });
  });

  it('raises alerts once while a condition holds, clears them, and lets a dispatcher acknowledge', async () => {
    await w.robot.publishState({ batteryState: { batteryCharge: 12, charging: false } });
    await w.robot.publishState({ batteryState: { batteryCharge: 11, charging: false } });
    expect(w.tracker.alerts().map((a) => a.kind)).toEqual(['low_battery']);
    const id = w.tracker.alerts()[0]!.id;
    expect(w.tracker.acknowledge(id, 'dispatcher-ann')).toMatchObject({ ok: true, alert: { acknowledged: { by: 'dispatcher-ann' } } });
    expect(w.tracker.acknowledge(id, 'dispatcher-ann')).toEqual({ ok: false, error: 'already_acknowledged' });
    expect(w.tracker.acknowledge('nope', 'x')).toEqual({ ok: false, error: 'unknown_alert' });
    expect(w.tracker.alerts()).toHaveLength(1);
    await w.robot.publishState({ batteryState: { batteryCharge: 12, charging: true } });
    // Acknowledged and cleared: gone from the list.
    expect(w.tracker.alerts()).toEqual([]);
    await w.robot.publishState({ errors: [{ errorType: 'pickupCodeLockout', errorLevel: 'WARNING', errorReferences: [{ referenceKey: 'parcelId', referenceValue: 'P-7' }] }] });
    expect(w.tracker.alerts()).toMatchObject([{ kind: 'pickup_code_lockout', parcelId: 'P-7' }]);
    expect(w.alertChanges.map((c) => `${c.type}:${c.alert.kind}`)).toEqual(['raised:low_battery', 'acknowledged:low_battery', 'cleared:low_battery', 'raised:pickup_code_lockout']);
  });

  it('enforces protocol order: duplicate and older headerIds are dropped and counted; a stranger is rejected', async () => {
    const m5 = await w.robot.publishState({ batteryState: { batteryCharge: 50, charging: false } });
    const topic = w.robot.builder.topic('state');
    const sender = w.broker.connect('replayer');
    await sender.publish(topic, encodeMessage(m5));
    await sender.publish(topic, encodeMessage({ ...m5, headerId: m5.headerId - 1 >= 0 ? m5.headerId - 1 : 0, batteryState: { batteryCharge: 1, charging: false } }));
    await w.robot.publishState({ batteryState: { batteryCharge: 49, charging: false } });
    const stranger = new ScriptedRobot({ transport: sender, clock: w.clock, manufacturer: 'acme', serial: 'r-unknown' });
    await stranger.publishState();
    const wrongMaker = new ScriptedRobot({ transport: sender, clock: w.clock, manufacturer: 'evil', serial: 'r1' });
    await wrongMaker.publishState();
    expect(w.tracker.robot('r1')?.batteryPct).toBe(49);
    const stats = w.tracker.stats();
    // m5 has headerId 0, so the "older" copy is a duplicate too.
    expect(stats.rejected).toEqual({ TRACKING_DUPLICATE: 2, TRACKING_UNKNOWN_ROBOT: 2 });
    expect(w.tracker.robot('r-unknown')).toBeUndefined();
    const warn = w.logs.find((l) => l.fields?.code === 'TRACKING_UNKNOWN_ROBOT');
    expect(warn?.fields).toMatchObject({ topic: 'uagv/v2/acme/r-unknown/state' });
    expect(String(warn?.fields?.payloadPrefix).length).toBeLessThanOrEqual(34 + 10);
  });

  it('drops an older state after a newer one', async () => {
    await w.robot.publishState();
    const older = await w.robot.publishState({ batteryState: { batteryCharge: 70, charging: false } });
    await w.robot.publishState({ batteryState: { batteryCharge: 60, charging: false } });
    await w.broker.connect('x').publish(w.robot.builder.topic('state'), encodeMessage(older));
    expect(w.tracker.stats().rejected).toEqual({ TRACKING_OUT_OF_ORDER: 1 });
    expect(w.tracker.robot('r1')?.batteryPct).toBe(60);
  });

  it('accepts a restarted robot whose headerIds begin again after it reconnects (ONLINE)', async () => {
    for (let i = 0; i < 3; i++) await w.robot.publishState();
    const reborn = new ScriptedRobot({ transport: w.broker.connect('robot-r1-again'), clock: w.clock, manufacturer: 'acme', serial: 'r1' });
    await reborn.publishConnection('ONLINE');
    await reborn.publishState({ batteryState: { batteryCharge: 33, charging: false } });
    expect(w.tracker.robot('r1')?.batteryPct).toBe(33);
    expect(w.tracker.stats().rejectedTotal).toBe(0);
  });

  it('turns a sent order and the robot\'s action states into parcel events', async () => {
    const received: unknown[] = [];
    await w.robotClient.subscribe(w.robot.builder.topic('order'), (_t, p) => received.push(parseOrder(p)));
    const body = deliveryOrderBody('o1', [{ parcelId: 'P-1', compartment: 0, dropNodeId: 'drop-lib' }]);
    await expect(w.tracker.sendOrder('r1', body)).resolves.toEqual({ orderId: 'o1', orderUpdateId: 0, headerId: 0 });
    expect(received).toMatchObject([{ ok: true, value: { message: { orderId: 'o1', manufacturer: 'acme', serialNumber: 'r1' } } }]);
    await w.robot.publishState({ orderId: 'o1', actionStates: [{ actionId: 'o1-load', actionStatus: 'WAITING' }, { actionId: 'o1-hand-P-1', actionStatus: 'WAITING' }] });
    await w.robot.setAction('o1-load', 'loadParcels', 'FINISHED');
    await w.robot.publishState({ driving: true });
    await w.robot.setAction('o1-hand-P-1', 'handOverParcel', 'RUNNING', undefined, { driving: false, lastNodeId: 'drop-lib', lastNodeSequenceId: 2 });
    await w.robot.publishState(); // same content, new headerId: no duplicate events
    await w.robot.setAction('o1-hand-P-1', 'handOverParcel', 'FINISHED');
    expect(w.parcelEvents.map((e) => `${e.kind}:${e.parcelId}:${e.cause}`)).toEqual([
      'loaded:P-1:loadParcels_finished', 'out_for_delivery:P-1:order_started_driving',
      'awaiting_pickup:P-1:handOverParcel_running', 'delivered:P-1:handOverParcel_finished',
    ]);
    expect(w.parcelEvents.every((e) => e.serial === 'r1' && e.orderId === 'o1')).toBe(true);
  });

  it('refuses to send an order with bad delivery parameters, or to an unknown robot', async () => {
    const body = deliveryOrderBody('o2', [{ parcelId: 'P-1', compartment: 0, dropNodeId: 'd' }]);
    body.nodes[1]!.actions[0]!.actionParameters = [{ key: 'parcelId', value: 'P-1' }];
    await expect(w.tracker.sendOrder('r1', body)).rejects.toMatchObject({ code: 'PROTOCOL_ACTION_PARAMS' });
    await expect(w.tracker.sendOrder('nobody', deliveryOrderBody('o3', [{ parcelId: 'P-3', compartment: 0, dropNodeId: 'd' }]))).rejects.toMatchObject({ code: 'TRACKING_UNKNOWN_ROBOT' });
    await expect(w.tracker.sendInstantAction('nobody', 'startPause')).rejects.toMatchObject({ code: 'TRACKING_UNKNOWN_ROBOT' });
  });

  it('sends validated instant actions and resolves their confirmation from the robot\'s state', async () => {
    // The robot answers startPause by pausing and reporting the action FINISHED, and refuses cancelOrder.
    await w.robotClient.subscribe(w.robot.builder.topic('instantActions'), (_t, payload) => {
      const parsed = parseInstantActions(payload);
      if (!parsed.ok) throw parsed.error;
      const m: InstantActions = parsed.value.message;
      for (const a of m.actions) {
        if (a.actionType === 'startPause') void w.robot.setAction(a.actionId, a.actionType, 'FINISHED', undefined, { paused: true });
        if (a.actionType === 'cancelOrder') void w.robot.setAction(a.actionId, a.actionType, 'FAILED', 'noOrderToCancel');
      }
    });
    await w.robot.publishState();
    const pause = await w.tracker.sendInstantAction('r1', 'startPause');
    await expect(pause.confirmation).resolves.toMatchObject({ status: 'FINISHED', serial: 'r1', actionId: pause.actionId });
    expect(w.tracker.robot('r1')).toMatchObject({ paused: true, dispatchState: 'paused', health: { mode: 'paused' } });
    const cancel = await w.tracker.sendInstantAction('r1', 'cancelOrder');
    await expect(cancel.confirmation).resolves.toMatchObject({ status: 'FAILED', resultDescription: 'noOrderToCancel' });
    expect(pause.actionId).not.toBe(cancel.actionId);
  });

  it('times out a confirmation the robot never gives, on the injected clock', async () => {
    const sent: unknown[] = [];
    await w.robotClient.subscribe(w.robot.builder.topic('instantActions'), (_t, p) => sent.push(parseInstantActions(p)));
    const charge = await w.tracker.sendInstantAction('r1', 'startCharging', {}, { timeoutMs: 3000 });
    expect(sent).toMatchObject([{ ok: true, value: { message: { actions: [{ actionType: 'startCharging', blockingType: 'HARD', actionId: charge.actionId }] } } }]);
    let settled: unknown;
    void charge.confirmation.then((c) => (settled = c));
    w.clock.runFor(2999);
    await Promise.resolve();
    expect(settled).toBeUndefined();
    w.clock.runFor(1);
    await expect(charge.confirmation).resolves.toEqual({ status: 'timeout', serial: 'r1', actionId: charge.actionId, atMs: w.clock.now() });
  });

  it('emits robotChanged with the new view, and survives a listener that throws', async () => {
    const views: RobotView[] = [];
    w.tracker.on('robotChanged', () => {
      throw new Error('listener bug');
    });
    const off = w.tracker.on('robotChanged', (v) => views.push(v));
    await w.robot.publishState({ batteryState: { batteryCharge: 55, charging: false } });
    off();
    await w.robot.publishState();
    expect(views.map((v) => v.batteryPct)).toEqual([55]);
    expect(w.logs.some((l) => l.level === 'error' && l.message.includes('robotChanged listener threw'))).toBe(true);
    expect(w.tracker.stats().accepted).toBe(2);
  });

  it('hands a state\'s parcel events over together once, after each one alone, and the repository the state\'s own bytes', async () => {
    const batches: string[][] = [];
    const savedWhenEmitted: string[][] = [];
    w.tracker.on('parcelEvents', (events) => {
      batches.push(events.map((e) => `${e.kind}:${e.parcelId}`));
      const load = w.stateRepo.loadAll()[0]?.state.actionStates.find((a) => a.actionId === 'o1-load');
      savedWhenEmitted.push([load?.actionId ?? '-', load?.actionStatus ?? '-']);
    });
    await w.tracker.sendOrder('r1', deliveryOrderBody('o1', [
      { parcelId: 'P-1', compartment: 0, dropNodeId: 'drop-lib' }, { parcelId: 'P-2', compartment: 1, dropNodeId: 'drop-lib' },
    ]));
    await w.robot.publishState({ orderId: 'o1' });
    await w.robot.setAction('o1-load', 'loadParcels', 'FINISHED');
    await w.robot.publishState({ batteryState: { batteryCharge: 80, charging: false } }); // no parcel event: no batch
    expect(batches).toEqual([['loaded:P-1', 'loaded:P-2']]);
    // The events went out before their state (load FINISHED) was saved: the stored state is a restart's baseline.
    expect(savedWhenEmitted).toEqual([['-', '-']]);
    expect(w.stateRepo.loadAll()[0]?.state.actionStates.find((a) => a.actionId === 'o1-load')?.actionStatus).toBe('FINISHED');
    expect(w.parcelEvents.map((e) => `${e.kind}:${e.parcelId}`)).toEqual(batches.flat());
    const [stored] = w.stateRepo.loadAll();
    expect(stored?.payload).toBeDefined();
    expect(JSON.parse(Buffer.from(stored!.payload!).toString('utf8'))).toEqual(stored!.state);
  });

  it('resumes from the persisted state after a restart without replaying parcel events', async () => {
    await w.tracker.sendOrder('r1', deliveryOrderBody('o1', [{ parcelId: 'P-1', compartment: 0, dropNodeId: 'drop-lib' }]));
    await w.robot.setAction('o1-load', 'loadParcels', 'FINISHED', undefined, { orderId: 'o1' });
    expect(w.parcelEvents).toHaveLength(1);
    await w.tracker.stop();
    const w2 = await world({ stateRepo: w.stateRepo });
    w2.tracker.registerOrder('r1', deliveryOrderBody('o1', [{ parcelId: 'P-1', compartment: 0, dropNodeId: 'drop-lib' }]));
    const again = new ScriptedRobot({ transport: w2.broker.connect('r1'), clock: w2.clock, manufacturer: 'acme', serial: 'r1', body: w.robot.body });
    // Continue the robot's headerIds where it was.
    for (let i = 0; i < 2; i++) again.builder.build('state', again.body);
    await again.publishState();
    expect(w2.parcelEvents).toEqual([]);
    await again.setAction('o1-hand-P-1', 'handOverParcel', 'RUNNING');
    expect(w2.parcelEvents.map((e) => e.kind)).toEqual(['awaiting_pickup']);
  });

  it('with `manufacturer`, hears only that maker\'s robots: another fleet\'s traffic never reaches ingest', async () => {
    const clock = new VirtualClock(0);
    const broker = new InMemoryBroker();
    const registry = new InMemoryRobotRegistry([{ serial: 'r1', manufacturer: 'acme', compartments: 8 }]);
    const scoped = new FleetTracker({ transport: broker.connect('scoped'), clock, registry, manufacturer: 'acme' });
    const open = new FleetTracker({ transport: broker.connect('open'), clock, registry });
    await scoped.start();
    await open.start();
    await new ScriptedRobot({ transport: broker.connect('other'), clock, manufacturer: 'other-fleet', serial: 'x9' }).publishState();
    await new ScriptedRobot({ transport: broker.connect('ours'), clock, manufacturer: 'acme', serial: 'r1' }).publishState();
    expect(scoped.stats()).toEqual({ accepted: 1, rejected: {}, rejectedTotal: 0 });
    expect(open.stats()).toEqual({ accepted: 1, rejected: { TRACKING_UNKNOWN_ROBOT: 1 }, rejectedTotal: 1 });
    await scoped.stop();
    await open.stop();
  });

  it('continues the headerIds of orders and instant actions after a restart, from the headerId repository', async () => {
    const headerIds = new InMemoryHeaderIdRepository();
    const clock = new VirtualClock(0);
    const broker = new InMemoryBroker();
    const registry = new InMemoryRobotRegistry([{ serial: 'r1', manufacturer: 'acme', compartments: 8 }]);
    const sent: Array<{ topic: string; headerId: number }> = [];
    await broker.connect('robot').subscribe('uagv/v2/acme/r1/+', (topic, payload) => {
      if (!topic.endsWith('/order') && !topic.endsWith('/instantActions')) return;
      sent.push({ topic: topic.split('/')[4]!, headerId: (JSON.parse(payload.toString('utf8')) as { headerId: number }).headerId });
    });
    const serve = async (send: (t: FleetTracker) => Promise<void>) => {
      const t = new FleetTracker({ transport: broker.connect('fleet'), clock, registry, headerIdRepository: headerIds, confirmTimeoutMs: 10 });
      await t.start();
      await send(t);
      await t.stop();
    };
    await serve(async (t) => {
      await t.sendOrder('r1', deliveryOrderBody('o1', [{ parcelId: 'P-1', compartment: 0, dropNodeId: 'drop-lib' }]));
      await t.sendOrder('r1', deliveryOrderBody('o2', [{ parcelId: 'P-2', compartment: 1, dropNodeId: 'drop-lib' }]));
      await t.sendInstantAction('r1', 'startPause');
    });
    await serve(async (t) => {
      await t.sendInstantAction('r1', 'stopPause');
      await t.sendOrder('r1', deliveryOrderBody('o3', [{ parcelId: 'P-3', compartment: 2, dropNodeId: 'drop-lib' }]));
    });
    expect(sent).toEqual([
      { topic: 'order', headerId: 0 }, { topic: 'order', headerId: 1 }, { topic: 'instantActions', headerId: 0 },
      { topic: 'instantActions', headerId: 1 }, { topic: 'order', headerId: 2 },
    ]);
    expect(headerIds.loadAll()).toEqual([{ serial: 'r1', topic: 'order', nextHeaderId: 3 }, { serial: 'r1', topic: 'instantActions', nextHeaderId: 2 }]);
  });

  it('does not send a message whose headerId could not be saved', async () => {
    const clock = new VirtualClock(0);
    const broker = new InMemoryBroker();
    const registry = new InMemoryRobotRegistry([{ serial: 'r1', manufacturer: 'acme', compartments: 8 }]);
    let heard = 0;
    await broker.connect('robot').subscribe('uagv/v2/acme/r1/order', () => heard++);
    const t = new FleetTracker({
      transport: broker.connect('fleet'), clock, registry,
      headerIdRepository: { save: async () => { throw new Error('database down'); }, loadAll: () => [] },
    });
    await t.start();
    await expect(t.sendOrder('r1', deliveryOrderBody('o1', [{ parcelId: 'P-1', compartment: 0, dropNodeId: 'drop-lib' }]))).rejects.toThrow('database down');
    expect(heard).toBe(0);
    await t.stop();
  });
});
