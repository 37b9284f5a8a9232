import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../clock/index.ts';
import { AppError } from '../../../common/core/AppError.ts';
import type { MosquittoConfigInput } from './mosquittoConfig.ts';
import { writeMosquittoConfig } from './mosquittoConfig.ts';

export class MosquittoProcessError extends AppError {}

export interface MosquittoProcessOptions {
  input: MosquittoConfigInput;
  clock: Clock;
  /** The `mosquitto` binary. Default `mosquitto` on PATH (Debian puts it in /usr/sbin). */
  binary?: string;
  /** Port; default a free one. */
  port?: number;
  startTimeoutMs?: number;
}

/**
 * A private Mosquitto process running our generated configuration on its own port (127.0.0.1), for tests and local
 * development. It never touches the system Mosquitto or its configuration.
 */
export class MosquittoProcess {
  readonly port: number;
  readonly dir: string;
  readonly #child: ChildProcess;
  #output = '';

  private constructor(port: number, dir: string, child: ChildProcess) {
    this.port = port;
    this.dir = dir;
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => this.#append(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#append(chunk));
  }

  static async start(options: MosquittoProcessOptions): Promise<MosquittoProcess> {
    const { clock, startTimeoutMs = 10_000 } = options;
    const port = options.port ?? (await freePort());
    const dir = await mkdtemp(join(tmpdir(), 'fleet-mosquitto-'));
    // Started as root, Mosquitto drops to user `mosquitto`, which cannot read our private temp dir: stay as we are.
    const runAsUser = process.getuid?.() === 0 ? userInfo().username : undefined;
    const { confPath } = await writeMosquittoConfig(dir, options.input, { listener: { port }, ...(runAsUser ? { runAsUser } : {}) });
    const child = spawn(options.binary ?? 'mosquitto', ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new MosquittoProcess(port, dir, child);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const deadline = clock.now() + startTimeoutMs;
    while (clock.now() < deadline) {
      const outcome = await Promise.race([
        canConnect(port).then((up) => (up ? 'up' : 'down')),
        exited.then(() => 'exited'),
        spawnError.then(() => 'error'),
      ]);
      if (outcome === 'up') return proc;
      if (outcome !== 'down') {
        await rm(dir, { recursive: true, force: true });
        throw new MosquittoProcessError('MOSQUITTO_START_FAILED', `mosquitto did not start (${outcome}): ${proc.output.slice(0, 2000)}`);
      }
      await new Promise<void>((resolve) => clock.setTimer(50, resolve));
    }
    await proc.stop();
    throw new MosquittoProcessError('MOSQUITTO_START_FAILED', `mosquitto did not listen on ${port} within ${startTimeoutMs} ms: ${proc.output.slice(0, 2000)}`);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Everything Mosquitto printed (its log goes to stdout). */
  get output(): string {
    return this.#output;
  }

  /** Stops the process and removes its files. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
      this.#child.kill('SIGTERM');
      await exited;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  #append(chunk: Buffer): void {
    // Keep the tail only; a chatty broker must not grow memory without bound.
    this.#output = (this.#output + chunk.toString('utf8')).slice(-20_000);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => done(true));
  });
}
