import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Infer } from './schema.ts';
import { parseWith, s } from './schema.ts';

const parcel = s.object({
  recipient: s.string({ min: 1, max: 20 }),
  count: s.int({ min: 1 }),
  tags: s.optional(s.array(s.enum(['fragile', 'cold']), { max: 2 })),
  at: s.lonLat(),
  note: s.nullable(s.string()),
});

describe('schema builder', () => {
  it('types parsed values from the definition', () => {
    expectTypeOf<Infer<typeof parcel>>().toEqualTypeOf<{ recipient: string; count: number; at: [number, number]; note: string | null; tags?: Array<'fragile' | 'cold'> }>();
  });

  it('returns the parsed value and drops nothing it knows', () => {
    const value = { recipient: 'Ada', count: 2, tags: ['cold'], at: [120.1, 30.2], note: null };
    expect(parseWith(parcel, value, 'body')).toEqual({ ok: true, value });
  });

  it('reports precise paths for nested problems', () => {
    const list = s.object({ parcels: s.array(s.object({ destination: s.string() })) });
    const result = parseWith(list, { parcels: [{ destination: 'a' }, {}, {}, { destination: 7 }] }, 'body');
    expect(result).toEqual({ ok: false, issues: [
      { path: 'body.parcels[1].destination', message: 'required' },
      { path: 'body.parcels[2].destination', message: 'required' },
      { path: 'body.parcels[3].destination', message: 'expected a string, got number' },
    ] });
  });

  it.each([
    [{ recipient: 'x'.repeat(21), count: 1, at: [0, 0], note: null }, 'body.recipient', 'must be at most 20 characters'],
    [{ recipient: 'a', count: 1.5, at: [0, 0], note: null }, 'body.count', 'must be an integer'],
    [{ recipient: 'a', count: 0, at: [0, 0], note: null }, 'body.count', 'must be >= 1'],
    [{ recipient: 'a', count: 1, at: [0, 95], note: null }, 'body.at[1]', 'latitude must be a number in [-90, 90]'],
    [{ recipient: 'a', count: 1, at: [0, 0], note: null, tags: ['cold', 'cold', 'cold'] }, 'body.tags', 'must have at most 2 items'],
    [{ recipient: 'a', count: 1, at: [0, 0], note: null, tags: ['hot'] }, 'body.tags[0]', 'must be one of fragile, cold'],
    [{ recipient: 'a', count: 1, at: [0, 0], note: null, extra: 1 }, 'body.extra', 'unknown field'],
    [[], 'body', 'expected an object, got array'],
  ])('rejects %j at %s', (value, path, message) => {
    const result = parseWith(parcel, value, 'body');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toContainEqual({ path, message });
  });

  it('coerces query-string text only in coerce mode', () => {
    const query = s.object({ limit: s.int({ max: 50 }), live: s.boolean() });
    expect(parseWith(query, { limit: '10', live: 'true' }, 'query', true)).toEqual({ ok: true, value: { limit: 10, live: true } });
    expect(parseWith(query, { limit: '10', live: 'true' }, 'query').ok).toBe(false);
    expect(parseWith(query, { limit: '1e3', live: 'yes' }, 'query', true)).toEqual({ ok: false, issues: [
      { path: 'query.limit', message: 'must be <= 50' },
      { path: 'query.live', message: 'expected a boolean, got string' },
    ] });
  });

  it('caps the number of issues so a hostile body cannot make a huge error', () => {
    const result = parseWith(s.array(s.int()), Array.from({ length: 500 }, () => 'x'), 'body');
    expect(result.ok === false && result.issues.length).toBe(20);
  });

  it('emits JSON Schema for the same definition', () => {
    expect(s.object({ name: s.string({ max: 200 }), count: s.optional(s.int({ min: 1 })) }).toJsonSchema()).toEqual({
      type: 'object',
      properties: { name: { type: 'string', maxLength: 200 }, count: { type: 'integer', minimum: 1 } },
      required: ['name'],
      additionalProperties: false,
    });
  });
});
