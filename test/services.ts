/**
 * Real services for integration tests. On a machine without them a test skips with the reason; with CI=true a missing
 * service fails the run instead, because CI must exercise the real thing.
 */
import { Socket } from 'node:net';

export const services = {
  mosquitto: { host: '127.0.0.1', port: 1883 },
  postgres: { host: '127.0.0.1', port: 5432 },
} as const;

export type ServiceName = keyof typeof services;

export function isReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/**
 * Resolves to undefined when the service is up, or to a skip reason when it is down outside CI.
 * Under CI=true a down service throws, so the suite fails loudly rather than skipping.
 */
export async function serviceSkipReason(name: ServiceName): Promise<string | undefined> {
  const { host, port } = services[name];
  if (await isReachable(host, port)) return undefined;
  const reason = `${name} is not reachable at ${host}:${port}`;
  if (process.env.CI === 'true') throw new Error(`${reason}, and CI=true requires it (.ci/run starts it)`);
  return `${reason}; skipped outside CI`;
}
