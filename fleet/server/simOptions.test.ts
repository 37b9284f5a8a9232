import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { CHEAP_SCRYPT_PARAMS } from '../../protocol/index.ts';
import { InMemoryBroker } from '../../transport/index.ts';
import { createMemoryLogger } from '../observability/index.ts';
import type { Parcel } from '../parcels/index.ts';
import { parseConfig } from './config.ts';
import { FleetServer } from './FleetServer.ts';
import { CAMPUS_FILE, T0, advance, advanceUntil, startTestRobot, zjuCampus } from './testFleet.ts';

describe('FleetServer options for the simulator (no HTTP listener, ids from the caller, parcel hook)', () => {
  let server: FleetServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('opens no port, names parcels and trips with the given ids, and reports parcel changes', async () => {
    const clock = new VirtualClock(T0);
    const broker = new InMemoryBroker();
    const seq = new Map<string, number>();
    const changed: Parcel[] = [];
    // Port 1 would need privileges: starting at all shows that nothing listens.
    const config = parseConfig(['--port', '1', '--database-url', ':memory:', '--campus', CAMPUS_FILE], {});
    server = await FleetServer.start(config, {
      clock, logger: createMemoryLogger(clock, 'error').logger, transport: broker.connect('fleet'), campusMap: await zjuCampus(),
      codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS }, listenHttp: false,
      ids: (prefix) => {
        const n = (seq.get(prefix) ?? 0) + 1;
        seq.set(prefix, n);
        return `${prefix}-${n}`;
      },
      onParcelChanged: (p) => changed.push(p),
    });
    expect(server.url).toBe('');
    const drop = server.campus.drops[0]!.id;
    const { parcels } = await server.parcels.createBatch([{ destination: drop, recipient: { name: 'A' } }, { destination: drop, recipient: { name: 'B' } }]);
    expect(parcels.map((p) => p.parcel.id)).toEqual(['P-1', 'P-2']);
    expect(parcels.every((p) => /^\d{8}$/.test(p.pickupCode ?? ''))).toBe(true);
    const history = await server.parcels.history('P-1');
    expect(history).toHaveLength(1);
    // No robot: nothing is planned, so no change is reported and no trip id drawn.
    await advance(clock, 30_000, 1000);
    expect(changed).toEqual([]);
    expect(seq.has('T')).toBe(false);

    await server.robots.add({ serial: 'r1', manufacturer: 'acme', compartments: 4 }, clock.now());
    const robot = await startTestRobot({ clock, broker, server }, 'r1');
    try {
      expect(await advanceUntil(clock, () => changed.some((p) => p.status === 'loaded'), 5 * 60_000)).toBe(true);
      expect(changed.filter((p) => p.status === 'assigned').map((p) => [p.id, p.tripId])).toEqual([['P-1', 'T-1'], ['P-2', 'T-1']]);
    } finally {
      await robot.stop();
    }
  });

  it('opens its SQLite store without the nested-call check when asked (storeNestedCallCheck: false)', async () => {
    const clock = new VirtualClock(T0);
    const config = parseConfig(['--database-url', ':memory:', '--campus', CAMPUS_FILE], {});
    server = await FleetServer.start(config, {
      clock, logger: createMemoryLogger(clock, 'error').logger, transport: new InMemoryBroker().connect('fleet'), campusMap: await zjuCampus(),
      codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS }, listenHttp: false, storeNestedCallCheck: false,
    });
    const store = server.store;
    let inner: Promise<unknown> | undefined;
    // With the check, this call would be refused (STORE_NESTED_TRANSACTION); without it, it waits for the transaction.
    await store.transaction(async () => {
      inner = store.query('SELECT 1 AS one');
    });
    expect(await inner).toEqual([{ one: 1 }]);
  });
});
