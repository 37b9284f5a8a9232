import type { DayKpis } from './computeKpis.ts';
import { kpiRows } from './kpiRows.ts';
import type { DayVerdict } from './validateDay.ts';

/** The KPIs as an aligned plain-text table for the terminal (labels left, values right-aligned, then units). */
export function formatKpiTable(kpis: DayKpis): string {
  const rows = kpiRows(kpis).map((r) => ({ label: (r.sub === true ? '  · ' : '') + r.label, value: r.value, unit: r.unit }));
  const lw = Math.max(...rows.map((r) => r.label.length));
  const vw = Math.max(...rows.map((r) => r.value.length));
  return rows.map((r) => `${r.label.padEnd(lw)}  ${r.value.padStart(vw)}${r.unit !== '' ? ` ${r.unit}` : ''}`.trimEnd()).join('\n') + '\n';
}

/** The verdict as terminal lines: "PASSED" or "FAILED" followed by one line per failure. */
export function formatVerdict(verdict: DayVerdict): string {
  if (verdict.passed) return 'verdict: PASSED\n';
  const lines = verdict.failures.map(
    (f) => `  ✗ ${f.rule}: ${f.detail} (${f.count})${f.examples.length > 0 ? ` e.g. ${f.examples.join(', ')}` : ''}`,
  );
  return `verdict: FAILED\n${lines.join('\n')}\n`;
}
