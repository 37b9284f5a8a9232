/**
 * The rclnodejs adapter: maps the port onto a real ROS 2 graph. rclnodejs is an optional peer dependency (it needs
 * a sourced ROS 2 install to build), so it is loaded with a dynamic import only when ROS_DISTRO is set, and nothing
 * in this file touches it before `loadRclnodejs` succeeds.
 *
 * rclnodejs facts this mapping relies on (rclnodejs ≥ 0.27; docs at robotwebtools.github.io/rclnodejs):
 * - `init()` then `new Node(name, namespace)`; `spin(node)` runs its executor; `shutdown()` ends.
 * - `createPublisher(typeName, topic, { qos })`, `createSubscription(typeName, topic, { qos }, callback)`.
 * - `createTimer(period, callback)`: period is a bigint in nanoseconds since 0.31, a number of ms before it.
 * - Parameters: `declareParameter(new Parameter(name, ParameterType.X, value), new ParameterDescriptor(...))`,
 *   `getParameter(name).value`, `setParametersAtomically([Parameter])`, `addOnSetParametersCallback(cb)` whose
 *   callback returns `{ successful, reason }`; overrides from `--ros-args --params-file` are applied by rcl itself.
 * - `now()` returns a Time whose `secondsAndNanoseconds` is `{ seconds, nanoseconds }`; it honours use_sim_time.
 * This adapter has not been run against a live ROS 2 here (none is installed); the shared contract suite is what
 * checks it on a robot.
 */
import type { Clock, TimerHandle } from '../../../clock/index.ts';
import { checkParameterType } from '../core/parameterTypes.ts';
import { assertNodeName, normalizeNamespace, resolveTopicName } from '../core/resolveTopicName.ts';
import {
  RosPortError,
  type Logger,
  type NodeOptions,
  type OnSetParametersCallback,
  type Parameter,
  type ParameterDescriptor,
  type ParameterType,
  type ParameterValue,
  type Publisher,
  type QosProfile,
  type RosContext,
  type RosNode,
  type RosTimer,
  type SetParametersResult,
  type Subscription,
} from '../core/RosPort.ts';
import type { Msg, MsgTypeName, Time } from '../core/types.ts';

/* The slice of rclnodejs this adapter uses, typed loosely on purpose: the package is not installed here, and its own
   typings vary between releases. */
interface RclTime {
  secondsAndNanoseconds: { seconds: number; nanoseconds: number };
}
interface RclParameter {
  name: string;
  type: number;
  value: unknown;
}
interface RclTimer {
  cancel(): void;
  isCanceled(): boolean;
}
interface RclNode {
  createPublisher(type: string, topic: string, options?: object): { topic: string; publish(msg: unknown): void };
  createSubscription(type: string, topic: string, options: object, cb: (msg: unknown) => void): object;
  createTimer(period: bigint | number, cb: () => void): RclTimer;
  destroyPublisher(p: object): void;
  destroySubscription(s: object): void;
  destroyTimer(t: RclTimer): void;
  declareParameter(p: RclParameter, descriptor?: object, ignoreOverride?: boolean): RclParameter;
  hasParameter(name: string): boolean;
  getParameter(name: string): RclParameter | undefined;
  setParametersAtomically(params: RclParameter[]): SetParametersResult;
  addOnSetParametersCallback(cb: (params: RclParameter[]) => SetParametersResult): void;
  removeOnSetParametersCallback(cb: (params: RclParameter[]) => SetParametersResult): void;
  getLogger(): { debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string): void; fatal(m: string): void };
  now(): RclTime;
  destroy(): void;
}
export interface RclnodejsModule {
  init(...args: unknown[]): Promise<void>;
  shutdown(): void;
  spin(node: RclNode): void;
  Node: new (name: string, namespace?: string) => RclNode;
  Parameter: new (name: string, type: number, value: unknown) => RclParameter;
  ParameterDescriptor: new (name: string, type: number, description?: string, readOnly?: boolean) => object;
  ParameterType: Record<string, number>;
  QoS: new () => Record<string, unknown>;
}

export type RclnodejsAvailability = { ok: true; module: RclnodejsModule; reason: string } | { ok: false; reason: string };

/** Why the adapter is not available, in the words the tests and the start-up log use. */
export const RCLNODEJS_UNAVAILABLE = 'rclnodejs not installed / ROS_DISTRO not set';

/**
 * Loads rclnodejs if ROS 2 is sourced and the module resolves; otherwise says why not. Never throws.
 * `env` and `importer` exist for tests.
 */
export async function loadRclnodejs(
  env: Readonly<Record<string, string | undefined>> = process.env,
  importer: (name: string) => Promise<unknown> = (name) => import(name),
): Promise<RclnodejsAvailability> {
  const distro = env.ROS_DISTRO;
  if (!distro) return { ok: false, reason: `${RCLNODEJS_UNAVAILABLE} (ROS_DISTRO is not set: source /opt/ros/<distro>/setup.bash)` };
  try {
    // A variable specifier keeps TypeScript and bundlers from resolving the optional peer dependency up front.
    const specifier = 'rclnodejs';
    const imported = (await importer(specifier)) as { default?: RclnodejsModule } & Partial<RclnodejsModule>;
    const module = (imported.default ?? imported) as RclnodejsModule;
    if (typeof module.init !== 'function' || typeof module.Node !== 'function') {
      return { ok: false, reason: `${RCLNODEJS_UNAVAILABLE} (the 'rclnodejs' module does not look like rclnodejs)` };
    }
    return { ok: true, module, reason: `ROS_DISTRO=${distro} and rclnodejs resolves` };
  } catch (error) {
    return {
      ok: false,
      reason: `${RCLNODEJS_UNAVAILABLE} (ROS_DISTRO=${distro} but import('rclnodejs') failed: ${error instanceof Error ? error.message : String(error)})`,
    };
  }
}

const PARAM_TYPE_NAME: Record<ParameterType, string> = {
  bool: 'PARAMETER_BOOL',
  integer: 'PARAMETER_INTEGER',
  double: 'PARAMETER_DOUBLE',
  string: 'PARAMETER_STRING',
  bool_array: 'PARAMETER_BOOL_ARRAY',
  integer_array: 'PARAMETER_INTEGER_ARRAY',
  double_array: 'PARAMETER_DOUBLE_ARRAY',
  string_array: 'PARAMETER_STRING_ARRAY',
};

/** RosContext over rclnodejs. Create with `RclnodejsContext.create()` after `loadRclnodejs` succeeded. */
export class RclnodejsContext implements RosContext {
  readonly adapterName = 'rclnodejs';
  readonly #rcl: RclnodejsModule;
  readonly #nodes = new Set<RclnodejsNode>();

  private constructor(rcl: RclnodejsModule) {
    this.#rcl = rcl;
  }

  /** Initialises rclnodejs (reading `--ros-args` from argv, as rcl does) and returns a context. */
  static async create(rcl: RclnodejsModule): Promise<RclnodejsContext> {
    await rcl.init();
    return new RclnodejsContext(rcl);
  }

  createNode(name: string, options: NodeOptions = {}): RosNode {
    assertNodeName(name);
    const namespace = normalizeNamespace(options.namespace);
    const native = new this.#rcl.Node(name, namespace);
    const node = new RclnodejsNode(this.#rcl, native, name, namespace, options.parameterOverrides ?? {}, () =>
      this.#nodes.delete(node),
    );
    this.#nodes.add(node);
    this.#rcl.spin(native);
    return node;
  }

  async shutdown(): Promise<void> {
    for (const n of [...this.#nodes]) n.destroy();
    this.#rcl.shutdown();
  }
}

/** A Clock on the node's ROS time (sim time when use_sim_time is set), with timers from the node's executor. */
class RosTimeClock implements Clock {
  readonly #node: RclNode;
  #nextId = 1;
  readonly #timers = new Map<number, RclTimer>();

  constructor(node: RclNode) {
    this.#node = node;
  }

  now(): number {
    const { seconds, nanoseconds } = this.#node.now().secondsAndNanoseconds;
    return Number(seconds) * 1000 + Number(nanoseconds) / 1e6;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const id = this.#nextId++;
    const t = this.#node.createTimer(msToPeriod(Math.max(delayMs, 0.001)), () => {
      this.#clear(id);
      callback();
    });
    this.#timers.set(id, t);
    return { id };
  }

  setInterval(periodMs: number, callback: () => void): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, this.#node.createTimer(msToPeriod(periodMs), callback));
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#clear(handle.id);
  }

  #clear(id: number): void {
    const t = this.#timers.get(id);
    if (!t) return;
    this.#timers.delete(id);
    this.#node.destroyTimer(t);
  }
}

class RclnodejsNode implements RosNode {
  readonly #rcl: RclnodejsModule;
  readonly #native: RclNode;
  readonly #name: string;
  readonly #namespace: string;
  readonly #overrides: Readonly<Record<string, ParameterValue>>;
  readonly #onDestroy: () => void;
  readonly #clock: RosTimeClock;
  readonly #types = new Map<string, ParameterType>();
  readonly #wrapped = new Map<OnSetParametersCallback, (params: RclParameter[]) => SetParametersResult>();
  readonly #natives = new Map<object, object>();
  #destroyed = false;

  constructor(
    rcl: RclnodejsModule,
    native: RclNode,
    name: string,
    namespace: string,
    overrides: Readonly<Record<string, ParameterValue>>,
    onDestroy: () => void,
  ) {
    this.#rcl = rcl;
    this.#native = native;
    this.#name = name;
    this.#namespace = namespace;
    this.#overrides = overrides;
    this.#onDestroy = onDestroy;
    this.#clock = new RosTimeClock(native);
  }

  name(): string {
    return this.#name;
  }

  namespace(): string {
    return this.#namespace;
  }

  createPublisher<T extends MsgTypeName>(type: T, topic: string, qos?: QosProfile): Publisher<T> {
    const resolved = resolveTopicName(this.#namespace, this.#name, topic);
    const native = this.#native.createPublisher(type, resolved, { qos: this.#qos(qos) });
    const pub: Publisher<T> = { type, topic: resolved, publish: (msg: Msg<T>) => native.publish(msg) };
    this.#natives.set(pub, native);
    return pub;
  }

  createSubscription<T extends MsgTypeName>(
    type: T,
    topic: string,
    callback: (msg: Msg<T>) => void,
    qos?: QosProfile,
  ): Subscription {
    const resolved = resolveTopicName(this.#namespace, this.#name, topic);
    const native = this.#native.createSubscription(type, resolved, { qos: this.#qos(qos) }, (m) => callback(m as Msg<T>));
    const sub: Subscription = { type, topic: resolved };
    this.#natives.set(sub, native);
    return sub;
  }

  createTimer(periodMs: number, callback: () => void): RosTimer {
    const native = this.#native.createTimer(msToPeriod(periodMs), callback);
    const timer: RosTimer = { periodMs, cancel: () => native.cancel(), isCanceled: () => native.isCanceled() };
    this.#natives.set(timer, native);
    return timer;
  }

  destroyPublisher(publisher: Publisher<MsgTypeName>): void {
    const native = this.#natives.get(publisher);
    if (native) this.#native.destroyPublisher(native);
    this.#natives.delete(publisher);
  }

  destroySubscription(subscription: Subscription): void {
    const native = this.#natives.get(subscription);
    if (native) this.#native.destroySubscription(native);
    this.#natives.delete(subscription);
  }

  destroyTimer(timer: RosTimer): void {
    const native = this.#natives.get(timer) as RclTimer | undefined;
    if (native) this.#native.destroyTimer(native);
    this.#natives.delete(timer);
  }

  declareParameter(descriptor: ParameterDescriptor, defaultValue?: ParameterValue): ParameterValue {
    const { name, type } = descriptor;
    const typeId = this.#rcl.ParameterType[PARAM_TYPE_NAME[type]]!;
    // Overrides given in code win over the default; rcl applies params-file overrides inside declareParameter.
    const initial = Object.hasOwn(this.#overrides, name) ? this.#overrides[name] : defaultValue;
    const nativeDescriptor = new this.#rcl.ParameterDescriptor(name, typeId, descriptor.description ?? '', descriptor.readOnly ?? false);
    const placeholder = initial ?? emptyOf(type);
    const declared = this.#native.declareParameter(new this.#rcl.Parameter(name, typeId, toNative(type, placeholder)), nativeDescriptor);
    const value = fromNative(type, declared.value);
    this.#types.set(name, type);
    if (initial === undefined && isEmpty(value)) {
      throw new RosPortError(
        'ROS_PARAMETER_REQUIRED',
        `node ${this.#namespace}/${this.#name}: parameter '${name}' (${type}) is required and has no default; set it in the params file`,
      );
    }
    const problem = checkParameterType(type, value);
    if (problem) throw new RosPortError('ROS_PARAMETER_INVALID', `node ${this.#name}: parameter '${name}': ${problem}`);
    return value;
  }

  hasParameter(name: string): boolean {
    return this.#native.hasParameter(name);
  }

  getParameter(name: string): Parameter {
    const type = this.#types.get(name);
    const p = this.#native.getParameter(name);
    if (!type || !p) throw new RosPortError('ROS_PARAMETER_NOT_DECLARED', `node ${this.#name}: parameter '${name}' is not declared`);
    return { name, type, value: fromNative(type, p.value) };
  }

  setParameters(params: ReadonlyArray<{ name: string; value: ParameterValue }>): SetParametersResult {
    const natives: RclParameter[] = [];
    for (const { name, value } of params) {
      const type = this.#types.get(name);
      if (!type) return { successful: false, reason: `parameter '${name}' is not declared` };
      const problem = checkParameterType(type, value);
      if (problem) return { successful: false, reason: `parameter '${name}': ${problem}` };
      natives.push(new this.#rcl.Parameter(name, this.#rcl.ParameterType[PARAM_TYPE_NAME[type]]!, toNative(type, value)));
    }
    return this.#native.setParametersAtomically(natives);
  }

  addOnSetParametersCallback(callback: OnSetParametersCallback): void {
    const wrapped = (params: RclParameter[]): SetParametersResult => {
      const ours: Parameter[] = [];
      for (const p of params) {
        const type = this.#types.get(p.name);
        if (type) ours.push({ name: p.name, type, value: fromNative(type, p.value) });
      }
      return callback(ours);
    };
    this.#wrapped.set(callback, wrapped);
    this.#native.addOnSetParametersCallback(wrapped);
  }

  removeOnSetParametersCallback(callback: OnSetParametersCallback): void {
    const wrapped = this.#wrapped.get(callback);
    if (wrapped) this.#native.removeOnSetParametersCallback(wrapped);
    this.#wrapped.delete(callback);
  }

  getLogger(): Logger {
    return this.#native.getLogger();
  }

  getClock(): Clock {
    return this.#clock;
  }

  now(): Time {
    const { seconds, nanoseconds } = this.#native.now().secondsAndNanoseconds;
    return { sec: Number(seconds), nanosec: Number(nanoseconds) };
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#native.destroy();
    this.#onDestroy();
  }

  #qos(qos: QosProfile | undefined): Record<string, unknown> | undefined {
    if (!qos) return undefined;
    const q = new this.#rcl.QoS();
    // Numeric values of rmw_qos_*_policy_t: history KEEP_LAST=1, reliability RELIABLE=1 / BEST_EFFORT=2,
    // durability TRANSIENT_LOCAL=1 / VOLATILE=2.
    q.history = 1;
    q.depth = qos.depth ?? 10;
    q.reliability = qos.reliability === 'best_effort' ? 2 : 1;
    q.durability = qos.durability === 'transient_local' ? 1 : 2;
    return q;
  }
}

function msToPeriod(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

// rclnodejs gives integer parameters as bigint in recent releases; the port speaks plain numbers.
function fromNative(type: ParameterType, value: unknown): ParameterValue {
  if (type === 'integer') return Number(value);
  if (type === 'integer_array' && Array.isArray(value)) return value.map(Number);
  return value as ParameterValue;
}

function toNative(type: ParameterType, value: ParameterValue): unknown {
  if (type === 'integer') return BigInt(value as number);
  if (type === 'integer_array') return (value as number[]).map((v) => BigInt(v));
  return value;
}

function emptyOf(type: ParameterType): ParameterValue {
  switch (type) {
    case 'bool':
      return false;
    case 'integer':
    case 'double':
      return 0;
    case 'string':
      return '';
    default:
      return [];
  }
}

// Without a default, the placeholder declared above survives only if no override supplied a value. For bool and
// number parameters the placeholder (false, 0) is indistinguishable from a real override, so a missing one is not
// detected on rclnodejs: keep required parameters strings or arrays (ids, frames, zones), as the robot's are.
function isEmpty(value: ParameterValue): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0);
}
