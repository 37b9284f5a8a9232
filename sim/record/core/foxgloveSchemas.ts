/**
 * JSON Schemas for the Foxglove message types the recorder writes, written from the field lists documented at
 * docs.foxglove.dev/docs/visualization/message-schemas. Foxglove recognises a channel by the schema *name*
 * (`foxglove.LaserScan`, …) with encoding `jsonschema`; the schema body documents the fields for other readers, so
 * each lists only the fields this project fills (all Foxglove fields are optional in JSON).
 */

/** The Foxglove message types the recorder uses. */
export type FoxgloveSchemaName =
  | 'foxglove.PoseInFrame'
  | 'foxglove.LaserScan'
  | 'foxglove.FrameTransform'
  | 'foxglove.LocationFix'
  | 'foxglove.SceneUpdate'
  | 'foxglove.Log';

type JsonSchema = Record<string, unknown>;

const time: JsonSchema = {
  type: 'object',
  title: 'time',
  properties: { sec: { type: 'integer', minimum: 0 }, nsec: { type: 'integer', minimum: 0, maximum: 999_999_999 } },
};
const duration: JsonSchema = {
  type: 'object',
  title: 'duration',
  properties: { sec: { type: 'integer' }, nsec: { type: 'integer', minimum: 0, maximum: 999_999_999 } },
};
const xyz = (title: string): JsonSchema => ({
  title, type: 'object', properties: { x: { type: 'number' }, y: { type: 'number' }, z: { type: 'number' } },
});
const quaternion: JsonSchema = {
  title: 'foxglove.Quaternion',
  type: 'object',
  properties: { x: { type: 'number' }, y: { type: 'number' }, z: { type: 'number' }, w: { type: 'number' } },
};
const pose: JsonSchema = {
  title: 'foxglove.Pose', type: 'object', properties: { position: xyz('foxglove.Vector3'), orientation: quaternion },
};
const color: JsonSchema = {
  title: 'foxglove.Color',
  type: 'object',
  properties: { r: { type: 'number' }, g: { type: 'number' }, b: { type: 'number' }, a: { type: 'number' } },
};
const enumOf = (title: string, names: readonly string[]): JsonSchema => ({
  title, oneOf: names.map((name, i) => ({ title: name, const: i })),
});

const linePrimitive: JsonSchema = {
  title: 'foxglove.LinePrimitive',
  type: 'object',
  properties: {
    type: enumOf('foxglove.LineType', ['LINE_STRIP', 'LINE_LOOP', 'LINE_LIST']),
    pose,
    thickness: { type: 'number' },
    scale_invariant: { type: 'boolean' },
    points: { type: 'array', items: xyz('foxglove.Point3') },
    color,
    colors: { type: 'array', items: color },
    indices: { type: 'array', items: { type: 'integer', minimum: 0 } },
  },
};
const cubePrimitive: JsonSchema = {
  title: 'foxglove.CubePrimitive',
  type: 'object',
  properties: { pose, size: xyz('foxglove.Vector3'), color },
};
const textPrimitive: JsonSchema = {
  title: 'foxglove.TextPrimitive',
  type: 'object',
  properties: {
    pose, billboard: { type: 'boolean' }, font_size: { type: 'number' }, scale_invariant: { type: 'boolean' },
    color, text: { type: 'string' },
  },
};
const sceneEntity: JsonSchema = {
  title: 'foxglove.SceneEntity',
  type: 'object',
  properties: {
    timestamp: time,
    frame_id: { type: 'string' },
    id: { type: 'string' },
    lifetime: duration,
    frame_locked: { type: 'boolean' },
    metadata: {
      type: 'array',
      items: { title: 'foxglove.KeyValuePair', type: 'object', properties: { key: { type: 'string' }, value: { type: 'string' } } },
    },
    cubes: { type: 'array', items: cubePrimitive },
    lines: { type: 'array', items: linePrimitive },
    texts: { type: 'array', items: textPrimitive },
  },
};

/** Schema bodies by name; `jsonSchemaBytes` serialises one for an MCAP Schema record. */
export const FOXGLOVE_SCHEMAS: Readonly<Record<FoxgloveSchemaName, JsonSchema>> = {
  'foxglove.PoseInFrame': {
    title: 'foxglove.PoseInFrame',
    description: 'A timestamped pose for an object or reference frame in 3D space',
    type: 'object',
    properties: { timestamp: time, frame_id: { type: 'string' }, pose },
  },
  'foxglove.LaserScan': {
    title: 'foxglove.LaserScan',
    description: 'A single scan from a planar laser range-finder; a null range is a beam with no return (+Infinity in ROS)',
    type: 'object',
    properties: {
      timestamp: time,
      frame_id: { type: 'string' },
      pose,
      start_angle: { type: 'number' },
      end_angle: { type: 'number' },
      ranges: { type: 'array', items: { type: ['number', 'null'] } },
      intensities: { type: 'array', items: { type: 'number' } },
    },
  },
  'foxglove.FrameTransform': {
    title: 'foxglove.FrameTransform',
    description: 'A transform between two reference frames in 3D space',
    type: 'object',
    properties: {
      timestamp: time,
      parent_frame_id: { type: 'string' },
      child_frame_id: { type: 'string' },
      translation: xyz('foxglove.Vector3'),
      rotation: quaternion,
    },
  },
  'foxglove.LocationFix': {
    title: 'foxglove.LocationFix',
    description: 'A navigation satellite fix for any Global Navigation Satellite System',
    type: 'object',
    properties: {
      timestamp: time,
      frame_id: { type: 'string' },
      latitude: { type: 'number' },
      longitude: { type: 'number' },
      altitude: { type: 'number' },
      position_covariance: { type: 'array', items: { type: 'number' }, minItems: 9, maxItems: 9 },
      position_covariance_type: enumOf('foxglove.PositionCovarianceType', ['UNKNOWN', 'APPROXIMATED', 'DIAGONAL_KNOWN', 'KNOWN']),
    },
  },
  'foxglove.SceneUpdate': {
    title: 'foxglove.SceneUpdate',
    description: 'An update to the entities displayed in a 3D scene',
    type: 'object',
    properties: {
      deletions: {
        type: 'array',
        items: {
          title: 'foxglove.SceneEntityDeletion',
          type: 'object',
          properties: { timestamp: time, type: enumOf('foxglove.SceneEntityDeletionType', ['MATCHING_ID', 'ALL']), id: { type: 'string' } },
        },
      },
      entities: { type: 'array', items: sceneEntity },
    },
  },
  'foxglove.Log': {
    title: 'foxglove.Log',
    description: 'A log message',
    type: 'object',
    properties: {
      timestamp: time,
      level: enumOf('foxglove.LogLevel', ['UNKNOWN', 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'FATAL']),
      message: { type: 'string' },
      name: { type: 'string' },
      file: { type: 'string' },
      line: { type: 'integer', minimum: 0 },
    },
  },
};

/** The schema body as UTF-8 JSON bytes, for an MCAP Schema record with encoding `jsonschema`. */
export function jsonSchemaBytes(name: FoxgloveSchemaName): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(FOXGLOVE_SCHEMAS[name]));
}
