/**
 * sim/report: what a simulated day leaves behind — the DayRecord the runner fills, KPIs, the validation verdict that
 * sets the exit code, the offline HTML report with SVG plots, the sweep page, and the terminal progress bar and table.
 * See docs/sim-report.md.
 */
export { BUSY_STATES, DayRecorder, ROBOT_STATES } from './core/DayRecord.ts';
export type {
  ContactSummary,
  DayEvent,
  DayRecord,
  Fidelity,
  ParcelRecord,
  RobotSamples,
  RobotState,
  RobotTotals,
  RunMode,
  RunParams,
} from './core/DayRecord.ts';
export { computeKpis } from './core/computeKpis.ts';
export type { DayKpis } from './core/computeKpis.ts';
export { DAY_RULES, validateDay } from './core/validateDay.ts';
export type { DayFailure, DayRule, DayVerdict, ValidateDayOptions } from './core/validateDay.ts';
export { daySeries } from './core/daySeries.ts';
export type { DaySeries, DaySeriesOptions } from './core/daySeries.ts';
export { quantiles, quantileSorted } from './core/quantile.ts';
export { kpiRows } from './core/kpiRows.ts';
export type { KpiRow } from './core/kpiRows.ts';
export { formatKpiTable, formatVerdict } from './core/formatKpiTable.ts';
export { renderHtml, STATE_COLOURS } from './core/renderHtml.ts';
export type { CampusGeometry, ReportInput } from './core/renderHtml.ts';
export { renderSweepHtml } from './core/renderSweepHtml.ts';
export type { SweepReportInput } from './core/renderSweepHtml.ts';
export { dayCost, DEFAULT_COST_MODEL, sweepRows } from './core/sweep.ts';
export type { CostModel, SweepRow, SweepRun } from './core/sweep.ts';
export { buildReportFiles, buildSweepFiles } from './core/buildReportFiles.ts';
export type { DayReportOptions, ReportFiles } from './core/buildReportFiles.ts';
export { stableJson } from './core/stableJson.ts';
export { ProgressBar } from './adapters/ProgressBar.ts';
export type { ProgressOptions, ProgressStream, ProgressUpdate } from './adapters/ProgressBar.ts';
export { writeReport, writeSweepReport } from './adapters/writeReport.ts';
export type { RunInfo, WrittenReport } from './adapters/writeReport.ts';
export * from './core/svg/index.ts';
export { syntheticDay } from './core/syntheticDay.ts';
export type { SyntheticDayOptions } from './core/syntheticDay.ts';
