import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTripLog } from './readTripLog.ts';

const leg = { kind: 'leg', tripId: 't1', from: 'hub', to: 'drop:a', lengthM: 500, turnCount: 3, nodeCount: 7, sharedRoadM: 0, footwayM: 500, timeOfDayS: 36000, stopIndex: 0, travelS: 410 };
const stop = { kind: 'stop', tripId: 't1', place: 'drop:a', parcels: 2, stopIndex: 0, timeOfDayS: 36410, buildingKind: 'dorm', pickupWaitS: 130 };

describe('readTripLog', () => {
  it('reads JSON Lines records, skipping blanks and comments, and points at the line of a bad one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eta-log-'));
    try {
      const good = join(dir, 'good.jsonl');
      await writeFile(good, `# day 1\n${JSON.stringify(leg)}\n\n${JSON.stringify(stop)}\n`);
      expect(await readTripLog(good)).toEqual([leg, stop]);
      const bad = join(dir, 'bad.jsonl');
      await writeFile(bad, `${JSON.stringify(leg)}\n${JSON.stringify({ ...stop, pickupWaitS: null })}\n`);
      await expect(readTripLog(bad)).rejects.toThrow(/bad\.jsonl:2: pickupWaitS must be a finite number/);
      await writeFile(bad, `${JSON.stringify(leg)}\n{oops\n`);
      await expect(readTripLog(bad)).rejects.toMatchObject({ code: 'ETA_BAD_INPUT', message: expect.stringMatching(/bad\.jsonl:2: not valid JSON/) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
