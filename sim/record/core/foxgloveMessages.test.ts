import { describe, expect, it } from 'vitest';
import {
  buildFrameTransform, buildLaserScan, buildLocationFix, buildLog, buildObstaclesUpdate, buildPathsUpdate,
  buildPlanUpdate, buildPoseInFrame, LINE_LIST, LINE_LOOP, LINE_STRIP,
} from './foxgloveMessages.ts';
import type { RecordCampus } from './foxgloveMessages.ts';
import { FOXGLOVE_SCHEMAS, jsonSchemaBytes } from './foxgloveSchemas.ts';
import { quaternionFromYaw, yawFromQuaternion } from './quaternionFromYaw.ts';
import { nsFromMs, timeFromNs } from './simTime.ts';

const campus: RecordCampus = {
  name: 'tiny',
  frame: { toLonLat: (p) => [120 + p.x / 1e5, 30 + p.y / 1e5] },
  obstacleRings: [
    { kind: 'building', id: 'b1', ring: [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 5 }] },
    { kind: 'wall', id: 'w1', ring: [{ x: -5, y: 0 }, { x: -5, y: 8 }] },
  ],
  // Two edges: a 3-vertex polyline and a 2-vertex one.
  graph: { edgeCount: 2, geomOffset: [0, 3, 5], geomX: [0, 5, 10, 10, 20], geomY: [0, 1, 0, 0, 0] },
};

describe('simTime', () => {
  it('converts epoch ms (with fractions) to ns and to {sec, nsec} without precision loss', () => {
    const tMs = 1_767_225_600_123.25; // 2026-01-01T00:00:00.123250Z
    const ns = nsFromMs(tMs);
    expect(ns).toBe(1_767_225_600_123_250_000n);
    expect(timeFromNs(ns)).toEqual({ sec: 1_767_225_600, nsec: 123_250_000 });
  });
});

describe('quaternionFromYaw', () => {
  it('is a unit rotation about z that round-trips through yawFromQuaternion', () => {
    for (const yaw of [0, 0.5, Math.PI / 2, -2.5, Math.PI - 1e-9]) {
      const q = quaternionFromYaw(yaw);
      expect(Math.hypot(q.x, q.y, q.z, q.w)).toBeCloseTo(1, 12);
      expect(yawFromQuaternion(q)).toBeCloseTo(yaw, 9);
    }
    const quarter = quaternionFromYaw(Math.PI / 2);
    expect([quarter.x, quarter.y]).toEqual([0, 0]);
    expect(quarter.z).toBeCloseTo(Math.SQRT1_2, 12);
    expect(quarter.w).toBeCloseTo(Math.SQRT1_2, 12);
  });
});

describe('message builders', () => {
  const tNs = nsFromMs(1000.5);

  it('poses and transforms place the robot in map, rounded to the millimetre', () => {
    const pose = { x: 12.34567, y: -3.2, theta: 1 };
    const msg = buildPoseInFrame(tNs, pose);
    expect(msg.frame_id).toBe('map');
    expect(msg.timestamp).toEqual({ sec: 1, nsec: 500_000 });
    expect(msg.pose.position).toEqual({ x: 12.346, y: -3.2, z: 0 });
    expect(yawFromQuaternion(msg.pose.orientation)).toBeCloseTo(1, 5);
    const tf = buildFrameTransform(tNs, 'R7', pose);
    expect(tf).toMatchObject({ parent_frame_id: 'map', child_frame_id: 'R7/base_link', translation: msg.pose.position, rotation: msg.pose.orientation });
  });

  it('a fix carries lon/lat from the campus frame', () => {
    const fix = buildLocationFix(tNs, 'R1', campus.frame.toLonLat({ x: 100, y: 200 }));
    expect(fix.longitude).toBeCloseTo(120.001, 9);
    expect(fix.latitude).toBeCloseTo(30.002, 9);
    expect(fix.position_covariance).toHaveLength(9);
  });

  it('a scan maps no-return beams (Infinity, NaN, beyond range) to null and spans start to end angle', () => {
    const ranges = new Float32Array([1.23456, Infinity, NaN, 12, 9.9999]);
    const scan = buildLaserScan(tNs, 'R1', ranges, -Math.PI, 0.5, 10);
    expect(scan.frame_id).toBe('R1/base_link');
    expect(scan.ranges).toEqual([1.235, null, null, null, 10]);
    expect(scan.start_angle).toBe(-Math.PI);
    expect(scan.end_angle).toBeCloseTo(-Math.PI + 2, 12);
    expect(JSON.parse(JSON.stringify(scan))).toEqual(scan); // nothing JSON cannot carry
  });

  it('outlines: buildings as loops, walls as strips; paths as one indexed line list', () => {
    const obstacles = buildObstaclesUpdate(tNs, campus);
    expect(obstacles.entities.map((e) => e.id)).toEqual(['buildings', 'walls']);
    expect(obstacles.entities[0]!.lines[0]!.type).toBe(LINE_LOOP);
    expect(obstacles.entities[1]!.lines[0]!.type).toBe(LINE_STRIP);
    const paths = buildPathsUpdate(tNs, campus).entities[0]!.lines[0]!;
    expect(paths.type).toBe(LINE_LIST);
    expect(paths.points).toHaveLength(5);
    expect(paths.indices).toEqual([0, 1, 1, 2, 3, 4]);
  });

  it('a plan is a strip in map; an empty plan deletes the previous one by id', () => {
    const plan = buildPlanUpdate(tNs, 'R2', [{ x: 0, y: 0 }, { x: 3, y: 4 }]);
    expect(plan.entities[0]).toMatchObject({ id: 'R2/plan', frame_id: 'map' });
    expect(plan.entities[0]!.lines[0]!.points).toHaveLength(2);
    const cleared = buildPlanUpdate(tNs, 'R2', []);
    expect(cleared.entities).toEqual([]);
    expect(cleared.deletions).toEqual([{ timestamp: timeFromNs(tNs), type: 0, id: 'R2/plan' }]);
  });

  it('log levels follow foxglove.LogLevel', () => {
    expect(buildLog(tNs, 'warning', 'near miss').level).toBe(3);
    expect(buildLog(tNs, 'error', 'collision').level).toBe(4);
  });
});

describe('FOXGLOVE_SCHEMAS', () => {
  it('each schema is titled with the name Foxglove recognises and serialises as JSON', () => {
    for (const name of Object.keys(FOXGLOVE_SCHEMAS) as (keyof typeof FOXGLOVE_SCHEMAS)[]) {
      const parsed = JSON.parse(new TextDecoder().decode(jsonSchemaBytes(name))) as { title: string; type: string };
      expect(parsed.title).toBe(name);
      expect(parsed.type).toBe('object');
    }
  });
});
