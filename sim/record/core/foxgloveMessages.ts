/**
 * Builders from plain simulator data to Foxglove JSON messages. Numbers are rounded to what the data can hold
 * (positions to the millimetre, LiDAR ranges to `rangeDecimals`): JSON of raw doubles and float32 ranges is two to
 * three times larger and the extra digits are noise.
 */
import type { Pose2, Vec2 } from '../../../maps/core/types.ts';
import { quaternionFromYaw } from './quaternionFromYaw.ts';
import type { Quaternion } from './quaternionFromYaw.ts';
import { timeFromNs } from './simTime.ts';
import type { FoxgloveTime } from './simTime.ts';
import { baseLinkFrame, MAP_FRAME } from './topics.ts';

export interface Vector3 { x: number; y: number; z: number }
export interface FoxglovePose { position: Vector3; orientation: Quaternion }
export interface Color { r: number; g: number; b: number; a: number }

export interface PoseInFrameMsg { timestamp: FoxgloveTime; frame_id: string; pose: FoxglovePose }
export interface FrameTransformMsg {
  timestamp: FoxgloveTime;
  parent_frame_id: string;
  child_frame_id: string;
  translation: Vector3;
  rotation: Quaternion;
}
export interface LocationFixMsg {
  timestamp: FoxgloveTime;
  frame_id: string;
  latitude: number;
  longitude: number;
  altitude: number;
  position_covariance: number[];
  position_covariance_type: number;
}
/** `ranges` null = no return (ROS +Infinity, which JSON cannot carry). */
export interface LaserScanMsg {
  timestamp: FoxgloveTime;
  frame_id: string;
  pose: FoxglovePose;
  start_angle: number;
  end_angle: number;
  ranges: (number | null)[];
  intensities: number[];
}
export interface LogMsg { timestamp: FoxgloveTime; level: number; message: string; name: string; file: string; line: number }
export interface LinePrimitive {
  type: 0 | 1 | 2;
  pose: FoxglovePose;
  thickness: number;
  scale_invariant: boolean;
  points: Vector3[];
  color: Color;
  colors: Color[];
  indices: number[];
}
export interface CubePrimitive { pose: FoxglovePose; size: Vector3; color: Color }
export interface SceneEntity {
  timestamp: FoxgloveTime;
  frame_id: string;
  id: string;
  lifetime: FoxgloveTime;
  frame_locked: boolean;
  metadata: { key: string; value: string }[];
  cubes: CubePrimitive[];
  lines: LinePrimitive[];
}
export interface SceneUpdateMsg {
  deletions: { timestamp: FoxgloveTime; type: 0 | 1; id: string }[];
  entities: SceneEntity[];
}

/** Foxglove LineType values. */
export const LINE_STRIP = 0;
export const LINE_LOOP = 1;
export const LINE_LIST = 2;

/** Log levels a simulated run reports, mapped onto foxglove.LogLevel. */
export type EventLevel = 'debug' | 'info' | 'warning' | 'error';
const LOG_LEVEL: Readonly<Record<EventLevel, number>> = { debug: 1, info: 2, warning: 3, error: 4 };

/** What the recorder needs of a CampusMap; a CampusMap satisfies it. */
export interface RecordCampus {
  name: string;
  frame: { toLonLat(point: Readonly<Vec2>): [number, number] };
  obstacleRings: ReadonlyArray<{ kind: 'building' | 'water' | 'wall'; id: string; ring: ReadonlyArray<Vec2> }>;
  graph: { edgeCount: number; geomOffset: ArrayLike<number>; geomX: ArrayLike<number>; geomY: ArrayLike<number> };
}

const round = (v: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};
const mm = (v: number): number => round(v, 3);
const ZERO_TIME: FoxgloveTime = { sec: 0, nsec: 0 };
const IDENTITY_POSE: FoxglovePose = { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };

function poseOf(p: Pose2, z = 0): FoxglovePose {
  const q = quaternionFromYaw(p.theta);
  return {
    position: { x: mm(p.x), y: mm(p.y), z },
    orientation: { x: 0, y: 0, z: round(q.z, 6), w: round(q.w, 6) },
  };
}

/** The robot's pose in the `map` frame. */
export function buildPoseInFrame(tNs: bigint, pose: Pose2): PoseInFrameMsg {
  return { timestamp: timeFromNs(tNs), frame_id: MAP_FRAME, pose: poseOf(pose) };
}

/** map → `<serial>/base_link`, so scans and body cubes in the robot frame follow the robot. */
export function buildFrameTransform(tNs: bigint, serial: string, pose: Pose2): FrameTransformMsg {
  const p = poseOf(pose);
  return {
    timestamp: timeFromNs(tNs), parent_frame_id: MAP_FRAME, child_frame_id: baseLinkFrame(serial),
    translation: p.position, rotation: p.orientation,
  };
}

/** The robot's true position as lon/lat for Foxglove's Map panel (covariance unknown: this is ground truth). */
export function buildLocationFix(tNs: bigint, serial: string, lonLat: readonly [number, number]): LocationFixMsg {
  return {
    timestamp: timeFromNs(tNs), frame_id: baseLinkFrame(serial),
    latitude: round(lonLat[1], 8), longitude: round(lonLat[0], 8), altitude: 0,
    position_covariance: [0, 0, 0, 0, 0, 0, 0, 0, 0], position_covariance_type: 0,
  };
}

/**
 * A LaserScan in the robot frame. Beams that are not finite or beyond `rangeMaxM` become null: Foxglove's schema
 * has no range limits, and REP 117's +Infinity has no JSON form.
 */
export function buildLaserScan(
  tNs: bigint, serial: string, ranges: ArrayLike<number>, angleMinRad: number, angleIncrementRad: number,
  rangeMaxM: number, options: { rangeDecimals?: number } = {},
): LaserScanMsg {
  const decimals = options.rangeDecimals ?? 3;
  const out: (number | null)[] = new Array<number | null>(ranges.length);
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i]!;
    out[i] = Number.isFinite(r) && r <= rangeMaxM ? round(r, decimals) : null;
  }
  return {
    timestamp: timeFromNs(tNs), frame_id: baseLinkFrame(serial), pose: IDENTITY_POSE,
    start_angle: angleMinRad, end_angle: angleMinRad + angleIncrementRad * Math.max(0, ranges.length - 1),
    ranges: out, intensities: [],
  };
}

/** An event (delivery, collision, …) for Foxglove's Log panel. */
export function buildLog(tNs: bigint, level: EventLevel, text: string, name = 'sim'): LogMsg {
  return { timestamp: timeFromNs(tNs), level: LOG_LEVEL[level], message: text, name, file: '', line: 0 };
}

function entity(tNs: bigint, id: string, frameId: string, parts: { lines?: LinePrimitive[]; cubes?: CubePrimitive[]; frameLocked?: boolean }): SceneEntity {
  return {
    timestamp: timeFromNs(tNs), frame_id: frameId, id, lifetime: ZERO_TIME, frame_locked: parts.frameLocked ?? false,
    metadata: [], cubes: parts.cubes ?? [], lines: parts.lines ?? [],
  };
}

function line(type: 0 | 1 | 2, points: Vector3[], color: Color, thicknessM: number, indices: number[] = []): LinePrimitive {
  return { type, pose: IDENTITY_POSE, thickness: thicknessM, scale_invariant: false, points, color, colors: [], indices };
}

const BUILDING: Color = { r: 0.55, g: 0.58, b: 0.65, a: 1 };
const WATER: Color = { r: 0.25, g: 0.55, b: 0.9, a: 1 };
const WALL: Color = { r: 0.35, g: 0.3, b: 0.25, a: 1 };
const PATH: Color = { r: 0.85, g: 0.8, b: 0.6, a: 0.8 };
const PLAN: Color = { r: 0.1, g: 0.8, b: 0.3, a: 1 };
const ROBOT: Color = { r: 0.95, g: 0.45, b: 0.1, a: 1 };

/** Building, water and wall outlines as line loops (walls as strips), one entity per kind, in `map`. */
export function buildObstaclesUpdate(tNs: bigint, campus: RecordCampus): SceneUpdateMsg {
  const byKind = { building: [] as LinePrimitive[], water: [] as LinePrimitive[], wall: [] as LinePrimitive[] };
  for (const o of campus.obstacleRings) {
    const points = o.ring.map((p) => ({ x: mm(p.x), y: mm(p.y), z: 0 }));
    if (o.kind === 'wall') byKind.wall.push(line(LINE_STRIP, points, WALL, 0.3));
    else byKind[o.kind].push(line(LINE_LOOP, points, o.kind === 'building' ? BUILDING : WATER, 0.4));
  }
  return {
    deletions: [],
    entities: (['building', 'water', 'wall'] as const)
      .filter((k) => byKind[k].length > 0)
      .map((k) => entity(tNs, `${k}s`, MAP_FRAME, { lines: byKind[k] })),
  };
}

/** The robot path network as one indexed line list (each vertex written once), in `map`. */
export function buildPathsUpdate(tNs: bigint, campus: RecordCampus): SceneUpdateMsg {
  const g = campus.graph;
  const points: Vector3[] = [];
  const indices: number[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const from = g.geomOffset[e]!;
    const to = g.geomOffset[e + 1]!;
    const base = points.length;
    for (let i = from; i < to; i++) points.push({ x: mm(g.geomX[i]!), y: mm(g.geomY[i]!), z: 0 });
    for (let i = 1; i < to - from; i++) indices.push(base + i - 1, base + i);
  }
  return { deletions: [], entities: [entity(tNs, 'paths', MAP_FRAME, { lines: [line(LINE_LIST, points, PATH, 0.25, indices)] })] };
}

/** The robot's planned path as a line strip in `map`; an empty plan deletes the previous one. */
export function buildPlanUpdate(tNs: bigint, serial: string, points: ReadonlyArray<Vec2>): SceneUpdateMsg {
  const id = `${serial}/plan`;
  if (points.length < 2) return { deletions: [{ timestamp: timeFromNs(tNs), type: 0, id }], entities: [] };
  const pts = points.map((p) => ({ x: mm(p.x), y: mm(p.y), z: 0.05 }));
  return { deletions: [], entities: [entity(tNs, id, MAP_FRAME, { lines: [line(LINE_STRIP, pts, PLAN, 0.15)] })] };
}

/** Each robot as a box in its own frame, sent once: `frame_locked` makes it follow the robot's /tf. */
export function buildRobotBodiesUpdate(tNs: bigint, serials: readonly string[], size: { lengthM: number; widthM: number; heightM: number }): SceneUpdateMsg {
  return {
    deletions: [],
    entities: serials.map((s) => entity(tNs, s, baseLinkFrame(s), {
      frameLocked: true,
      cubes: [{
        pose: { position: { x: 0, y: 0, z: size.heightM / 2 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
        size: { x: size.lengthM, y: size.widthM, z: size.heightM }, color: ROBOT,
      }],
    })),
  };
}
