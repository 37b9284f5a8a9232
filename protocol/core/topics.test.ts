import { describe, expect, it } from 'vitest';
import { buildTopic, parseTopic, subscriptionFilter } from './topics.ts';
import { VDA_TOPICS } from './vdaTopics.ts';

describe('[VDA5050 §6.3] topic levels', () => {
  it('builds {interfaceName}/{majorVersion}/{manufacturer}/{serialNumber}/{topic} and parses it back', () => {
    for (const topic of VDA_TOPICS) {
      const name = buildTopic({ manufacturer: 'campusbot', serialNumber: 'cb-007', topic });
      expect(name).toBe(`uagv/v2/campusbot/cb-007/${topic}`);
      expect(parseTopic(name)).toEqual({ ok: true, value: { interfaceName: 'uagv', majorVersion: 'v2', manufacturer: 'campusbot', serialNumber: 'cb-007', topic } });
    }
  });

  it('uses a configured interfaceName on both sides', () => {
    const name = buildTopic({ interfaceName: 'campus', manufacturer: 'acme', serialNumber: 'A1', topic: 'order' });
    expect(name).toBe('campus/v2/acme/A1/order');
    expect(parseTopic(name, { interfaceName: 'campus' }).ok).toBe(true);
    const r = parseTopic(name);
    expect(!r.ok && r.error.details).toEqual([{ path: 'interfaceName', message: 'must be "uagv", got "campus"' }]);
  });

  it('rejects malformed topics with the bad level named', () => {
    const cases: [string, string][] = [
      ['uagv/v2/acme/A1', 'topic'],
      ['uagv/v2/acme/A1/state/extra', 'topic'],
      ['uagv/v2/acme//state', 'serialNumber'],
      ['uagv/v2/+/A1/state', 'manufacturer'],
      ['uagv/v2/acme/#/state', 'serialNumber'],
      ['uagv/v1/acme/A1/state', 'majorVersion'],
      ['uagv/v2/acme/A1/orders', 'topic'],
      ['uagv/v2/acme/A1/State', 'topic'],
    ];
    for (const [name, level] of cases) {
      const r = parseTopic(name);
      expect(r.ok, name).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('PROTOCOL_TOPIC');
        expect(r.error.details[0]!.path, name).toBe(level);
      }
    }
  });

  it('refuses to build a topic from a level that would change its shape', () => {
    expect(() => buildTopic({ manufacturer: 'a/b', serialNumber: 'x', topic: 'state' })).toThrow(/manufacturer must not contain "\/"/);
    expect(() => buildTopic({ manufacturer: 'a', serialNumber: '', topic: 'state' })).toThrow(/serialNumber must not be empty/);
    expect(() => buildTopic({ manufacturer: 'a', serialNumber: 'x+', topic: 'state' })).toThrow(/wildcards/);
    expect(() => buildTopic({ manufacturer: 'a', serialNumber: 'x', topic: 'foo' as 'state' })).toThrow(/unknown topic/);
  });
});

describe('subscriptionFilter', () => {
  it('uses + for what is not given', () => {
    expect(subscriptionFilter({ topic: 'state' })).toBe('uagv/v2/+/+/state');
    expect(subscriptionFilter()).toBe('uagv/v2/+/+/+');
    expect(subscriptionFilter({ manufacturer: 'campusbot', serialNumber: 'cb-007', topic: 'order' })).toBe('uagv/v2/campusbot/cb-007/order');
  });
  it('has the shared-subscription form for several fleet-server instances', () => {
    expect(subscriptionFilter({ topic: 'state', shareGroup: 'fleet' })).toBe('$share/fleet/uagv/v2/+/+/state');
    expect(() => subscriptionFilter({ shareGroup: 'a/b' })).toThrow(/shareGroup/);
  });
});
