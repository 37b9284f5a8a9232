import { describe, expect, it } from 'vitest';
import { handmadeDay } from '../test/handmade.ts';
import { computeKpis } from './computeKpis.ts';
import { formatKpiTable, formatVerdict } from './formatKpiTable.ts';
import { validateDay } from './validateDay.ts';

describe('formatKpiTable', () => {
  const table = formatKpiTable(computeKpis(handmadeDay()));
  const lines = table.trimEnd().split('\n');

  it('right-aligns the values in one column', () => {
    // The first row ("parcels") has no unit, so its length is where every value ends.
    const end = lines[0]!.length;
    for (const l of lines) {
      expect(l[end - 1], l).toMatch(/\S/);
      expect(l[end] === undefined || l[end] === ' ', l).toBe(true);
    }
  });

  it('lists each KPI with its unit and returns per reason indented', () => {
    expect(table).toMatch(/^delivered\s+3 \(75 %\)$/m);
    expect(table).toMatch(/^ {2}· recipient_absent\s+1$/m);
    expect(table).toMatch(/^time to delivery p95\s+76 min$/m);
    expect(table).toMatch(/^robot utilization\s+37\.5 %$/m);
    expect(table).toMatch(/^cross-track error RMS\s+0\.05 m$/m);
  });

  it('prints the verdict with one line per failure', () => {
    expect(formatVerdict(validateDay(handmadeDay()))).toBe('verdict: PASSED\n');
    const day = handmadeDay();
    day.robots[1]!.minBatteryPct = -2;
    expect(formatVerdict(validateDay(day))).toBe('verdict: FAILED\n  ✗ no-flat-battery: robots whose battery reached 0% or less (1) e.g. r2\n');
  });
});
