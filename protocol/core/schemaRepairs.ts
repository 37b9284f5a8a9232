/**
 * Workarounds for defects in the official VDA 5050 JSON schema files. The files ship unchanged (protocol/schemas/);
 * each defect is repaired here, in memory, on a copy, and each repair has a test (schemaRepairs.test.ts).
 */
import type { SchemaVersion, VdaTopic } from './vdaTopics.ts';

type JsonObject = Record<string, unknown>;

/**
 * DEFECT instantActions-2.0.0: `2.0.0/instantActions.schema` requires no top-level field and requires `actionName`
 * in its action items, where the standard's text and every other 2.0.0 schema say `actionType`. A correct 2.0
 * message fails it. The message shape did not change in 2.1, and `2.1.0/instantActions.schema` is fixed, so
 * instantActions of every 2.x version are validated (and typed) against the 2.1.0 file.
 */
export function schemaSetFor(topic: VdaTopic, version: SchemaVersion): SchemaVersion {
  return topic === 'instantActions' ? '2.1.0' : version;
}

/**
 * DEFECT factsheet-2.0.0: `2.0.0/factsheet.json` lists its fields (headerId, typeSpecification, …) directly at the
 * top level instead of under `properties`, and does the same inside `protocolLimits.maxArrayLens`. JSON Schema
 * ignores unknown keywords, so the file checks only that the required names exist, never their contents. Move such
 * misplaced field schemas under `properties` (at every level) so fields are really validated and typed.
 */
export function repairFactsheet200(schema: JsonObject): JsonObject {
  const repaired: JsonObject = {};
  const moved: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SCHEMA_KEYWORDS.has(key)) repaired[key] = value;
    else if (isSchemaLike(value)) moved[key] = value;
    else repaired[key] = value;
  }
  if (Object.keys(moved).length > 0) {
    repaired.properties = { ...(isObject(repaired.properties) ? repaired.properties : {}), ...moved };
  }
  if (isObject(repaired.properties)) {
    repaired.properties = Object.fromEntries(
      Object.entries(repaired.properties).map(([k, v]) => [k, isObject(v) ? repairFactsheet200(v) : v]),
    );
  }
  if (isObject(repaired.items)) repaired.items = repairFactsheet200(repaired.items);
  return repaired;
}

const SCHEMA_KEYWORDS = new Set([
  '$schema', '$id', '$ref', '$defs', 'definitions', 'title', 'description', 'required', 'subtopic', 'type', 'properties',
  'items', 'enum', 'const', 'format', 'examples', 'minimum', 'maximum', 'unit', 'default', 'additionalProperties',
  'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'oneOf', 'anyOf', 'allOf', 'not',
]);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSchemaLike(v: unknown): boolean {
  return isObject(v) && typeof v.type === 'string';
}

/**
 * DEFECT state-2.0.0-theta: `2.0.0/state.schema` requires `theta` in `nodeStates[].nodePosition`, while
 * `2.0.0/order.schema` (and the standard's text, and 2.1.0) leave it optional. What we SEND is checked against the
 * file as published (our robot fills theta). What we RECEIVE from another AGV is checked against this copy with
 * theta optional, because an AGV that follows the normative text is conforming.
 */
export function relaxStateTheta200(schema: JsonObject): JsonObject {
  const copy = structuredClone(schema);
  const nodePosition = dig(copy, ['properties', 'nodeStates', 'items', 'properties', 'nodePosition']);
  if (nodePosition !== undefined && Array.isArray(nodePosition.required)) {
    nodePosition.required = nodePosition.required.filter((k: unknown) => k !== 'theta');
  }
  return copy;
}

/**
 * The schema to use for `topic` at `version`, repaired. `inbound` selects the lenient variant for messages we
 * receive (only the state theta repair differs).
 */
export function repairedSchema(
  raw: (version: SchemaVersion, topic: VdaTopic) => JsonObject,
  topic: VdaTopic,
  version: SchemaVersion,
  direction: 'inbound' | 'outbound',
): JsonObject {
  const set = schemaSetFor(topic, version);
  const schema = raw(set, topic);
  if (topic === 'factsheet' && set === '2.0.0') return repairFactsheet200(schema);
  if (topic === 'state' && set === '2.0.0' && direction === 'inbound') return relaxStateTheta200(schema);
  return schema;
}

function dig(obj: JsonObject, path: readonly string[]): JsonObject | undefined {
  let cur: unknown = obj;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as JsonObject)[key];
  }
  return typeof cur === 'object' && cur !== null ? (cur as JsonObject) : undefined;
}
