import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader, McapStreamReader } from '@mcap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../common/core/Random.ts';
import { createCampusMap } from '../../maps/core/CampusMap.ts';
import { featuresFromGeoJson } from '../../maps/core/featuresFromGeoJson.ts';
import { Lidar2D } from '../world/core/Lidar2D.ts';
import { FileReadable } from './adapters/FileReadable.ts';
import type { LaserScanMsg, PoseInFrameMsg } from './core/foxgloveMessages.ts';
import { yawFromQuaternion } from './core/quaternionFromYaw.ts';
import { RecordError } from './core/RecordError.ts';
import { nsFromMs } from './core/simTime.ts';
import { McapRecorder } from './McapRecorder.ts';
import type { RecordingSummary } from './McapRecorder.ts';

const campus = createCampusMap(featuresFromGeoJson(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'maps', 'test', 'in', 'junctions.geojson'), 'utf8')), 'junctions.geojson'),
{ origin: [104, 30.7] });

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0); // simulated start of day
const DURATION_MS = 30_000;
const TICK_MS = 100;
const EVERY = { poseEveryMs: 500, scanEveryMs: 1000, fixEveryMs: 5000 };
const ROBOTS = ['R1', 'R2'] as const;

interface Written {
  summary: RecordingSummary;
  /** Copies of the kept scans, by robot, in order. */
  scans: Map<string, { tMs: number; ranges: number[]; angleMin: number; increment: number; rangeMax: number }[]>;
  poses: Map<string, { tMs: number; x: number; y: number; theta: number }[]>;
}

/** Two robots driving east-west for 30 s with a real LiDAR against the campus outlines (R2 runs 8 m from a building). */
async function recordRun(path: string, flushEveryTicks = 0): Promise<Written> {
  const rec = await McapRecorder.open(path, {
    campus, robots: ROBOTS, profile: 'foxglove', ...EVERY, chunkSizeBytes: 16 * 1024, flushAtBytes: 8 * 1024,
    metadata: { seed: '7' },
  });
  const lidar = new Lidar2D(new Random(7), campus.obstacles, { beams: 90 });
  const scans: Written['scans'] = new Map(ROBOTS.map((r) => [r, []]));
  const poses: Written['poses'] = new Map(ROBOTS.map((r) => [r, []]));
  rec.plan('R1', T0, [{ x: 0, y: 0 }, { x: 150, y: 0 }]);
  rec.plan('R2', T0, [{ x: 150, y: 0 }, { x: 0, y: 0 }]);
  for (let t = T0; t < T0 + DURATION_MS; t += TICK_MS) {
    if (flushEveryTicks > 0 && ((t - T0) / TICK_MS) % flushEveryTicks === 0) await rec.flush();
    const s = (t - T0) / 1000;
    const at = { R1: { x: 1.2 * s, y: 3, theta: 0.01 * s }, R2: { x: 150 - 1.2 * s, y: -12, theta: Math.PI - 0.01 * s } };
    for (const r of ROBOTS) {
      if (rec.pose(r, t, at[r])) poses.get(r)!.push({ tMs: t, ...at[r] });
      const scan = lidar.sample(at[r]);
      if (rec.scan(r, t, scan.ranges, scan.angleMinRad, scan.angleIncrementRad, scan.rangeMaxM)) {
        scans.get(r)!.push({ tMs: t, ranges: [...scan.ranges], angleMin: scan.angleMinRad, increment: scan.angleIncrementRad, rangeMax: scan.rangeMaxM });
      }
    }
    if (t === T0 + 15_000) {
      rec.plan('R1', t, [{ x: 18, y: 0 }, { x: 150, y: 0 }]);
      rec.plan('R2', t, []);
      rec.event(t, 'info', 'R1 delivered parcel P1');
    }
  }
  rec.event(T0 + DURATION_MS - TICK_MS, 'warning', 'R2 near miss');
  rec.event(T0 + DURATION_MS - TICK_MS, 'error', 'R2 collision with pedestrian');
  return { summary: await rec.close(), scans, poses };
}

async function openIndexed(path: string): Promise<{ reader: McapIndexedReader; close: () => Promise<void> }> {
  const readable = await FileReadable.open(path);
  return { reader: await McapIndexedReader.Initialize({ readable }), close: () => readable.close() };
}

describe('McapRecorder', () => {
  let dir: string;
  let path: string;
  let written: Written;
  let reader: McapIndexedReader;
  let closeReader: () => Promise<void>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcap-rec-'));
    path = join(dir, 'run.mcap');
    written = await recordRun(path);
    ({ reader, close: closeReader } = await openIndexed(path));
  });
  afterAll(async () => {
    await closeReader();
    await rm(dir, { recursive: true, force: true });
  });

  const topicOf = (channelId: number) => reader.channelsById.get(channelId)!.topic;
  const decode = <T>(data: Uint8Array): T => JSON.parse(new TextDecoder().decode(data)) as T;

  it('declares every channel with JSON encoding and its Foxglove jsonschema', () => {
    const expected: Record<string, string> = {
      '/map/buildings': 'foxglove.SceneUpdate', '/map/paths': 'foxglove.SceneUpdate', '/robots/bodies': 'foxglove.SceneUpdate',
      '/tf': 'foxglove.FrameTransform', '/events': 'foxglove.Log',
    };
    for (const r of ROBOTS) {
      Object.assign(expected, {
        [`/${r}/pose`]: 'foxglove.PoseInFrame', [`/${r}/fix`]: 'foxglove.LocationFix',
        [`/${r}/scan`]: 'foxglove.LaserScan', [`/${r}/plan`]: 'foxglove.SceneUpdate',
      });
    }
    const actual: Record<string, string> = {};
    for (const ch of reader.channelsById.values()) {
      expect(ch.messageEncoding).toBe('json');
      const schema = reader.schemasById.get(ch.schemaId)!;
      expect(schema.encoding).toBe('jsonschema');
      expect(decode<{ title: string }>(schema.data).title).toBe(schema.name);
      actual[ch.topic] = schema.name;
    }
    expect(actual).toEqual(expected);
  });

  it('holds the decimated message counts per channel, in the statistics and in the data', async () => {
    const perRobot = { pose: DURATION_MS / EVERY.poseEveryMs, scan: DURATION_MS / EVERY.scanEveryMs, fix: DURATION_MS / EVERY.fixEveryMs, plan: 2 };
    const expected: Record<string, number> = {
      '/map/buildings': 1, '/map/paths': 1, '/robots/bodies': 1, '/tf': ROBOTS.length * perRobot.pose, '/events': 3,
    };
    for (const r of ROBOTS) {
      Object.assign(expected, { [`/${r}/pose`]: perRobot.pose, [`/${r}/fix`]: perRobot.fix, [`/${r}/scan`]: perRobot.scan, [`/${r}/plan`]: perRobot.plan });
    }
    const read: Record<string, number> = {};
    for await (const m of reader.readMessages()) read[topicOf(m.channelId)] = (read[topicOf(m.channelId)] ?? 0) + 1;
    expect(read).toEqual(expected);
    const stats: Record<string, number> = {};
    for (const [id, n] of reader.statistics!.channelMessageCounts) stats[topicOf(id)] = Number(n);
    expect(stats).toEqual(expected);
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    expect(Number(reader.statistics!.messageCount)).toBe(total);
    expect(written.summary.messages).toBe(total);
    expect(written.poses.get('R1')).toHaveLength(perRobot.pose);
  });

  it('spans the simulated time of the run, in nanoseconds', () => {
    expect(reader.statistics!.messageStartTime).toBe(nsFromMs(T0));
    expect(reader.statistics!.messageEndTime).toBe(nsFromMs(T0 + DURATION_MS - TICK_MS));
    expect(written.summary.startNs).toBe(nsFromMs(T0));
    expect(written.summary.endNs).toBe(nsFromMs(T0 + DURATION_MS - TICK_MS));
  });

  it('decodes a LaserScan with the ranges, angles, frame and time that were recorded', async () => {
    const kept = written.scans.get('R2')!;
    const sample = kept.find((s) => s.ranges.some(Number.isFinite) && s.ranges.some((r) => !Number.isFinite(r)));
    expect(sample, 'the run should produce a scan with both hits and no-returns').toBeDefined();
    const tNs = nsFromMs(sample!.tMs);
    const msgs = [];
    for await (const m of reader.readMessages({ topics: ['/R2/scan'], startTime: tNs, endTime: tNs })) msgs.push(decode<LaserScanMsg>(m.data));
    expect(msgs).toHaveLength(1);
    const scan = msgs[0]!;
    expect(scan.frame_id).toBe('R2/base_link');
    expect(scan.timestamp).toEqual({ sec: Math.floor(sample!.tMs / 1000), nsec: (sample!.tMs % 1000) * 1e6 });
    expect(scan.start_angle).toBe(sample!.angleMin);
    expect(scan.end_angle).toBeCloseTo(sample!.angleMin + sample!.increment * (sample!.ranges.length - 1), 12);
    expect(scan.ranges).toHaveLength(sample!.ranges.length);
    sample!.ranges.forEach((r, i) => {
      if (Number.isFinite(r) && r <= sample!.rangeMax) expect(Math.abs(scan.ranges[i]! - r)).toBeLessThanOrEqual(0.0005);
      else expect(scan.ranges[i]).toBeNull();
    });
  });

  it('decodes poses in map whose yaw is the recorded heading', async () => {
    const want = written.poses.get('R2')!;
    const got: PoseInFrameMsg[] = [];
    for await (const m of reader.readMessages({ topics: ['/R2/pose'] })) got.push(decode<PoseInFrameMsg>(m.data));
    expect(got).toHaveLength(want.length);
    got.forEach((p, i) => {
      expect(p.frame_id).toBe('map');
      expect(p.pose.position.x).toBeCloseTo(want[i]!.x, 3);
      expect(yawFromQuaternion(p.pose.orientation)).toBeCloseTo(want[i]!.theta, 5);
    });
  });

  it('writes records in log-time order, in chunks, with a summary and indexes that seek', async () => {
    const bytes = await readFile(path);
    const stream = new McapStreamReader();
    stream.append(bytes);
    let last = -1n;
    let messages = 0;
    for (let rec = stream.nextRecord(); rec !== undefined; rec = stream.nextRecord()) {
      if (rec.type !== 'Message') continue;
      expect(rec.logTime >= last).toBe(true);
      last = rec.logTime;
      messages++;
    }
    expect(stream.done()).toBe(true);
    expect(messages).toBe(written.summary.messages);
    const outer = new McapStreamReader({ includeChunks: true });
    outer.append(bytes);
    const kinds = new Set<string>();
    for (let rec = outer.nextRecord(); rec !== undefined; rec = outer.nextRecord()) kinds.add(rec.type);
    expect([...kinds]).toEqual(expect.arrayContaining(['Header', 'Chunk', 'MessageIndex', 'ChunkIndex', 'Statistics', 'SummaryOffset', 'Metadata', 'Footer']));
    expect(reader.chunkIndexes.length).toBeGreaterThan(3);
    expect(reader.summaryOffsetsByOpcode.size).toBeGreaterThan(0);
    const mid = nsFromMs(T0 + 20_000);
    let n = 0;
    for await (const m of reader.readMessages({ topics: ['/R1/pose'], startTime: mid })) {
      expect(m.logTime >= mid).toBe(true);
      n++;
    }
    expect(n).toBe((DURATION_MS - 20_000) / EVERY.poseEveryMs);
    const meta = [];
    for await (const m of reader.readMetadata({ name: 'campus-fleet.run' })) meta.push(m.metadata);
    expect(meta[0]?.get('seed')).toBe('7');
    expect(meta[0]?.get('campus')).toBe(campus.name);
  });

  it('is deterministic: the same run gives a byte-identical file, however often it is flushed', async () => {
    const again = join(dir, 'again.mcap');
    await recordRun(again);
    expect((await readFile(again)).equals(await readFile(path))).toBe(true);
    const flushed = join(dir, 'flushed.mcap');
    await recordRun(flushed, 7);
    expect((await readFile(flushed)).equals(await readFile(path))).toBe(true);
  });

  it('rejects bad input with a clear RecordError and keeps the file usable', async () => {
    const p = join(dir, 'bad.mcap');
    const rec = await McapRecorder.open(p, { campus, robots: ['R1'] });
    const fail = (fn: () => unknown): RecordError => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(RecordError);
        return e as RecordError;
      }
      throw new Error('expected a RecordError');
    };
    const nan = fail(() => rec.pose('R1', T0, { x: NaN, y: 0, theta: 0 }));
    expect(nan.code).toBe('RECORD_BAD_INPUT');
    expect(nan.message).toMatch(/pose\(R1.*x must be a finite number, got NaN/);
    expect(fail(() => rec.pose('R9', T0, { x: 0, y: 0, theta: 0 })).message).toMatch(/robot "R9" was not listed/);
    expect(fail(() => rec.plan('R1', T0, [{ x: 0, y: Infinity }])).message).toMatch(/points\[0\]\.y/);
    expect(rec.pose('R1', T0 + 1000, { x: 1, y: 2, theta: 0 })).toBe(true);
    expect(fail(() => rec.event(T0, 'info', 'late')).code).toBe('RECORD_TIME_BACKWARDS');
    const summary = await rec.close();
    expect(fail(() => rec.event(T0 + 2000, 'info', 'after close')).code).toBe('RECORD_CLOSED');
    const { reader: r, close } = await openIndexed(p);
    expect(Number(r.statistics!.messageCount)).toBe(summary.messages);
    await close();
    await expect(McapRecorder.open(join(dir, 'x.mcap'), { campus, robots: ['a/b'] })).rejects.toThrow(/serial "a\/b"/);
    await expect(McapRecorder.open(join(dir, 'missing', 'x.mcap'), { campus, robots: ['R1'] })).rejects.toMatchObject({ code: 'RECORD_IO' });
  });
});
