/** sim/record: record a simulated run as an MCAP file playable in Foxglove. See docs/sim-recording.md. */
export { DayRecording } from './DayRecording.ts';
export type { DayRecordingOptions } from './DayRecording.ts';
export { McapRecorder } from './McapRecorder.ts';
export type { McapRecorderOptions, RecordingSummary } from './McapRecorder.ts';
export { FileReadable } from './adapters/FileReadable.ts';
export { FileWritable } from './adapters/FileWritable.ts';
export { Decimator } from './core/Decimator.ts';
export {
  buildFrameTransform, buildLaserScan, buildLocationFix, buildLog, buildObstaclesUpdate, buildPathsUpdate,
  buildPlanUpdate, buildPoseInFrame, buildRobotBodiesUpdate, LINE_LIST, LINE_LOOP, LINE_STRIP,
} from './core/foxgloveMessages.ts';
export type {
  EventLevel, FrameTransformMsg, LaserScanMsg, LocationFixMsg, LogMsg, PoseInFrameMsg, RecordCampus, SceneUpdateMsg,
} from './core/foxgloveMessages.ts';
export { FOXGLOVE_SCHEMAS, jsonSchemaBytes } from './core/foxgloveSchemas.ts';
export type { FoxgloveSchemaName } from './core/foxgloveSchemas.ts';
export { quaternionFromYaw, yawFromQuaternion } from './core/quaternionFromYaw.ts';
export type { Quaternion } from './core/quaternionFromYaw.ts';
export { RecordError } from './core/RecordError.ts';
export type { RecordErrorCode } from './core/RecordError.ts';
export { nsFromMs, timeFromNs } from './core/simTime.ts';
export type { FoxgloveTime } from './core/simTime.ts';
export {
  baseLinkFrame, MAP_FRAME, robotTopics, TOPIC_BUILDINGS, TOPIC_EVENTS, TOPIC_PATHS, TOPIC_ROBOT_BODIES, TOPIC_TF,
} from './core/topics.ts';
