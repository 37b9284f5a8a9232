/**
 * Wire mode (issue 5 target: one peak hour at ≥ 10× real time over Mosquitto with nothing dropped). The fleet server
 * runs in its own process on a ScaledClock; 60 simulated robots speak VDA 5050 over MQTT; parcels for the busiest
 * hour of a 30,000-parcel day are posted through the REST API. Prints messages each way, drops, deliveries, the
 * timer lag of the robot process and the achieved speed-up. `npm run bench sim-wire`; overrides: SIM_WIRE_ROBOTS,
 * SIM_WIRE_PARCELS (per day), SIM_WIRE_SPEEDUP, SIM_WIRE_MINUTES, SIM_WIRE_BROKER (`private`, the default: a
 * Mosquitto of its own on a free port; `embedded`: the server's aedes; or an mqtt:// URL).
 */
import { cpus, loadavg } from 'node:os';
import { runWireDay, startPrivateMosquitto } from '../sim/wire/index.ts';


const robots = Number(process.env.SIM_WIRE_ROBOTS ?? 60);
const parcelsPerDay = Number(process.env.SIM_WIRE_PARCELS ?? 30_000);
const speedup = Number(process.env.SIM_WIRE_SPEEDUP ?? 10);
const minutes = Number(process.env.SIM_WIRE_MINUTES ?? 60);
// Default: a private Mosquitto. On the shared one, any other fleet server joins our `$share/fleet` group and takes
// a share of our robots' messages, which then count as dropped.
const brokerEnv = process.env.SIM_WIRE_BROKER ?? 'private';
const privateBroker = brokerEnv === 'private' ? await startPrivateMosquitto() : undefined;
const brokerUrl = brokerEnv === 'embedded' ? undefined : (privateBroker?.url ?? brokerEnv);

console.log(`sim-wire: ${robots} robots, peak ${minutes} min of a ${parcelsPerDay}-parcel day at ${speedup}×, ` +
  `broker ${brokerUrl === undefined ? 'embedded' : `Mosquitto ${brokerUrl}${privateBroker ? ' (private)' : ''}`} ` +
  `(${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)})`);
const t0 = performance.now();
const r = await runWireDay({
  campusFile: 'maps/data/zju-zijingang.geojson', robots, parcelsPerDay, seed: 1, speedup, windowMs: minutes * 60_000,
  ...(brokerUrl === undefined ? {} : { brokerUrl }),
  onProgress: (p) => console.log(`  ${((p.endMs - p.virtualMs) / 60_000).toFixed(0)} min left: ${p.posted} parcels posted, ${p.handovers} handovers`),
  progressEveryMs: 10 * 60_000,
}).finally(() => privateBroker?.stop());
const totalS = (performance.now() - t0) / 1000;
const m = r.messages;
const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
console.log(`window ${hhmm(r.windowStartMs)}–${hhmm(r.windowStartMs + r.windowMs)}: ${r.parcelsPosted} parcels posted in ${r.httpRequests} requests, ` +
  `${r.handovers} hand-overs, ${r.delivered} delivered (server)`);
console.log(`messages: robots published ${sum(m.robotPublished)} ${JSON.stringify(m.robotPublished)}, server accepted ${sum(m.serverAccepted)}, ` +
  `rejected ${sum(m.serverRejected)} ${JSON.stringify(m.serverRejectedByCode)}; orders sent ${m.serverOrdersSent} ${JSON.stringify(m.serverOrdersByKind)}, received by robots ${m.robotReceived} (incl. instant actions); dropped ${m.dropped} ${JSON.stringify(m.droppedByTopic)}`);
console.log(`visualization every ${r.visualizationPeriodMs} virtual ms (${((robots * 1000 * speedup) / r.visualizationPeriodMs).toFixed(0)} msg/s wall), ` +
  `state every ${r.statePeriodMs / 1000} s + on change`);
console.log(`time: ${(r.virtualMs / 60_000).toFixed(1)} virtual min in ${(r.wallMs / 1000).toFixed(1)} s wall = ${r.achievedSpeedup.toFixed(1)}×; ` +
  `timer lag p50 ${r.timerLagMs.p50} / p99 ${r.timerLagMs.p99} / max ${r.timerLagMs.max} virtual ms; total ${totalS.toFixed(1)} s with setup`);
const lagP99WallMs = r.timerLagMs.p99 / speedup;
const met = speedup >= 10 && m.dropped === 0 && brokerUrl !== undefined;
console.log(`target (peak hour ≥ 10× over Mosquitto, nothing dropped): ${met ? 'met' : 'MISSED'}; ` +
  `robot process kept up (1 s probe timer p99 late ${lagP99WallMs.toFixed(0)} ms wall, ≤ 100 ms): ${lagP99WallMs <= 100 ? 'yes' : 'NO'}`);

function hhmm(msOfDay: number): string {
  const min = Math.floor(msOfDay / 60_000);
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}
