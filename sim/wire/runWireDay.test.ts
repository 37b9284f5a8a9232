/**
 * Wire mode end to end: a fleet server process on the scaled clock, three simulated robots over real MQTT, eight
 * simulated minutes of the peak at 20× (24 s of wall time). Parcels are created through the REST API and delivered
 * with the codes the API returned; every state and visualization message a robot published reached the server.
 */
import { describe, expect, it } from 'vitest';
import { serviceSkipReason } from '../../test/services.ts';
import { startPrivateMosquitto } from './privateMosquitto.ts';
import { runWireDay, type WireDayConfig } from './runWireDay.ts';

const mosquittoSkip = await serviceSkipReason('mosquitto');
// Both runs are mostly waiting on wall time, so they run side by side.
const itMosquitto = mosquittoSkip === undefined ? it.concurrent : it.skip;

const short: WireDayConfig = {
  campusFile: 'maps/data/zju-zijingang.geojson', robots: 3, parcelsPerDay: 3000, seed: 7, speedup: 20, windowMs: 8 * 60_000, maxParcels: 12,
  // Fast robots and prompt recipients, so deliveries fit in eight simulated minutes.
  speedMps: 8, recipients: { delayMedianS: 5, delaySigma: 0.1, walkMinM: 1, walkMaxM: 2, noShowP: 0, mistypeP: 0 },
};

function expectDeliveredAndNothingDropped(r: Awaited<ReturnType<typeof runWireDay>>): void {
  expect(r.parcelsPosted).toBe(12);
  expect(r.delivered).toBeGreaterThanOrEqual(1);
  expect(r.delivered).toBeLessThanOrEqual(r.handovers);
  expect(r.recipients.accepted).toBe(r.handovers);
  expect(r.messages.serverOrdersSent).toBeGreaterThanOrEqual(1);
  expect(r.messages.robotReceived).toBeGreaterThanOrEqual(r.messages.serverOrdersSent);
  // Nothing dropped: the server counted every state and visualization message the robots published.
  expect(r.messages.robotPublished.state).toBeGreaterThan(0);
  expect(r.messages.robotPublished.visualization).toBeGreaterThan(0);
  expect(r.messages.dropped).toBe(0);
  // Visualization was thinned to the wall-clock budget: 3 robots × 20 / 100 per s → one every 600 virtual ms.
  expect(r.visualizationPeriodMs).toBe(600);
  expect(r.achievedSpeedup).toBeGreaterThan(19);
}

describe('runWireDay', () => {
  it.concurrent('embedded broker: parcels posted over HTTP are delivered over MQTT at 20×, nothing dropped', async () => {
    const r = await runWireDay(short);
    expect(r.broker).toBe('embedded');
    // The server process ran on the same scaled clock: it accepted exactly what the robots sent, connection included.
    expect(r.messages.serverAccepted.state).toBe(r.messages.robotPublished.state);
    expectDeliveredAndNothingDropped(r);
  }, 90_000);

  itMosquitto(`over Mosquitto${mosquittoSkip ? ` (${mosquittoSkip})` : ''}`, async () => {
    // A Mosquitto of our own when the binary is here: on the shared 127.0.0.1:1883 another fleet server (a parallel
    // test) would join the server's `$share/fleet` group and take some of our robots' messages.
    const own = await startPrivateMosquitto().catch(() => undefined);
    try {
      const r = await runWireDay({ ...short, seed: 8, brokerUrl: own?.url ?? 'mqtt://127.0.0.1:1883' });
      expect(r.broker).toBe('external');
      expectDeliveredAndNothingDropped(r);
    } finally {
      await own?.stop();
    }
  }, 90_000);
});
