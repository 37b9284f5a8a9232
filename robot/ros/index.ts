/**
 * robot/ros: the ROS 2 port the robot's nodes are written against, its two adapters, and the helpers every node
 * uses (message types and conversions, parameter tables, lifecycle). Node code imports from here only.
 */
export type {
  Logger,
  LogLevel,
  NodeOptions,
  OnSetParametersCallback,
  Parameter,
  ParameterDescriptor,
  ParameterType,
  ParameterValue,
  Publisher,
  QosProfile,
  RosContext,
  RosNode,
  RosPortErrorCode,
  RosTimer,
  SetParametersResult,
  Subscription,
} from './core/RosPort.ts';
export { RosPortError } from './core/RosPort.ts';
export type * from './core/types.ts';
export { NAV_SAT } from './core/types.ts';
export {
  diagonalCovariance,
  makeHeader,
  makeTwist,
  msToStamp,
  normalizeAngle,
  quaternionToYaw,
  setStamp,
  setYawQuaternion,
  stampToMs,
  yawToQuaternion,
} from './core/messageHelpers.ts';
export { normalizeNamespace, resolveTopicName } from './core/resolveTopicName.ts';
export { InProcessBus } from './core/InProcessBus.ts';
export type { InProcessBusOptions, InProcessBusStats, LogEntry } from './core/InProcessBus.ts';
export { LifecycleNode } from './core/LifecycleNode.ts';
export type {
  CallbackReturn,
  LifecycleCallbacks,
  LifecyclePublisher,
  LifecycleState,
  LifecycleTransition,
  TransitionResult,
} from './core/LifecycleNode.ts';
export { declareParams, defineParams, describeParams, inRange } from './core/params.ts';
export type { DeclareParamsOptions, ParamsHandle, ParamsOf, ParamSpec, ParamSpecOf, ParamTable, ValueOf } from './core/params.ts';
export { parseParamsYaml, paramsForNode, ParamsFileError } from './core/parseParamsYaml.ts';
export type { ParamsFile } from './core/parseParamsYaml.ts';
export { createRosContext } from './adapters/createRosContext.ts';
export type { ChosenRosContext, CreateRosContextOptions } from './adapters/createRosContext.ts';
export { loadParamsFile } from './adapters/loadParamsFile.ts';
export { loadRclnodejs, RclnodejsContext, RCLNODEJS_UNAVAILABLE } from './adapters/RclnodejsAdapter.ts';
export type { RclnodejsAvailability } from './adapters/RclnodejsAdapter.ts';
