/**
 * One contract for every MessageTransport implementation (STYLE.md §15): the in-process broker, and mqtt.js against
 * aedes and Mosquitto. What robot and fleet code rely on is proven here once, against each.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, type TestContext } from 'vitest';
import type { LastWill, MessageTransport } from './core/MessageTransport.ts';

export interface CrashableTransport extends MessageTransport {
  /** Vanish without a clean close so the broker sends the last will. */
  crash(): void | Promise<void>;
}

export interface TransportFactory {
  connect(clientId: string, options?: { will?: LastWill }): Promise<CrashableTransport>;
  /** Wait long enough for in-flight messages to arrive (0 for synchronous transports). */
  settle(): Promise<void>;
  /** Set when the broker lacks `$share` shared subscriptions (aedes 1.x); the test then skips saying so. */
  noSharedSubscriptions?: string;
}

export function runTransportContract(name: string, makeFactory: () => Promise<TransportFactory | string>): void {
  describe(`MessageTransport contract: ${name}`, () => {
    const open: MessageTransport[] = [];
    // A unique topic root per test keeps concurrent runs on a shared broker (Mosquitto) apart.
    const root = () => `contract-${randomBytes(6).toString('hex')}`;

    async function setup() {
      const factory = await makeFactory();
      if (typeof factory === 'string') return undefined;
      const connect = async (id: string, options?: { will?: LastWill }) => {
        const t = await factory.connect(`${id}-${randomBytes(4).toString('hex')}`, options);
        open.push(t);
        return t;
      };
      return { factory, connect };
    }

    afterEach(async () => {
      await Promise.allSettled(open.splice(0).map((t) => t.close()));
    });

    /** The environment, a fresh topic root and two connected clients; skips the test where the adapter cannot run. */
    async function twoClients(ctx: TestContext) {
      const env = await setup();
      if (!env) return ctx.skip();
      return { env, r: root(), a: await env.connect('a'), b: await env.connect('b') };
    }

    it('delivers a message to a matching subscriber with topic and payload intact', async (ctx) => {
      const { env, r, a, b } = await twoClients(ctx);
      const got: Array<[string, string]> = [];
      await b.subscribe(`${r}/+/state`, (t, p) => got.push([t, p.toString()]));
      await a.publish(`${r}/R1/state`, '{"x":1}', { qos: 1 });
      await a.publish(`${r}/R1/order`, 'not for b', { qos: 1 });
      await env.factory.settle();
      expect(got).toEqual([[`${r}/R1/state`, '{"x":1}']]);
    });

    it('keeps per-publisher order and honours # wildcards', async (ctx) => {
      const { env, r, a, b } = await twoClients(ctx);
      const got: string[] = [];
      await b.subscribe(`${r}/#`, (_t, p) => got.push(p.toString()));
      for (let i = 0; i < 50; i++) await a.publish(`${r}/x/${i % 3}`, String(i), { qos: 1 });
      await env.factory.settle();
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    });

    it('stops delivering after unsubscribe', async (ctx) => {
      const { env, r, a, b } = await twoClients(ctx);
      const got: string[] = [];
      const sub = await b.subscribe(`${r}/t`, (_t, p) => got.push(p.toString()));
      await a.publish(`${r}/t`, 'one', { qos: 1 });
      await env.factory.settle();
      await sub.unsubscribe();
      await a.publish(`${r}/t`, 'two', { qos: 1 });
      await env.factory.settle();
      expect(got).toEqual(['one']);
    });

    it('routes a topic it has delivered before to a subscription made since, and to both of two matching ones', async (ctx) => {
      const { env, r, a, b } = await twoClients(ctx);
      const got: string[] = [];
      await b.subscribe(`${r}/t`, (_t, p) => got.push(`exact:${p.toString()}`));
      await a.publish(`${r}/t`, 'one', { qos: 1 });
      await env.factory.settle();
      await b.subscribe(`${r}/+`, (_t, p) => got.push(`wild:${p.toString()}`));
      await a.publish(`${r}/t`, 'two', { qos: 1 });
      await env.factory.settle();
      // A broker may send a client one copy per matching subscription (MQTT 3.1.1 §3.3.5): compare as a set.
      expect([...new Set(got)].sort()).toEqual(['exact:one', 'exact:two', 'wild:two']);
    });

    it('gives each message of a shared subscription to exactly one group member', async (ctx) => {
      const env = await setup();
      if (!env) return ctx.skip();
      if (env.factory.noSharedSubscriptions) return ctx.skip(env.factory.noSharedSubscriptions);
      const r = root();
      const pub = await env.connect('pub');
      const m1 = await env.connect('m1');
      const m2 = await env.connect('m2');
      const seen: string[] = [];
      await m1.subscribe(`$share/g/${r}/s`, (_t, p) => seen.push(`m1:${p}`));
      await m2.subscribe(`$share/g/${r}/s`, (_t, p) => seen.push(`m2:${p}`));
      for (let i = 0; i < 20; i++) await pub.publish(`${r}/s`, String(i), { qos: 1 });
      await env.factory.settle();
      const payloads = seen.map((s) => s.split(':')[1]).sort((x, y) => Number(x) - Number(y));
      expect(payloads).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    });

    it('publishes the last will when a client vanishes, and not when it closes cleanly', async (ctx) => {
      const env = await setup();
      if (!env) return ctx.skip();
      const r = root();
      const watcher = await env.connect('w');
      const got: string[] = [];
      await watcher.subscribe(`${r}/+/connection`, (t, p) => got.push(`${t.split('/')[1]}:${p}`));
      const clean = await env.connect('clean', { will: { topic: `${r}/clean/connection`, payload: 'CONNECTIONBROKEN', qos: 1 } });
      const crashing = await env.connect('crash', { will: { topic: `${r}/crash/connection`, payload: 'CONNECTIONBROKEN', qos: 1 } });
      await clean.close();
      await crashing.crash();
      for (let i = 0; i < 50 && got.length === 0; i++) await env.factory.settle();
      expect(got).toEqual(['crash:CONNECTIONBROKEN']);
    });

    it('delivers retained messages to later subscribers', async (ctx) => {
      const env = await setup();
      if (!env) return ctx.skip();
      const r = root();
      const a = await env.connect('a');
      await a.publish(`${r}/R9/connection`, 'ONLINE', { qos: 1, retain: true });
      await env.factory.settle();
      const b = await env.connect('b');
      const got: string[] = [];
      await b.subscribe(`${r}/+/connection`, (_t, p) => got.push(p.toString()));
      await env.factory.settle();
      expect(got).toEqual(['ONLINE']);
      await a.publish(`${r}/R9/connection`, '', { qos: 1, retain: true }); // clear it for the next run
    });
  });
}
