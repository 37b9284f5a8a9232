/**
 * Entry script of wire mode's fleet-server process: `fleet serve` on a ScaledClock, so the server runs the same
 * sped-up day as the robots in the simulator's process. `fleet serve` itself has no speed-up flag (its clock is the
 * SystemClock), hence this script; it is not a product entry point.
 *
 * Configuration: the usual `fleet serve` flags and variables (parseConfig), plus
 *   SIM_SPEEDUP          virtual ms per wall ms (required)
 *   SIM_START_MS         virtual time at SIM_BASE_START_MS (required)
 *   SIM_BASE_START_MS    wall-clock instant (ms since epoch) that maps to SIM_START_MS (required)
 *   SIM_STALE_AFTER_MS   tracker staleness threshold in virtual ms (optional; robots state less often in wire mode)
 *   SIM_WAIT_FOR_RECIPIENT_S  how long robots wait at a stop, s (optional)
 *   SIM_CHEAP_CODES=1    cheap scrypt for pickup codes (simulator only: thousands of codes an hour on 2 cores)
 * Once listening it creates an admin API token and prints one line `SIM-WIRE-READY {"url","mqttUrl","adminToken"}`
 * on stdout; it stops on SIGTERM, SIGINT or when stdin closes (the simulator died).
 */
import { ScaledClock, SystemClock } from '../../clock/index.ts';
import { FleetServer, parseConfig } from '../../fleet/server/index.ts';
import { CHEAP_SCRYPT_PARAMS } from '../../protocol/index.ts';
import { READY_PREFIX, readScaledEnv } from './scaledEnv.ts';

async function main(): Promise<void> {
  const scale = readScaledEnv(process.env);
  const system = new SystemClock();
  const clock = new ScaledClock(system, scale);
  const config = parseConfig(process.argv.slice(2), process.env);
  const server = await FleetServer.start(config, {
    clock,
    ...(process.env.SIM_STALE_AFTER_MS === undefined ? {} : { staleAfterMs: Number(process.env.SIM_STALE_AFTER_MS) }),
    ...(process.env.SIM_WAIT_FOR_RECIPIENT_S === undefined ? {} : { waitForRecipientS: Number(process.env.SIM_WAIT_FOR_RECIPIENT_S) }),
    ...(process.env.SIM_CHEAP_CODES === '1' ? { codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS } } : {}),
  });
  const { token } = await server.tokens.create('admin', 'sim-wire', clock.now());
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ url: server.url, mqttUrl: server.mqttUrl, adminToken: token })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
    process.stdin.once('end', resolve);
    process.stdin.resume();
  });
  await server.stop();
  clock.clearAll();
  system.clearAll();
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    const e = error as { code?: string; message?: string };
    process.stderr.write(`serveScaled: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
