import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildReportFiles, buildSweepFiles } from '../core/buildReportFiles.ts';
import type { DayReportOptions, ReportFiles } from '../core/buildReportFiles.ts';
import type { DayRecord } from '../core/DayRecord.ts';
import type { CostModel, SweepRun } from '../core/sweep.ts';

/**
 * Facts about this particular execution (wall-clock start, duration, host, Node version). Written to its own
 * `run-info.json` so that every other file stays byte-identical for the same seed.
 */
export type RunInfo = Record<string, string | number | boolean | null>;

export interface WrittenReport extends ReportFiles {
  outDir: string;
  paths: string[];
}

/** Writes a day report (kpis.json, parcels.jsonl, events.jsonl, report.html, and run-info.json if given) into outDir. */
export async function writeReport(outDir: string, record: DayRecord, options: DayReportOptions & { runInfo?: RunInfo } = {}): Promise<WrittenReport> {
  const built = buildReportFiles(record, options);
  const files = { ...built.files };
  if (options.runInfo !== undefined) files['run-info.json'] = JSON.stringify(options.runInfo, null, 2) + '\n';
  const paths = await writeAll(outDir, files);
  return { ...built, outDir, paths };
}

/** Writes a sweep report (sweep.json, sweep.html, and run-info.json if given) into outDir. */
export async function writeSweepReport(
  outDir: string,
  runs: readonly SweepRun[],
  options: { costModel?: CostModel; targetP95Min?: number; runInfo?: RunInfo } = {},
): Promise<string[]> {
  const files = buildSweepFiles(runs, options);
  if (options.runInfo !== undefined) files['run-info.json'] = JSON.stringify(options.runInfo, null, 2) + '\n';
  return writeAll(outDir, files);
}

async function writeAll(outDir: string, files: Record<string, string>): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const name of Object.keys(files).sort()) {
    const path = join(outDir, name);
    await writeFile(path, files[name]!, 'utf8');
    paths.push(path);
  }
  return paths;
}
