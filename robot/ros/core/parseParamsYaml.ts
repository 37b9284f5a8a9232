/**
 * Parses the subset of YAML that ROS 2 parameter files use, because no YAML package is installed and these files
 * are flat by convention:
 *
 * ```yaml
 * /**:                     # every node; '/r1/localization' or 'localization' for one node
 *   ros__parameters:
 *     use_sim_time: false
 *     ekf:
 *       gnss_sigma: 2.0      # nested maps become dotted names: 'ekf.gnss_sigma'
 *     frames: [map, odom]    # inline lists of scalars
 * ```
 *
 * Scalars: true/false, numbers, quoted or bare strings. Block lists ('- item'), anchors, multi-line strings and
 * flow maps are refused with the line number rather than misread.
 */
import { AppError } from '../../../common/core/AppError.ts';
import type { ParameterValue } from './RosPort.ts';

/** node key as written ('/**', 'localization', '/r1/localization') → parameter name → value */
export type ParamsFile = Record<string, Record<string, ParameterValue>>;

export class ParamsFileError extends AppError {
  constructor(message: string) {
    super('ROS_PARAMS_FILE_INVALID', message);
  }
}

/** Parses a ROS 2 params file; `source` names it in error messages. */
export function parseParamsYaml(text: string, source = 'params file'): ParamsFile {
  const out: ParamsFile = {};
  // Open maps by indentation: [indent, key] from the node key down.
  const stack: Array<{ indent: number; key: string }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const where = `${source}:${i + 1}`;
    const raw = stripComment(lines[i]!);
    if (raw.trim() === '' || raw.trim() === '---') continue;
    if (raw.includes('\t')) throw new ParamsFileError(`${where}: tabs are not allowed in YAML indentation`);
    const indent = raw.length - raw.trimStart().length;
    const line = raw.trim();
    if (line.startsWith('- ')) throw new ParamsFileError(`${where}: block lists are not supported; write [a, b] instead`);
    const colon = findKeyColon(line);
    if (colon < 0) throw new ParamsFileError(`${where}: expected 'key: value' or 'key:', got '${line}'`);
    const key = unquote(line.slice(0, colon).trim());
    const rest = line.slice(colon + 1).trim();
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    const depth = stack.length;
    if (depth === 0) {
      if (rest !== '') throw new ParamsFileError(`${where}: top-level key '${key}' must be a node name followed by ':'`);
      out[key] ??= {};
      stack.push({ indent, key });
      continue;
    }
    if (depth === 1) {
      if (key !== 'ros__parameters' || rest !== '') {
        throw new ParamsFileError(`${where}: under node '${stack[0]!.key}' expected 'ros__parameters:', got '${line}'`);
      }
      stack.push({ indent, key });
      continue;
    }
    const prefix = stack.slice(2).map((s) => s.key);
    if (rest === '') {
      stack.push({ indent, key });
      continue;
    }
    out[stack[0]!.key]![[...prefix, key].join('.')] = parseValue(rest, where);
  }
  return out;
}

/**
 * The overrides one node gets from a parsed file: '/**' first, then the bare node name, then the fully qualified
 * name, later ones winning (the same precedence as ROS 2's wildcard matching, for the patterns we support).
 */
export function paramsForNode(file: ParamsFile, namespace: string, nodeName: string): Record<string, ParameterValue> {
  const fqn = namespace === '/' || namespace === '' ? `/${nodeName}` : `${namespace}/${nodeName}`;
  return { ...file['/**'], ...file[nodeName], ...file[fqn] };
}

function parseValue(text: string, where: string): ParameterValue {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) throw new ParamsFileError(`${where}: unterminated list '${text}'`);
    const inner = text.slice(1, -1).trim();
    if (inner === '') return [];
    const items = splitList(inner).map((s) => parseScalar(s.trim(), where));
    const kind = typeof items[0];
    if (!items.every((v) => typeof v === kind)) {
      throw new ParamsFileError(`${where}: list '${text}' mixes types; ROS parameter arrays hold one type`);
    }
    return items as ParameterValue;
  }
  if (text.startsWith('{') || text.startsWith('&') || text.startsWith('*') || text.startsWith('|') || text.startsWith('>')) {
    throw new ParamsFileError(`${where}: '${text}' uses YAML the params parser does not support`);
  }
  return parseScalar(text, where);
}

function parseScalar(text: string, where: string): boolean | number | string {
  if (text === '') throw new ParamsFileError(`${where}: empty value`);
  const q = text[0];
  if (q === '"' || q === "'") {
    if (text.length < 2 || text.at(-1) !== q) throw new ParamsFileError(`${where}: unterminated string ${text}`);
    return text.slice(1, -1);
  }
  if (text === 'true' || text === 'True') return true;
  if (text === 'false' || text === 'False') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  if (text === '.inf' || text === '+.inf') return Infinity;
  if (text === '-.inf') return -Infinity;
  return text;
}

function splitList(inner: string): string[] {
  const parts: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

// '#' starts a comment only outside quotes and at the start or after whitespace (YAML's rule).
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

// The key's colon is the first ': ' (or a trailing ':') outside quotes; '/**:' and 'a.b:' are keys too.
function findKeyColon(line: string): number {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ':' && (i === line.length - 1 || line[i + 1] === ' ')) return i;
  }
  return -1;
}

function unquote(s: string): string {
  return (s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'")) ? s.slice(1, -1) : s;
}
