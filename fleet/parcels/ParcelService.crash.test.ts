import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { CHEAP_SCRYPT_PARAMS } from '../../protocol/index.ts';
import { openStore } from '../store/index.ts';
import { ParcelService } from './ParcelService.ts';

const writer = fileURLToPath(new URL('./testing/crashWriter.ts', import.meta.url));

describe('ParcelService after SIGKILL (SQLite file)', () => {
  it('keeps every acknowledged batch whole, loses no event, and a retried batch creates nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleet-crash-'));
    const file = join(dir, 'fleet.db');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let acknowledged = -1;
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (c: Buffer) => {
          for (const m of c.toString().matchAll(/created (\d+)/g)) acknowledged = Math.max(acknowledged, Number(m[1]));
          if (acknowledged >= 6) {
            child.kill('SIGKILL');
            resolve();
          }
        });
        child.on('exit', () => (acknowledged >= 6 ? resolve() : reject(new Error(`writer exited early: ${stderr}`))));
      });
      await new Promise((resolve) => child.once('exit', resolve).once('close', resolve));

      const clock = new VirtualClock(Date.now());
      const store = await openStore({ databaseUrl: file, clock });
      try {
        const [{ n } = { n: 0 }] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM parcels');
        expect(n).toBeGreaterThanOrEqual((acknowledged + 1) * 50);
        expect(n % 50).toBe(0); // a batch is all or nothing
        // Every parcel's status is the last entry of its gap-free history, and it has its notification.
        const broken = await store.query(
          `SELECT p.id FROM parcels p WHERE p.status <> (SELECT e.to_status FROM parcel_events e WHERE e.parcel_id = p.id
             AND e.seq = (SELECT MAX(seq) FROM parcel_events x WHERE x.parcel_id = p.id))
           OR (SELECT COUNT(*) FROM parcel_events e WHERE e.parcel_id = p.id) <> (SELECT MAX(seq) FROM parcel_events e WHERE e.parcel_id = p.id)
           OR p.version <> (SELECT COUNT(*) FROM parcel_events e WHERE e.parcel_id = p.id)`,
        );
        expect(broken).toEqual([]);
        const [{ m } = { m: 0 }] = await store.query<{ m: number }>('SELECT COUNT(*) AS m FROM outbox');
        expect(m).toBe(n);
        // The client retries its last acknowledged batch after the crash: nothing new is created.
        const service = new ParcelService({ store, clock, publicBaseUrl: 'https://x', codePolicy: { hashParams: CHEAP_SCRYPT_PARAMS } });
        const inputs = Array.from({ length: 50 }, (_, i) => ({ destination: 'library', recipient: { name: `R${acknowledged}-${i}` } }));
        const retry = await service.createBatch(inputs, { idempotencyKey: `batch-${acknowledged}` });
        expect(retry.replayed).toBe(true);
        const [{ n: after } = { n: 0 }] = await store.query<{ n: number }>('SELECT COUNT(*) AS n FROM parcels');
        expect(after).toBe(n);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
