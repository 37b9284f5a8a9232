/**
 * A tiny typed schema builder. One definition gives three things: validation with precise paths
 * (`body.parcels[3].destination: required`), the TypeScript type of the parsed value (`Infer<typeof schema>`), and the
 * JSON Schema that goes into the OpenAPI document, so the documentation cannot drift from what is enforced.
 */

export type JsonSchema = Record<string, unknown>;

export interface Issue {
  path: string;
  message: string;
}

export interface ParseContext {
  issues: Issue[];
  /** Query strings and path parameters arrive as strings; in coerce mode numbers and booleans accept their text. */
  coerce: boolean;
}

/** Returned by `parse` when the value is invalid (issues were recorded in the context). */
export const INVALID: unique symbol = Symbol('invalid');

export interface Schema<T> {
  readonly optional: boolean;
  parse(value: unknown, path: string, ctx: ParseContext): T | typeof INVALID;
  toJsonSchema(): JsonSchema;
}

export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<unknown> ? K : never }[keyof S];
type RequiredKeys<S extends Shape> = Exclude<keyof S, OptionalKeys<S>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type InferShape<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>;

/** Validation stops recording after this many issues: a hostile body cannot make the error response huge. */
export const MAX_ISSUES = 20;

function fail(ctx: ParseContext, path: string, message: string): typeof INVALID {
  if (ctx.issues.length < MAX_ISSUES) ctx.issues.push({ path, message });
  return INVALID;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function make<T>(parse: Schema<T>['parse'], toJsonSchema: () => JsonSchema): Schema<T> {
  return { optional: false, parse, toJsonSchema };
}

function withDescription(schema: JsonSchema, description: string | undefined): JsonSchema {
  return description === undefined ? schema : { ...schema, description };
}

export interface StringOptions {
  min?: number;
  /** Maximum length in characters; every string has one (default 1,000) so no field accepts a megabyte. */
  max?: number;
  pattern?: RegExp;
  /** Shown in errors instead of the raw regex, e.g. 'a serial number (letters, digits, - and _)'. */
  patternName?: string;
  description?: string;
}

export interface NumberOptions {
  min?: number;
  max?: number;
  description?: string;
}

function string(options: StringOptions = {}): Schema<string> {
  const { min = 0, max = 1000, pattern, patternName, description } = options;
  return make(
    (value, path, ctx) => {
      if (typeof value !== 'string') return fail(ctx, path, `expected a string, got ${typeName(value)}`);
      if (value.length < min) return fail(ctx, path, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
      if (value.length > max) return fail(ctx, path, `must be at most ${max} characters`);
      if (pattern && !pattern.test(value)) return fail(ctx, path, `must be ${patternName ?? `a string matching ${pattern.source}`}`);
      return value;
    },
    () => withDescription({
      type: 'string',
      ...(min > 0 ? { minLength: min } : {}),
      maxLength: max,
      ...(pattern ? { pattern: pattern.source } : {}),
    }, description),
  );
}

function numeric(integer: boolean, options: NumberOptions): Schema<number> {
  const { min, max, description } = options;
  return make(
    (raw, path, ctx) => {
      let value = raw;
      if (ctx.coerce && typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) value = Number(raw);
      if (typeof value !== 'number') return fail(ctx, path, `expected ${integer ? 'an integer' : 'a number'}, got ${typeName(raw)}`);
      if (!Number.isFinite(value)) return fail(ctx, path, 'must be a finite number');
      if (integer && !Number.isSafeInteger(value)) return fail(ctx, path, 'must be an integer');
      if (min !== undefined && value < min) return fail(ctx, path, `must be >= ${min}`);
      if (max !== undefined && value > max) return fail(ctx, path, `must be <= ${max}`);
      return value;
    },
    () => withDescription({
      type: integer ? 'integer' : 'number',
      ...(min !== undefined ? { minimum: min } : {}),
      ...(max !== undefined ? { maximum: max } : {}),
    }, description),
  );
}

function boolean(options: { description?: string } = {}): Schema<boolean> {
  return make(
    (value, path, ctx) => {
      if (typeof value === 'boolean') return value;
      if (ctx.coerce && (value === 'true' || value === 'false')) return value === 'true';
      return fail(ctx, path, `expected a boolean, got ${typeName(value)}`);
    },
    () => withDescription({ type: 'boolean' }, options.description),
  );
}

function enumOf<const V extends readonly [string, ...string[]]>(values: V, options: { description?: string } = {}): Schema<V[number]> {
  const allowed = new Set<string>(values);
  return make(
    (value, path, ctx) => {
      if (typeof value !== 'string' || !allowed.has(value)) {
        return fail(ctx, path, `must be one of ${values.join(', ')}${typeof value === 'string' ? '' : `, got ${typeName(value)}`}`);
      }
      return value as V[number];
    },
    () => withDescription({ type: 'string', enum: [...values] }, options.description),
  );
}

function literal<const V extends string | number | boolean>(expected: V): Schema<V> {
  return make(
    (value, path, ctx) => (value === expected ? expected : fail(ctx, path, `must be ${JSON.stringify(expected)}`)),
    () => ({ const: expected }),
  );
}

export interface ArrayOptions {
  min?: number;
  /** Maximum number of items; every array has one (default 1,000). */
  max?: number;
  description?: string;
}

function array<T>(item: Schema<T>, options: ArrayOptions = {}): Schema<T[]> {
  const { min = 0, max = 1000, description } = options;
  return make(
    (value, path, ctx) => {
      if (!Array.isArray(value)) return fail(ctx, path, `expected an array, got ${typeName(value)}`);
      if (value.length < min) return fail(ctx, path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
      if (value.length > max) return fail(ctx, path, `must have at most ${max} items`);
      const out: T[] = [];
      let ok = true;
      value.forEach((element, i) => {
        const parsed = item.parse(element, `${path}[${i}]`, ctx);
        if (parsed === INVALID) ok = false;
        else out.push(parsed);
      });
      return ok ? out : INVALID;
    },
    () => withDescription({
      type: 'array',
      items: item.toJsonSchema(),
      ...(min > 0 ? { minItems: min } : {}),
      maxItems: max,
    }, description),
  );
}

export interface ObjectOptions {
  /** Reject keys the schema does not name (default true): a typo in a field name is an error, not silently ignored. */
  strict?: boolean;
  description?: string;
}

function object<S extends Shape>(shape: S, options: ObjectOptions = {}): Schema<InferShape<S>> {
  const { strict = true, description } = options;
  const keys = Object.keys(shape);
  return make(
    (value, path, ctx) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        return fail(ctx, path, `expected an object, got ${typeName(value)}`);
      }
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      let ok = true;
      for (const key of keys) {
        const field = shape[key] as Schema<unknown>;
        const fieldPath = path === '' ? key : `${path}.${key}`;
        const present = Object.hasOwn(input, key) && input[key] !== undefined;
        if (!present) {
          if (!field.optional) {
            fail(ctx, fieldPath, 'required');
            ok = false;
          }
          continue;
        }
        const parsed = field.parse(input[key], fieldPath, ctx);
        if (parsed === INVALID) ok = false;
        else out[key] = parsed;
      }
      if (strict) {
        for (const key of Object.keys(input)) {
          if (!Object.hasOwn(shape, key)) {
            ok = false;
            fail(ctx, path === '' ? key.slice(0, 100) : `${path}.${key.slice(0, 100)}`, 'unknown field');
          }
        }
      }
      return ok ? (out as InferShape<S>) : INVALID;
    },
    () => withDescription({
      type: 'object',
      properties: Object.fromEntries(keys.map((key) => [key, (shape[key] as Schema<unknown>).toJsonSchema()])),
      required: keys.filter((key) => !(shape[key] as Schema<unknown>).optional),
      additionalProperties: !strict,
    }, description),
  );
}

function optional<T>(inner: Schema<T>): OptionalSchema<T> {
  return {
    optional: true,
    parse: (value, path, ctx) => (value === undefined ? undefined : inner.parse(value, path, ctx)),
    toJsonSchema: () => inner.toJsonSchema(),
  };
}

function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return make(
    (value, path, ctx) => (value === null ? null : inner.parse(value, path, ctx)),
    () => ({ anyOf: [inner.toJsonSchema(), { type: 'null' }] }),
  );
}

/** `[longitude, latitude]` in WGS84 degrees, GeoJSON order. */
export type LonLat = [number, number];

function lonLat(options: { description?: string } = {}): Schema<LonLat> {
  return make(
    (value, path, ctx) => {
      if (!Array.isArray(value) || value.length !== 2) return fail(ctx, path, 'expected [longitude, latitude]');
      const [lon, lat] = value as unknown[];
      if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
        return fail(ctx, `${path}[0]`, 'longitude must be a number in [-180, 180]');
      }
      if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
        return fail(ctx, `${path}[1]`, 'latitude must be a number in [-90, 90]');
      }
      return [lon, lat];
    },
    () => withDescription({
      type: 'array',
      prefixItems: [
        { type: 'number', minimum: -180, maximum: 180, description: 'longitude (WGS84 degrees)' },
        { type: 'number', minimum: -90, maximum: 90, description: 'latitude (WGS84 degrees)' },
      ],
      minItems: 2,
      maxItems: 2,
    }, options.description ?? '[longitude, latitude] in WGS84 degrees'),
  );
}

/** The schema builder: `s.object({ name: s.string({ max: 200 }), count: s.int({ min: 1 }) })`. */
export const s = {
  string,
  number: (options: NumberOptions = {}) => numeric(false, options),
  int: (options: NumberOptions = {}) => numeric(true, options),
  boolean,
  enum: enumOf,
  literal,
  array,
  object,
  optional,
  nullable,
  lonLat,
};

/** Validates `value` against `schema`; `path` prefixes every issue (`body`, `query`, `params`). */
export function parseWith<T>(schema: Schema<T>, value: unknown, path: string, coerce = false):
  { ok: true; value: T } | { ok: false; issues: Issue[] } {
  const ctx: ParseContext = { issues: [], coerce };
  const parsed = schema.parse(value, path, ctx);
  if (parsed === INVALID) return { ok: false, issues: ctx.issues.length > 0 ? ctx.issues : [{ path, message: 'invalid' }] };
  return { ok: true, value: parsed };
}
