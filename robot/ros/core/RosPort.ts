/**
 * The ROS 2 port every robot node is written against. Its shape follows rclnodejs (createPublisher,
 * createSubscription, createTimer, declareParameter, getParameter, addOnSetParametersCallback, getLogger, getClock,
 * destroy) so the rclnodejs adapter is a thin mapping, and the in-process bus runs the same node code in the
 * simulator and in tests.
 *
 * Deliberate differences from rclnodejs, each to keep node code simple and adapter-neutral:
 * - `createSubscription(type, topic, callback, qos?)` takes the callback before the optional QoS.
 * - `createTimer(periodMs, …)` takes milliseconds as a number, not nanoseconds as a bigint.
 * - `setParameters` is atomic and returns one result (rclnodejs calls that `setParametersAtomically`).
 * - `getClock()` returns the project's `Clock`, so anything that takes a Clock (managers, pure functions' `now`)
 *   runs on ROS time on a robot and on virtual time in the simulator.
 */
import type { Clock } from '../../../clock/index.ts';
import { AppError } from '../../../common/core/AppError.ts';
import type { Msg, MsgTypeName, Time } from './types.ts';

/** QoS in ROS terms. `depth` is keep-last history; `transient_local` replays it to late-joining subscribers. */
export interface QosProfile {
  depth?: number;
  reliability?: 'reliable' | 'best_effort';
  durability?: 'volatile' | 'transient_local';
}

export interface Publisher<T extends MsgTypeName> {
  readonly type: T;
  /** Fully resolved topic name, e.g. '/r1/cmd_vel'. */
  readonly topic: string;
  publish(msg: Msg<T>): void;
}

export interface Subscription {
  readonly type: MsgTypeName;
  readonly topic: string;
}

export interface RosTimer {
  readonly periodMs: number;
  cancel(): void;
  isCanceled(): boolean;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  fatal(message: string): void;
}

/** ROS 2 parameter types (rcl_interfaces/msg/ParameterType without the byte array). */
export type ParameterType =
  | 'bool'
  | 'integer'
  | 'double'
  | 'string'
  | 'bool_array'
  | 'integer_array'
  | 'double_array'
  | 'string_array';

export type ParameterValue = boolean | number | string | boolean[] | number[] | string[];

export interface Parameter {
  name: string;
  type: ParameterType;
  value: ParameterValue;
}

export interface ParameterDescriptor {
  name: string;
  type: ParameterType;
  description?: string;
  readOnly?: boolean;
}

/** rcl_interfaces/msg/SetParametersResult */
export interface SetParametersResult {
  successful: boolean;
  reason: string;
}

/** Called with the proposed changes before any is applied; one unsuccessful result rejects them all. */
export type OnSetParametersCallback = (params: readonly Parameter[]) => SetParametersResult;

export interface NodeOptions {
  /** ROS namespace, e.g. '/r1'; relative topics resolve under it. */
  namespace?: string;
  /** Values that win over declared defaults (what a params file gives this node). */
  parameterOverrides?: Readonly<Record<string, ParameterValue>>;
}

export interface RosNode {
  name(): string;
  namespace(): string;
  createPublisher<T extends MsgTypeName>(type: T, topic: string, qos?: QosProfile): Publisher<T>;
  createSubscription<T extends MsgTypeName>(
    type: T,
    topic: string,
    callback: (msg: Msg<T>) => void,
    qos?: QosProfile,
  ): Subscription;
  /** Calls `callback` every `periodMs` on this node's clock. */
  createTimer(periodMs: number, callback: () => void): RosTimer;
  destroyPublisher(publisher: Publisher<MsgTypeName>): void;
  destroySubscription(subscription: Subscription): void;
  destroyTimer(timer: RosTimer): void;
  /**
   * Declares a parameter and returns its value: the override if one was given, else `defaultValue`. A parameter
   * with neither throws `RosPortError` code ROS_PARAMETER_REQUIRED.
   */
  declareParameter(descriptor: ParameterDescriptor, defaultValue?: ParameterValue): ParameterValue;
  hasParameter(name: string): boolean;
  /** Throws ROS_PARAMETER_NOT_DECLARED for an undeclared name. */
  getParameter(name: string): Parameter;
  /** Validates every change (type, read-only, callbacks) and applies all or none. */
  setParameters(params: ReadonlyArray<{ name: string; value: ParameterValue }>): SetParametersResult;
  addOnSetParametersCallback(callback: OnSetParametersCallback): void;
  removeOnSetParametersCallback(callback: OnSetParametersCallback): void;
  getLogger(): Logger;
  getClock(): Clock;
  /** Current time as a ROS stamp. */
  now(): Time;
  destroy(): void;
}

export interface RosContext {
  /** Which adapter this is, for logs: 'in-process' or 'rclnodejs'. */
  readonly adapterName: string;
  createNode(name: string, options?: NodeOptions): RosNode;
  /** Destroys every node and releases the middleware. */
  shutdown(): Promise<void>;
}

export type RosPortErrorCode =
  | 'ROS_PARAMETER_REQUIRED'
  | 'ROS_PARAMETER_NOT_DECLARED'
  | 'ROS_PARAMETER_ALREADY_DECLARED'
  | 'ROS_PARAMETER_INVALID'
  | 'ROS_TOPIC_TYPE_MISMATCH'
  | 'ROS_INVALID_NAME'
  | 'ROS_NODE_DESTROYED'
  | 'ROS_ADAPTER_UNAVAILABLE';

/** A fault in how the port is used (bad name, missing parameter, type clash) or in loading an adapter. */
export class RosPortError extends AppError {
  constructor(code: RosPortErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
