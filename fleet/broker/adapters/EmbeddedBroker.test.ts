import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../clock/index.ts';
import { Metrics, createMemoryLogger } from '../../observability/index.ts';
import { makeContractFixture, runBrokerContract } from '../brokerContract.ts';
import { InMemoryRobotCredentialRepository } from '../RobotCredentialRepository.ts';
import { EmbeddedBroker } from './EmbeddedBroker.ts';

const metrics = new Metrics();
const mem = createMemoryLogger(new SystemClock(), 'warn');

runBrokerContract('embedded aedes', async (fixture) => {
  const robots = new InMemoryRobotCredentialRepository();
  for (const record of fixture.records) robots.add(record);
  const broker = await EmbeddedBroker.start({ robots, serviceUsers: fixture.serviceUsers, logger: mem.logger, metrics, port: 0 });
  return { url: broker.url, close: () => broker.close() };
});

describe('embedded broker observability', () => {
  it('counted and logged the refusals of the contract run, without credentials', () => {
    const denied = metrics.counter('fleet_mqtt_denied_total', '', ['action', 'reason']);
    expect(denied.get({ action: 'connect', reason: 'bad_password' })).toBeGreaterThanOrEqual(2);
    expect(denied.get({ action: 'connect', reason: 'unknown_user' })).toBeGreaterThanOrEqual(1);
    expect(denied.get({ action: 'connect', reason: 'disabled' })).toBeGreaterThanOrEqual(1);
    expect(denied.get({ action: 'publish', reason: 'other_robot' })).toBeGreaterThanOrEqual(2);
    expect(denied.get({ action: 'subscribe', reason: 'wildcard_not_allowed' })).toBeGreaterThanOrEqual(2);
    expect(denied.get({ action: 'subscribe', reason: 'shared_not_allowed' })).toBeGreaterThanOrEqual(1);
    expect(mem.records().some((r) => r.msg === 'mqtt publish refused')).toBe(true);
  });
});

describe('embedded broker session protection', () => {
  it('refuses a CONNECT that would take over another identity\'s client id, and keeps the holder connected', async () => {
    const fixture = makeContractFixture();
    const robots = new InMemoryRobotCredentialRepository();
    for (const record of fixture.records) robots.add(record);
    const broker = await EmbeddedBroker.start({ robots, serviceUsers: fixture.serviceUsers, logger: mem.logger, metrics, port: 0 });
    const [robot] = fixture.robots;
    const options = { protocolVersion: 4, reconnectPeriod: 0, clientId: 'fleet-main' } as const;
    const fleet = await mqtt.connectAsync(broker.url, { ...options, username: fixture.fleet.username, password: fixture.fleet.password });
    try {
      const hijack = await mqtt.connectAsync(broker.url, { ...options, username: robot.serialNumber, password: robot.credential }).then(
        async (c) => { await c.endAsync(); return 'connected'; },
        (error: { code?: unknown }) => error.code,
      );
      expect(hijack).toBe(5);
      expect(fleet.connected).toBe(true);
      expect(metrics.counter('fleet_mqtt_denied_total', '', ['action', 'reason']).get({ action: 'connect', reason: 'client_id_taken' })).toBe(1);
    } finally {
      await fleet.endAsync();
      await broker.close();
    }
  });
});
