/**
 * `sim day --mode wire`: runs the day's peak hour (or `--hours` when shorter) in wire mode and prints what crossed
 * the wire; writes `wire.json` into `--out`. Exit code 0 when deliveries happened and nothing was dropped, 1
 * otherwise, 2 for a campus that does not exist.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DayArgs } from '../core/parseSimArgs.ts';
import { runWireDay, type WireDayResult } from './runWireDay.ts';

const SHIPPED: Record<string, string> = {
  zju: '../../maps/data/zju-zijingang.geojson',
  swjtu: '../../maps/data/swjtu-xipu.geojson',
};

const H = 3_600_000;

/** Runs wire mode for parsed `sim day` arguments; returns the process exit code. */
export async function runWireCommand(args: DayArgs, out: { write(text: string): void } = process.stdout, errOut: { write(text: string): void } = process.stderr): Promise<number> {
  const shipped = SHIPPED[args.campus];
  const campusFile = shipped !== undefined ? fileURLToPath(new URL(shipped, import.meta.url)) : args.campus;
  if (!existsSync(campusFile)) {
    errOut.write(`sim: --campus '${args.campus}' is neither zju, swjtu nor an existing map file\n`);
    return 2;
  }
  const result = await runWireDay({
    campusFile, robots: args.robots, parcelsPerDay: args.parcels, seed: args.seed, speedup: args.speedup,
    windowMs: Math.min(args.hours, 1) * H, compartments: args.compartments,
    ...(args.broker === undefined ? {} : { brokerUrl: args.broker }),
    ...(args.quiet ? {} : {
      onProgress: (p) => errOut.write(`wire: ${((p.endMs - p.virtualMs) / 60_000).toFixed(0)} simulated min left, ${p.posted} parcels posted, ${p.handovers} hand-overs\n`),
    }),
  });
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'wire.json'), `${JSON.stringify(result, null, 2)}\n`);
  out.write(formatWireResult(result));
  return result.messages.dropped === 0 && result.delivered > 0 ? 0 : 1;
}

/** A few lines for the terminal. */
export function formatWireResult(r: WireDayResult): string {
  const m = r.messages;
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return [
    `wire mode: ${r.robots} robots, ${(r.windowMs / 60_000).toFixed(0)} min from ${(r.windowStartMs / H).toFixed(2)} h, ${r.broker} broker, ${r.speedup}×`,
    `parcels posted ${r.parcelsPosted}, hand-overs ${r.handovers}, delivered ${r.delivered}`,
    `messages: robots published ${sum(m.robotPublished)}, server accepted ${sum(m.serverAccepted)}, dropped ${m.dropped}; orders ${m.serverOrdersSent} sent, ${m.robotReceived} received`,
    `achieved ${r.achievedSpeedup.toFixed(1)}× (${(r.virtualMs / 60_000).toFixed(1)} simulated min in ${(r.wallMs / 1000).toFixed(1)} s); timer lag p99 ${r.timerLagMs.p99} ms simulated`,
    '',
  ].join('\n');
}
