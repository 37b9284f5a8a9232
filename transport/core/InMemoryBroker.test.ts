import { describe, expect, it } from 'vitest';
import { runTransportContract } from '../transportContract.ts';
import { InMemoryBroker, TransportError } from './InMemoryBroker.ts';
import { stripShare, topicMatches } from './topicMatches.ts';

runTransportContract('in-process broker', async () => {
  const broker = new InMemoryBroker();
  return {
    connect: async (id, options) => broker.connect(id, options ?? {}),
    settle: async () => {},
  };
});

describe('topicMatches', () => {
  it.each([
    ['uagv/v2/+/+/state', 'uagv/v2/acme/R1/state', true],
    ['uagv/v2/+/+/state', 'uagv/v2/acme/R1/order', false],
    ['uagv/v2/+/+/state', 'uagv/v2/acme/state', false],
    ['uagv/#', 'uagv/v2/acme/R1/state', true],
    ['uagv/#', 'uagv', true],
    ['#', '$SYS/broker/uptime', false],
    ['$share/fleet/uagv/v2/+/+/state', 'uagv/v2/a/b/state', true],
    ['a/b', 'a/b/c', false],
  ])('%s vs %s → %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });

  it('strips the shared-subscription prefix', () => {
    expect(stripShare('$share/g/a/+/c')).toBe('a/+/c');
    expect(stripShare('a/b')).toBe('a/b');
  });
});

describe('InMemoryBroker', () => {
  it('queues messages published from inside a handler behind the current delivery', async () => {
    const broker = new InMemoryBroker();
    const a = broker.connect('a');
    const order: string[] = [];
    await a.subscribe('t/1', () => {
      order.push('h1-start');
      a.publishSync('t/2', 'x');
      order.push('h1-end');
    });
    await a.subscribe('t/2', () => order.push('h2'));
    await a.publish('t/1', 'go');
    expect(order).toEqual(['h1-start', 'h1-end', 'h2']);
  });

  it('replays a retained message to the new subscriber only, not again to existing ones', async () => {
    const broker = new InMemoryBroker();
    const a = broker.connect('a');
    const old: string[] = [];
    const fresh: string[] = [];
    await a.subscribe('r/+', (t) => old.push(t));
    await a.publish('r/1', 'x', { retain: true });
    await a.subscribe('r/1', (t) => fresh.push(t));
    expect(old).toEqual(['r/1']);
    expect(fresh).toEqual(['r/1']);
  });

  it('delivers in subscription order across exact and wildcard filters, and forgets a closed client', async () => {
    const broker = new InMemoryBroker();
    const a = broker.connect('a');
    const b = broker.connect('b');
    const seen: string[] = [];
    await a.subscribe('x/#', () => seen.push('wild-1'));
    await b.subscribe('x/y', () => seen.push('exact-b'));
    await a.subscribe('x/+', () => seen.push('wild-2'));
    await a.subscribe('x/y', () => seen.push('exact-a'));
    await a.publish('x/y', '1');
    expect(seen).toEqual(['wild-1', 'exact-b', 'wild-2', 'exact-a']);
    await b.close();
    seen.length = 0;
    await a.publish('x/y', '2');
    expect(seen).toEqual(['wild-1', 'wild-2', 'exact-a']);
  });

  it('follows wildcard subscriptions made and dropped after a topic was delivered (its matches are kept per topic)', async () => {
    const broker = new InMemoryBroker();
    const a = broker.connect('a');
    const seen: string[] = [];
    const first = await a.subscribe('s/+/state', () => seen.push('first'));
    await a.publish('s/R1/state', '1');
    const second = await a.subscribe('s/#', () => seen.push('second'));
    await a.publish('s/R1/state', '2');
    await first.unsubscribe();
    await a.publish('s/R1/state', '3');
    await second.unsubscribe();
    await a.publish('s/R1/state', '4');
    expect(seen).toEqual(['first', 'first', 'second', 'second']);
  });

  it('rejects wildcard topic names and use after close', async () => {
    const broker = new InMemoryBroker();
    const a = broker.connect('a');
    await expect(a.publish('a/+/b', 'x')).rejects.toThrow(TransportError);
    await a.close();
    await expect(a.publish('a/b', 'x')).rejects.toThrow(/closed/);
  });
});
