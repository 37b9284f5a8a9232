import { describe, expect, it } from 'vitest';
import { isDateTime, schemaVersionOf } from './SchemaValidator.ts';

describe('isDateTime (the date-time format, without ajv-formats)', () => {
  it('accepts RFC 3339 timestamps as VDA 5050 uses them', () => {
    for (const s of ['2017-04-15T11:40:03.12Z', '2026-03-02T09:15:00Z', '2024-02-29T23:59:60.5+01:00', '1991-03-11t11:40:03z']) {
      expect(isDateTime(s), s).toBe(true);
    }
  });
  it('rejects impossible dates, missing zones and other shapes', () => {
    for (const s of ['2026-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T10:00:00', '2026-01-01 10:00:00Z', '1700000000', '2026-01-01T10:00:00+25:00']) {
      expect(isDateTime(s), s).toBe(false);
    }
  });
  it('knows the Gregorian leap years and month lengths', () => {
    for (const s of ['2000-02-29T00:00:00Z', '2028-02-29T00:00:00Z', '2026-04-30T00:00:00Z', '2026-12-31T00:00:00Z']) expect(isDateTime(s), s).toBe(true);
    for (const s of ['2100-02-29T00:00:00Z', '1900-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-06-31T00:00:00Z', '2026-01-00T00:00:00Z']) {
      expect(isDateTime(s), s).toBe(false);
    }
  });
});

describe('schemaVersionOf [VDA5050 §6.4]', () => {
  it('maps 2.0.x and 2.1.x to their schema sets and refuses the rest', () => {
    expect(schemaVersionOf('2.0.0')).toBe('2.0.0');
    expect(schemaVersionOf('2.0.7')).toBe('2.0.0');
    expect(schemaVersionOf('2.1.0')).toBe('2.1.0');
    for (const v of ['1.1.0', '2.2.0', '3.0.0', '2.0', '2.0.0-rc1', 'v2.0.0', '2.01.0']) expect(schemaVersionOf(v), v).toBeUndefined();
  });
});
