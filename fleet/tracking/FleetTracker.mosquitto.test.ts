/** FleetTracker over a real broker: Mosquitto at 127.0.0.1:1883 with MqttTransport (skips outside CI if it is down). */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../clock/index.ts';
import { parseInstantActions } from '../../protocol/index.ts';
import { serviceSkipReason, services } from '../../test/services.ts';
import { MqttTransport } from '../../transport/index.ts';
import { FleetTracker } from './FleetTracker.ts';
import { InMemoryRobotRegistry } from './RobotRegistry.ts';
import { ScriptedRobot } from './testing/ScriptedRobot.ts';

const skip = await serviceSkipReason('mosquitto');
const url = `mqtt://${services.mosquitto.host}:${services.mosquitto.port}`;
const until = async (cond: () => boolean, timeoutMs = 5000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.skipIf(skip !== undefined)(`FleetTracker over Mosquitto ${url}${skip ? ` (${skip})` : ''}`, () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
  });

  it('tracks a robot, confirms an instant action, and sees its last will', async () => {
    // A unique manufacturer per run, so parallel runs and retained messages of earlier runs do not interfere.
    const manufacturer = `test-${randomUUID().slice(0, 8)}`;
    const clock = new SystemClock();
    const registry = new InMemoryRobotRegistry([{ serial: 'r1', manufacturer, compartments: 4 }]);
    const fleetTransport = await MqttTransport.connect({ url, clientId: `fleet-${manufacturer}` });
    const tracker = new FleetTracker({ transport: fleetTransport, clock, registry, confirmTimeoutMs: 5000 });
    closers.push(() => fleetTransport.close(), () => tracker.stop());
    await tracker.start();

    const will = new ScriptedRobot({ transport: fleetTransport, clock, manufacturer, serial: 'r1' }).lastWill();
    const robotTransport = await MqttTransport.connect({ url, clientId: `robot-${manufacturer}`, will });
    const robot = new ScriptedRobot({ transport: robotTransport, clock, manufacturer, serial: 'r1' });
    closers.push(async () => {
      // Clear the retained connection message this test left.
      await fleetTransport.publish(will.topic, Buffer.alloc(0), { retain: true });
    });
    await robotTransport.subscribe(robot.builder.topic('instantActions'), (_t, payload) => {
      const parsed = parseInstantActions(payload);
      if (!parsed.ok) return;
      for (const a of parsed.value.message.actions) void robot.setAction(a.actionId, a.actionType, 'FINISHED', undefined, { paused: a.actionType === 'startPause' });
    });

    await robot.publishConnection('ONLINE');
    await robot.publishState({ batteryState: { batteryCharge: 77, charging: false } });
    await until(() => tracker.robot('r1')?.batteryPct === 77);
    expect(tracker.robot('r1')?.health).toMatchObject({ kind: 'online', mode: 'idle' });

    const pause = await tracker.sendInstantAction('r1', 'startPause');
    await expect(pause.confirmation).resolves.toMatchObject({ status: 'FINISHED', actionId: pause.actionId });
    expect(tracker.robot('r1')?.health).toMatchObject({ mode: 'paused' });

    await robotTransport.crash();
    await until(() => tracker.robot('r1')?.health.kind === 'offline');
    expect(tracker.robot('r1')?.health).toMatchObject({ kind: 'offline', reason: 'last_will' });
    expect(tracker.alerts().map((a) => a.kind)).toContain('offline');
    expect(tracker.stats().rejected.TRACKING_HANDLER_FAULT).toBeUndefined();
  }, 20_000);
});
