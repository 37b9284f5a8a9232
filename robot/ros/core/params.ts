/**
 * One parameter table per node (STYLE.md §8, after Nav2's ParameterHandler): every parameter's ROS name, type,
 * default, unit and description in one place, declared in one call at configure time. A parameter without a default
 * is required: configure fails, naming every missing or invalid parameter at once. Runtime changes (`ros2 param set`
 * on a robot, `setParameters` in the simulator) are validated first, per parameter and then as a whole, and only
 * then applied to the node's live values.
 */
import { RosPortError, type ParameterType, type ParameterValue, type RosNode, type SetParametersResult } from './RosPort.ts';

/** The JS value type of a ROS parameter type. */
export type ValueOf<T extends ParameterType> = T extends 'bool'
  ? boolean
  : T extends 'integer' | 'double'
    ? number
    : T extends 'string'
      ? string
      : T extends 'bool_array'
        ? boolean[]
        : T extends 'string_array'
          ? string[]
          : number[];

export interface ParamSpecOf<T extends ParameterType> {
  /** ROS parameter name, dotted for grouping: 'lookahead.min_dist'. */
  name: string;
  type: T;
  /** Omit to make the parameter required. */
  default?: ValueOf<T>;
  /** Unit for docs ('m', 'm/s', 'rad', 'Hz', '' for none). */
  unit: string;
  description: string;
  readOnly?: boolean;
  /** undefined when the value is acceptable, else why not ('must be > 0'). */
  validate?: (value: ValueOf<T>) => string | undefined;
}

/** A parameter spec, discriminated by `type` so `validate` gets the right value type. */
export type ParamSpec = { [K in ParameterType]: ParamSpecOf<K> }[ParameterType];

/** A node's parameter table: key (camelCase, used in code) → spec. */
export type ParamTable = Record<string, ParamSpec>;

/** The typed values of a table: `{ lookaheadM: number, ... }`. */
export type ParamsOf<T extends ParamTable> = { -readonly [K in keyof T]: ValueOf<T[K]['type']> };

/** Identity that keeps the literal types of a table, so `ParamsOf<typeof table>` is precise. */
/** Range checks for number parameters, shared by every node's table (undefined = valid, else the reason). */
export const inRange = {
  positive: (v: number): string | undefined => (v > 0 ? undefined : 'must be > 0'),
  nonNegative: (v: number): string | undefined => (v >= 0 ? undefined : 'must be ≥ 0'),
  atLeastOne: (v: number): string | undefined => (v >= 1 ? undefined : 'must be ≥ 1'),
  fraction: (v: number): string | undefined => (v > 0 && v <= 1 ? undefined : 'must be in (0, 1]'),
} as const;

export function defineParams<const T extends ParamTable>(table: T): T {
  return table;
}

export interface DeclareParamsOptions<T extends ParamTable> {
  /** Checks combinations (e.g. min < max); undefined when fine, else why not. Runs at configure and on every change. */
  check?: (values: Readonly<ParamsOf<T>>) => string | undefined;
}

export interface ParamsHandle<T extends ParamTable> {
  /** The live values; replaced in place when a change is accepted. Read, never write. */
  readonly values: Readonly<ParamsOf<T>>;
  /** Called after an accepted change with the keys that changed. */
  onChange(listener: (values: Readonly<ParamsOf<T>>, changed: ReadonlyArray<keyof T>) => void): void;
  /** Stops following runtime changes (call in cleanup). */
  dispose(): void;
}

/**
 * Declares every parameter of `table` on `node` and returns the live values. Throws one RosPortError
 * (ROS_PARAMETER_REQUIRED if any parameter is missing, else ROS_PARAMETER_INVALID) listing every problem.
 */
export function declareParams<T extends ParamTable>(
  node: RosNode,
  table: T,
  options: DeclareParamsOptions<T> = {},
): ParamsHandle<T> {
  const values = {} as ParamsOf<T>;
  const problems: string[] = [];
  let missing = false;
  const keyByName = new Map<string, keyof T>();
  for (const key of Object.keys(table) as Array<keyof T & string>) {
    const spec = table[key]!;
    keyByName.set(spec.name, key);
    try {
      const value = node.declareParameter(
        { name: spec.name, type: spec.type, description: describeSpec(spec), readOnly: spec.readOnly ?? false },
        spec.default,
      );
      const problem = validateOne(spec, value);
      if (problem) problems.push(`'${spec.name}' ${problem}`);
      (values as Record<string, unknown>)[key] = value;
    } catch (error) {
      if (!(error instanceof RosPortError)) throw error;
      if (error.code === 'ROS_PARAMETER_REQUIRED') missing = true;
      problems.push(error.message);
    }
  }
  if (problems.length === 0 && options.check) {
    const problem = options.check(values);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) {
    throw new RosPortError(
      missing ? 'ROS_PARAMETER_REQUIRED' : 'ROS_PARAMETER_INVALID',
      `node ${node.name()}: parameters rejected at configure:\n  - ${problems.join('\n  - ')}`,
    );
  }

  const listeners: Array<(values: Readonly<ParamsOf<T>>, changed: ReadonlyArray<keyof T>) => void> = [];
  const onSet = (params: ReadonlyArray<{ name: string; value: ParameterValue }>): SetParametersResult => {
    const proposed = { ...values };
    const changed: Array<keyof T> = [];
    for (const p of params) {
      const key = keyByName.get(p.name);
      if (key === undefined) continue;
      const problem = validateOne(table[key]!, p.value);
      if (problem) return { successful: false, reason: `'${p.name}' ${problem}` };
      (proposed as Record<string, unknown>)[key as string] = p.value;
      changed.push(key);
    }
    if (changed.length === 0) return { successful: true, reason: '' };
    const problem = options.check?.(proposed);
    if (problem) return { successful: false, reason: problem };
    // Port callbacks run before the change is stored and there is no post-set hook on rclnodejs, so the change is
    // applied here, once everything about it has been checked. A callback registered after this one that rejects
    // would leave these values ahead of the node's: keep one parameter table (one declareParams) per node.
    Object.assign(values, proposed);
    for (const l of listeners) l(values, changed);
    return { successful: true, reason: '' };
  };
  node.addOnSetParametersCallback(onSet);
  return {
    values,
    onChange: (listener) => void listeners.push(listener),
    dispose: () => node.removeOnSetParametersCallback(onSet),
  };
}

/** A Markdown table of a node's parameters (name, type, default, unit, description), for docs and `--help`. */
export function describeParams(table: ParamTable): string {
  const rows = Object.values(table).map(
    (s) =>
      `| \`${s.name}\` | ${s.type} | ${s.default === undefined ? '**required**' : JSON.stringify(s.default)} | ${s.unit} | ${s.description} |`,
  );
  return ['| parameter | type | default | unit | description |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function validateOne(spec: ParamSpec, value: ParameterValue): string | undefined {
  const validate = spec.validate as ((v: ParameterValue) => string | undefined) | undefined;
  return validate?.(value);
}

function describeSpec(spec: ParamSpec): string {
  return spec.unit ? `${spec.description} [${spec.unit}]` : spec.description;
}
