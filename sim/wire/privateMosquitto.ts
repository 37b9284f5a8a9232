/**
 * A private Mosquitto on a free local port, for measurements that a shared broker would spoil: the fleet server
 * subscribes as `$share/fleet/…`, so any other fleet server on the same broker (a colleague's test) takes a share
 * of our robots' messages, which then look dropped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '../../clock/index.ts';
import { isReachable } from '../../test/services.ts';
import { WireError } from './scaledEnv.ts';

export interface PrivateMosquitto {
  url: string;
  stop(): Promise<void>;
}

/** Starts `mosquitto` (anonymous, no persistence) on a free 127.0.0.1 port; resolves once it accepts connections. */
export async function startPrivateMosquitto(binary = 'mosquitto'): Promise<PrivateMosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sim-wire-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n`);
  const child = spawn(binary, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err = (err + d).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const wall = new SystemClock();
  let spawnError: Error | undefined;
  child.once('error', (e) => {
    spawnError = e;
  });
  for (let i = 0; i < 100; i++) {
    if (spawnError !== undefined || child.exitCode !== null) break;
    if (await isReachable('127.0.0.1', port, 200)) return { url: `mqtt://127.0.0.1:${port}`, stop };
    await new Promise<void>((resolve) => wall.setTimer(50, resolve));
  }
  await stop();
  throw new WireError('SIM_WIRE_BROKER', `cannot start ${binary} on port ${port}: ${spawnError?.message ?? err.trim()}`, { cause: spawnError });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
