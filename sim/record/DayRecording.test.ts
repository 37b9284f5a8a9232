import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader } from '@mcap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCampus, type CampusMap } from '../../maps/index.ts';
import { buildReportFiles, computeKpis } from '../report/index.ts';
import { daySerials, runDay, type DayResult } from '../runner/index.ts';
import { FileReadable } from './adapters/FileReadable.ts';
import type { LogMsg, PoseInFrameMsg } from './core/foxgloveMessages.ts';
import { RecordError } from './core/RecordError.ts';
import { DayRecording } from './DayRecording.ts';

const small = { parcels: 40, robots: 4, hours: 3, seed: 5 };
let campus: CampusMap;
let dir: string;
let plain: DayResult;
let recorded: DayResult;
let messages: Array<{ topic: string; tNs: bigint; body: unknown }>;

beforeAll(async () => {
  campus = await loadCampus('maps/data/swjtu-xipu.geojson');
  dir = await mkdtemp(join(tmpdir(), 'day-recording-'));
  plain = await runDay({ campus, ...small });
  const recording = await DayRecording.open(join(dir, 'day.mcap'), { campus, robots: daySerials(small.robots) });
  recorded = await runDay({ campus, ...small, observer: recording });
  await recording.close();
  const readable = await FileReadable.open(join(dir, 'day.mcap'));
  const reader = await McapIndexedReader.Initialize({ readable });
  messages = [];
  for await (const m of reader.readMessages()) {
    messages.push({ topic: reader.channelsById.get(m.channelId)!.topic, tNs: m.logTime, body: JSON.parse(new TextDecoder().decode(m.data)) });
  }
  await readable.close();
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ofTopic = (topic: string) => messages.filter((m) => m.topic === topic);

describe('DayRecording (sim day --record)', () => {
  it('does not change the day: the same seed gives the same record with or without it', () => {
    const a = buildReportFiles(plain.record).files;
    const b = buildReportFiles(recorded.record).files;
    expect(b['kpis.json']).toBe(a['kpis.json']);
    expect(b['parcels.jsonl']).toBe(a['parcels.jsonl']);
    expect(b['events.jsonl']).toBe(a['events.jsonl']);
  });

  it('logs one hand-over event per delivered parcel, each with the code the recipient was sent', () => {
    const handovers = ofTopic('/events').map((m) => (m.body as LogMsg).message).filter((t) => t.includes('handed over'));
    const delivered = computeKpis(recorded.record).parcelsDelivered;
    expect(delivered).toBeGreaterThan(10);
    expect(handovers).toHaveLength(delivered);
    expect(handovers.every((t) => !t.includes('WITHOUT'))).toBe(true);
    const ids = new Set(recorded.record.parcels.filter((p) => p.deliveredAtMs !== undefined).map((p) => p.id));
    for (const t of handovers) expect(ids.has(t.split(' ').at(-1)!)).toBe(true);
  });

  it('tracks every robot where the day says it was, 2 s apart while it drives and a minute apart while parked', () => {
    const { samples } = recorded.record;
    for (const serial of daySerials(small.robots)) {
      const poses = ofTopic(`/${serial}/pose`).map((m) => ({ tMs: Number(m.tNs / 1_000_000n), p: (m.body as PoseInFrameMsg).pose.position }));
      expect(poses.length).toBeGreaterThan(100);
      const gaps = poses.slice(1).map((q, i) => q.tMs - poses[i]!.tMs);
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(2000);
      // Every robot stands at the hub for a while in this light day: one pose a minute then, not thirty.
      expect(Math.max(...gaps)).toBeGreaterThanOrEqual(60_000);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(60_000 + 2000);
      // The report samples every 10 s from the same start: where both exist they agree.
      const index = daySerials(small.robots).indexOf(serial);
      const byTime = new Map(poses.map((q) => [q.tMs, q.p]));
      let compared = 0;
      for (let i = 0; i < samples.count; i++) {
        if (samples.robot[i] !== index) continue;
        const p = byTime.get(samples.tMs[i]!);
        if (p === undefined) continue;
        compared++;
        expect(Math.hypot(p.x - samples.x[i]!, p.y - samples.y[i]!)).toBeLessThan(0.01);
      }
      expect(compared).toBeGreaterThan(20);
    }
  });

  it('draws the route of every leg a robot starts', () => {
    const plans = daySerials(small.robots).reduce((n, s) => n + ofTopic(`/${s}/plan`).length, 0);
    expect(plans).toBeGreaterThan(computeKpis(recorded.record).parcelsDelivered / 24);
    expect(ofTopic('/map/buildings')).toHaveLength(1);
  });

  it('writes each new scan once, at the time it was taken, but never before what is already written', async () => {
    const path = join(dir, 'scans.mcap');
    const rec = await DayRecording.open(path, { campus, robots: ['R01', 'R02'], scanEveryMs: 1 });
    const ranges = new Float32Array([1, 2, Infinity]);
    const robot = (serial: string, scanMs: number | undefined) => ({
      serial, activity: () => 'driving' as const, motion: { poseNow: () => ({ x: 1, y: 2, theta: 0, mapId: 'm' }) },
      lastScan: () => (scanMs === undefined ? undefined : { tMs: scanMs, ranges, angleMinRad: -1, angleIncrementRad: 1, rangeMaxM: 10 }),
    });
    rec.tick(1000, [robot('R01', 950), robot('R02', 900)]); // R02's older scan may not go before R01's
    rec.leg(1040, 'R01', [{ x: 0, y: 0 }, { x: 5, y: 0 }]);
    rec.tick(2000, [robot('R01', 1020), robot('R02', 900)]); // R02 has not scanned again
    rec.tick(3000, [robot('R01', 2950), robot('R02', undefined)]);
    await rec.close();
    const readable = await FileReadable.open(path);
    const reader = await McapIndexedReader.Initialize({ readable });
    const times: Record<string, number[]> = {};
    for await (const m of reader.readMessages({ topics: ['/R01/scan', '/R02/scan'] })) {
      (times[reader.channelsById.get(m.channelId)!.topic] ??= []).push(Number(m.logTime / 1_000_000n));
    }
    await readable.close();
    expect(times).toEqual({ '/R01/scan': [950, 1040, 2950], '/R02/scan': [950] });
  });

  it('keeps only the robots asked for, and names a robot the day does not have', async () => {
    await expect(DayRecording.open(join(dir, 'bad.mcap'), { campus, robots: daySerials(4), only: ['R01', 'R09'] }))
      .rejects.toThrow(RecordError);
    await expect(DayRecording.open(join(dir, 'bad.mcap'), { campus, robots: daySerials(4), only: ['R09'] }))
      .rejects.toThrow(/R09 are not in this day/);
  });
});
