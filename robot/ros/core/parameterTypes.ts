/** Checks a parameter value against its declared ROS parameter type. */
import type { ParameterType, ParameterValue } from './RosPort.ts';

/** undefined when `value` fits `type`, else a sentence saying why not. ROS integers are whole numbers here. */
export function checkParameterType(type: ParameterType, value: unknown): string | undefined {
  const ok = (() => {
    switch (type) {
      case 'bool':
        return typeof value === 'boolean';
      case 'integer':
        return Number.isSafeInteger(value);
      case 'double':
        // A YAML `1` for a double parameter is a plain number in JS; ROS would reject it, we accept it on purpose.
        return typeof value === 'number' && !Number.isNaN(value);
      case 'string':
        return typeof value === 'string';
      case 'bool_array':
        return Array.isArray(value) && value.every((v) => typeof v === 'boolean');
      case 'integer_array':
        return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v));
      case 'double_array':
        return Array.isArray(value) && value.every((v) => typeof v === 'number' && !Number.isNaN(v));
      case 'string_array':
        return Array.isArray(value) && value.every((v) => typeof v === 'string');
    }
  })();
  return ok ? undefined : `expected ${type}, got ${describe(value)}`;
}

/** Narrowing form of checkParameterType. */
export function isParameterValue(type: ParameterType, value: unknown): value is ParameterValue {
  return checkParameterType(type, value) === undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
