import { spawnSync } from 'node:child_process';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../clock/index.ts';
import { serviceSkipReason } from '../../../test/services.ts';
import { makeContractFixture, runBrokerContract } from '../brokerContract.ts';
import { MosquittoProcess } from './MosquittoProcess.ts';
import { mosquittoAclFile, mosquittoConf, mosquittoPasswordFile } from './mosquittoConfig.ts';

const hasMosquitto = spawnSync('mosquitto', ['-h']).error === undefined;
const noBinary = hasMosquitto ? undefined : 'the mosquitto binary is not installed';
if (noBinary && process.env.CI === 'true') throw new Error(`${noBinary}, and CI=true requires it`);

describe('mosquitto configuration generator', () => {
  const fixture = makeContractFixture();
  const input = { robots: fixture.records, serviceUsers: fixture.serviceUsers };

  it('lists every enabled identity with its stored $7$ hash, and leaves disabled robots out', () => {
    const lines = mosquittoPasswordFile(input).trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['fleet', 'SN-001', 'SN-002']);
    expect(lines[1]).toBe(`SN-001:${fixture.records[0]?.credentialHash}`);
    for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9._-]+:\$7\$101\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
  });

  it('writes per-identity ACL blocks that mirror the broker policy', () => {
    const acl = mosquittoAclFile({ ...input, policy: { interfaceName: 'campus' } });
    expect(acl).toContain([
      'user fleet',
      'topic write campus/v2/+/+/order',
      'topic write campus/v2/+/+/instantActions',
      'topic read campus/v2/+/+/state',
      'topic read campus/v2/+/+/visualization',
      'topic read campus/v2/+/+/connection',
      'topic read campus/v2/+/+/factsheet',
    ].join('\n'));
    expect(acl).toContain([
      'user SN-002',
      'topic write campus/v2/acme/SN-002/state',
      'topic write campus/v2/acme/SN-002/visualization',
      'topic write campus/v2/acme/SN-002/connection',
      'topic write campus/v2/acme/SN-002/factsheet',
      'topic read campus/v2/acme/SN-002/order',
      'topic read campus/v2/acme/SN-002/instantActions',
    ].join('\n'));
    expect(acl).not.toContain('SN-009');
    expect(acl).not.toMatch(/^topic (read|write|readwrite) #/m);
  });

  it('refuses identities that would break the files or collide', () => {
    const bad = (serialNumber: string) => () => mosquittoPasswordFile({ robots: [{ ...fixture.records[0]!, serialNumber }], serviceUsers: fixture.serviceUsers });
    expect(bad('a:b')).toThrow(/may only use/);
    expect(bad('x\nuser fleet')).toThrow(/may only use/);
    expect(bad('fleet')).toThrow(/appears twice/);
    expect(() => mosquittoPasswordFile({ robots: [{ ...fixture.records[0]!, credentialHash: 'plain' }], serviceUsers: [] })).toThrow(/not a Mosquitto \$7\$ hash/);
  });

  it('configures an authenticated listener with no anonymous access', () => {
    const conf = mosquittoConf({ listener: { port: 18830 }, passwordFile: '/etc/fleet/passwd', aclFile: '/etc/fleet/acl' });
    expect(conf).toContain('listener 18830 127.0.0.1\nallow_anonymous false\npassword_file /etc/fleet/passwd\nacl_file /etc/fleet/acl\n');
  });
});

runBrokerContract('mosquitto with the generated configuration', async (fixture) => {
  const proc = await MosquittoProcess.start({ clock: new SystemClock(), input: { robots: fixture.records, serviceUsers: fixture.serviceUsers } });
  return { url: proc.url, close: () => proc.stop() };
}, noBinary ? { skipReason: noBinary } : {});

const systemSkip = await serviceSkipReason('mosquitto');
describe.skipIf(systemSkip !== undefined)(`external broker at 127.0.0.1:1883${systemSkip ? ` (skipped: ${systemSkip})` : ''}`, () => {
  it('connects and round-trips a message (the MQTT_URL path)', async () => {
    const topic = `fleet-test/${process.pid}/${Math.floor(performance.now())}/roundtrip`;
    const client = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
    try {
      const got = new Promise<string>((resolve) => client.on('message', (t, payload) => {
        if (t === topic) resolve(payload.toString('utf8'));
      }));
      await client.subscribeAsync(topic, { qos: 1 });
      await client.publishAsync(topic, 'ping', { qos: 1 });
      expect(await got).toBe('ping');
    } finally {
      await client.endAsync();
    }
  });
});
