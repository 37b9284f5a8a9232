/**
 * Validates VDA 5050 messages against the official JSON schemas (draft 2020-12, as their `$schema` says), with the
 * defect repairs of schemaRepairs.ts. Each (topic, schema set, direction) is compiled once, on first use.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { officialSchemas } from '../generated/schemas.ts';
import type { MemberPlan } from './MessageMemo.ts';
import type { ProtocolErrorDetail } from './ProtocolError.ts';
import { repairedSchema, schemaSetFor } from './schemaRepairs.ts';
import type { SchemaVersion, VdaTopic } from './vdaTopics.ts';

export type Direction = 'inbound' | 'outbound';

/** At most this many field errors are reported per message; a garbage message must not make a huge error. */
const MAX_DETAILS = 20;

/**
 * Maps a header `version` to the schema set that validates it: 2.0.x → 2.0.0, 2.1.x → 2.1.0 [VDA5050 §6.4: version
 * is [Major].[Minor].[Patch]; minor versions are backward compatible]. Anything else is undefined (not accepted).
 */
export function schemaVersionOf(version: string): SchemaVersion | undefined {
  const m = /^2\.([01])\.(0|[1-9][0-9]*)$/.exec(version);
  if (m === null) return undefined;
  return m[1] === '0' ? '2.0.0' : '2.1.0';
}

/**
 * RFC 3339 date-time (the profile of ISO 8601 that JSON Schema's `date-time` format means), with calendar checks.
 * ajv-formats is not a dependency, so the one format the VDA 5050 schemas use is implemented here.
 */
export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (m === null) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 60) return false;
  if (day > daysInMonth(year, month)) return false;
  if (m[7] !== undefined && (Number(m[8]) > 23 || Number(m[9]) > 59)) return false;
  return true;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Gregorian calendar (every message carries a timestamp, so no Date object per check). */
function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return DAYS_IN_MONTH[month - 1]!;
}

export class SchemaValidator {
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<string, ValidateFunction>();
  /** The compiled function per direction, version and topic, found without building a key string per message. */
  readonly #byCall = new Map<Direction, Map<SchemaVersion, Map<VdaTopic, ValidateFunction>>>();
  readonly #plans = new Map<string, MemberPlan | null>();
  readonly #planByCall = new Map<Direction, Map<SchemaVersion, Map<VdaTopic, MemberPlan | null>>>();

  constructor() {
    // allowUnionTypes: the schemas use type arrays (actionParameter.value). subtopic/unit are VDA annotations.
    this.#ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strict: true });
    this.#ajv.addKeyword({ keyword: 'subtopic', schemaType: 'string' });
    this.#ajv.addKeyword({ keyword: 'unit', schemaType: 'string' });
    this.#ajv.addFormat('date-time', { type: 'string', validate: isDateTime });
  }

  /**
   * Validates `message` as `topic` against the schema set `version`. Returns the list of bad fields, empty when the
   * message is valid. `outbound` checks against the files as published; `inbound` is lenient only where the
   * published file contradicts the standard's text (see relaxStateTheta200).
   */
  validate(topic: VdaTopic, version: SchemaVersion, message: unknown, direction: Direction = 'inbound'): ProtocolErrorDetail[] {
    let byVersion = this.#byCall.get(direction);
    if (byVersion === undefined) this.#byCall.set(direction, (byVersion = new Map()));
    let byTopic = byVersion.get(version);
    if (byTopic === undefined) byVersion.set(version, (byTopic = new Map()));
    let fn = byTopic.get(topic);
    if (fn === undefined) byTopic.set(topic, (fn = this.#validator(topic, version, direction)));
    if (fn(message)) return [];
    return (fn.errors ?? []).slice(0, MAX_DETAILS).map(toDetail);
  }

  /**
   * The schema of `topic` split into one check per top-level member plus the required list, when the schema is only
   * that (`type: object`, `required`, `properties`, no `$ref`): then a message is valid exactly when it is an object,
   * has the required members and each member passes its check, so MessageMemo can validate only what changed.
   * Undefined for any other schema shape.
   */
  memberPlan(topic: VdaTopic, version: SchemaVersion, direction: Direction = 'inbound'): MemberPlan | undefined {
    let byVersion = this.#planByCall.get(direction);
    if (byVersion === undefined) this.#planByCall.set(direction, (byVersion = new Map()));
    let byTopic = byVersion.get(version);
    if (byTopic === undefined) byVersion.set(version, (byTopic = new Map()));
    let plan = byTopic.get(topic);
    if (plan === undefined) {
      const key = this.#keyOf(topic, version, direction);
      plan = this.#plans.get(key);
      if (plan === undefined) {
        plan = splitSchema(this.#schemaOf(key), (sub) => {
          const fn = this.#ajv.compile(sub);
          return (value) => fn(value);
        }) ?? null;
        this.#plans.set(key, plan);
      }
      byTopic.set(topic, plan);
    }
    return plan ?? undefined;
  }

  /** One key per distinct schema: the set that validates, the topic, and whether the lenient inbound repair applies. */
  #keyOf(topic: VdaTopic, version: SchemaVersion, direction: Direction): `${SchemaVersion}/${VdaTopic}/${Direction}` {
    const set = schemaSetFor(topic, version);
    const lenient = direction === 'inbound' && topic === 'state' && set === '2.0.0';
    return `${set}/${topic}/${lenient ? 'inbound' : 'outbound'}`;
  }

  #schemaOf(key: `${SchemaVersion}/${VdaTopic}/${Direction}`): Record<string, unknown> {
    const [set, topic, direction] = key.split('/') as [SchemaVersion, VdaTopic, Direction];
    return repairedSchema((v, t) => officialSchemas[v][t], topic, set, direction);
  }

  #validator(topic: VdaTopic, version: SchemaVersion, direction: Direction): ValidateFunction {
    const key = this.#keyOf(topic, version, direction);
    let fn = this.#compiled.get(key);
    if (fn === undefined) {
      fn = this.#ajv.compile(this.#schemaOf(key));
      this.#compiled.set(key, fn);
    }
    return fn;
  }
}

/** Top-level keywords that do not constrain a member on its own (annotations), besides type/required/properties. */
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', 'subtopic', 'examples', '$comment']);

/** The member checks of an object schema made only of independent per-member constraints, else undefined. */
export function splitSchema(schema: Record<string, unknown>, compile: (sub: object) => (value: unknown) => boolean): MemberPlan | undefined {
  if (schema.type !== 'object' || JSON.stringify(schema).includes('"$ref"')) return undefined;
  for (const k of Object.keys(schema)) if (k !== 'type' && k !== 'required' && k !== 'properties' && !ANNOTATIONS.has(k)) return undefined;
  const properties = schema.properties;
  const required = schema.required ?? [];
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return undefined;
  if (!Array.isArray(required) || !required.every((r) => typeof r === 'string')) return undefined;
  const members = new Map<string, (value: unknown) => boolean>();
  for (const [name, sub] of Object.entries(properties as Record<string, unknown>)) {
    if (typeof sub !== 'object' || sub === null) return undefined;
    members.set(name, compile(sub));
  }
  return { required: required as string[], members };
}

function toDetail(e: ErrorObject): ProtocolErrorDetail {
  if (e.keyword === 'required') {
    const missing = String((e.params as { missingProperty: string }).missingProperty);
    return { path: `${e.instancePath}/${escapePointer(missing)}`, message: 'is required' };
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
    return { path: e.instancePath, message: `must be one of ${allowed}` };
  }
  return { path: e.instancePath, message: e.message ?? e.keyword };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

let shared: SchemaValidator | undefined;
/** The process-wide validator, so every caller shares the compiled schemas. */
export function sharedValidator(): SchemaValidator {
  shared ??= new SchemaValidator();
  return shared;
}
