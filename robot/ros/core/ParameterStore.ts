/**
 * A node's parameters for adapters that have no middleware parameter service (the in-process bus): declare with
 * override-or-default, typed get, and atomic set that runs every on-set callback before changing anything.
 */
import { checkParameterType } from './parameterTypes.ts';
import {
  RosPortError,
  type OnSetParametersCallback,
  type Parameter,
  type ParameterDescriptor,
  type ParameterValue,
  type SetParametersResult,
} from './RosPort.ts';

interface Entry {
  descriptor: ParameterDescriptor;
  value: ParameterValue;
}

export class ParameterStore {
  readonly #where: string;
  readonly #overrides: Readonly<Record<string, ParameterValue>>;
  readonly #entries = new Map<string, Entry>();
  #callbacks: OnSetParametersCallback[] = [];

  /** `where` names the node in error messages. */
  constructor(where: string, overrides: Readonly<Record<string, ParameterValue>> = {}) {
    this.#where = where;
    this.#overrides = overrides;
  }

  declare(descriptor: ParameterDescriptor, defaultValue?: ParameterValue): ParameterValue {
    const { name, type } = descriptor;
    if (this.#entries.has(name)) {
      throw new RosPortError('ROS_PARAMETER_ALREADY_DECLARED', `${this.#where}: parameter '${name}' is already declared`);
    }
    const fromOverride = Object.hasOwn(this.#overrides, name);
    const value = fromOverride ? this.#overrides[name] : defaultValue;
    if (value === undefined) {
      throw new RosPortError(
        'ROS_PARAMETER_REQUIRED',
        `${this.#where}: parameter '${name}' (${type}) is required and has no default; set it in the params file`,
      );
    }
    const problem = checkParameterType(type, value);
    if (problem) {
      throw new RosPortError(
        'ROS_PARAMETER_INVALID',
        `${this.#where}: parameter '${name}' ${fromOverride ? 'override' : 'default'}: ${problem}`,
      );
    }
    this.#entries.set(name, { descriptor, value: copy(value) });
    return copy(value);
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  get(name: string): Parameter {
    const e = this.#entries.get(name);
    if (!e) throw new RosPortError('ROS_PARAMETER_NOT_DECLARED', `${this.#where}: parameter '${name}' is not declared`);
    return { name, type: e.descriptor.type, value: copy(e.value) };
  }

  set(changes: ReadonlyArray<{ name: string; value: ParameterValue }>): SetParametersResult {
    const proposed: Parameter[] = [];
    for (const { name, value } of changes) {
      const e = this.#entries.get(name);
      if (!e) return { successful: false, reason: `parameter '${name}' is not declared` };
      if (e.descriptor.readOnly) return { successful: false, reason: `parameter '${name}' is read-only` };
      const problem = checkParameterType(e.descriptor.type, value);
      if (problem) return { successful: false, reason: `parameter '${name}': ${problem}` };
      proposed.push({ name, type: e.descriptor.type, value: copy(value) });
    }
    for (const cb of this.#callbacks) {
      const r = cb(proposed);
      if (!r.successful) return r;
    }
    for (const p of proposed) this.#entries.get(p.name)!.value = p.value;
    return { successful: true, reason: '' };
  }

  addCallback(cb: OnSetParametersCallback): void {
    this.#callbacks = [...this.#callbacks, cb];
  }

  removeCallback(cb: OnSetParametersCallback): void {
    this.#callbacks = this.#callbacks.filter((c) => c !== cb);
  }
}

// Arrays are copied in and out so a caller cannot change a stored parameter behind the validators' back.
function copy(v: ParameterValue): ParameterValue {
  return Array.isArray(v) ? ([...v] as ParameterValue) : v;
}
