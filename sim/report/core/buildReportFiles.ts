import { computeKpis } from './computeKpis.ts';
import type { DayKpis } from './computeKpis.ts';
import type { DayRecord } from './DayRecord.ts';
import { renderHtml } from './renderHtml.ts';
import type { CampusGeometry } from './renderHtml.ts';
import { renderSweepHtml } from './renderSweepHtml.ts';
import { stableJson } from './stableJson.ts';
import { DEFAULT_COST_MODEL, sweepRows } from './sweep.ts';
import type { CostModel, SweepRun } from './sweep.ts';
import { validateDay } from './validateDay.ts';
import type { DayVerdict, ValidateDayOptions } from './validateDay.ts';

export interface DayReportOptions {
  campus?: CampusGeometry;
  lowBatteryPct?: number;
  validate?: ValidateDayOptions;
  /** Precomputed KPIs/verdict (the runner may already have printed them); computed when absent. */
  kpis?: DayKpis;
  verdict?: DayVerdict;
}

/** The files of a day report, by name, with their content; deterministic for the same record. */
export interface ReportFiles {
  kpis: DayKpis;
  verdict: DayVerdict;
  files: Record<string, string>;
}

/**
 * Everything a day report writes, as strings: `kpis.json` (run parameters, KPIs, verdict), `parcels.jsonl` (one
 * parcel lifecycle per line, in arrival order), `events.jsonl` (notable events in time order) and `report.html`.
 * Pure, so determinism is tested without touching the disk; run info with wall-clock times is the adapter's.
 */
export function buildReportFiles(record: DayRecord, options: DayReportOptions = {}): ReportFiles {
  const kpis = options.kpis ?? computeKpis(record);
  const verdict = options.verdict ?? validateDay(record, options.validate);
  const kpisJson = stableJson({ params: record.params, kpis, verdict, robots: record.robots }, { decimals: 4 }) + '\n';
  const parcelLines = record.parcels.map((p) =>
    stableJson(
      {
        id: p.id,
        destination: p.destination,
        arrivedAtMs: p.arrivedAtMs,
        assignedAtMs: p.assignedAtMs,
        loadedAtMs: p.loadedAtMs,
        outForDeliveryAtMs: p.outForDeliveryAtMs,
        awaitingPickupAtMs: p.awaitingPickupAtMs,
        deliveredAtMs: p.deliveredAtMs,
        returnedAtMs: p.returnedAtMs,
        returnReason: p.returnReason,
        handoverCount: p.handoverCount,
        handedOverWithCode: p.handedOverWithCode,
        codeAttempts: p.codeAttempts,
      },
      { decimals: 0, indent: 0 },
    ),
  );
  // Stable sort: events at the same instant keep the order they were recorded in.
  const events = [...record.events].sort((a, b) => a.tMs - b.tMs);
  const eventLines = events.map((e) =>
    stableJson({ tMs: e.tMs, kind: e.kind, serial: e.serial, parcelId: e.parcelId, detail: e.detail }, { decimals: 0, indent: 0 }),
  );
  const html = renderHtml({ record, kpis, verdict, campus: options.campus, lowBatteryPct: options.lowBatteryPct });
  return {
    kpis,
    verdict,
    files: {
      'kpis.json': kpisJson,
      'parcels.jsonl': joinLines(parcelLines),
      'events.jsonl': joinLines(eventLines),
      'report.html': html,
    },
  };
}

/** The files of a sweep report: `sweep.json` (rows and each run's KPIs and verdict) and `sweep.html`. */
export function buildSweepFiles(runs: readonly SweepRun[], options: { costModel?: CostModel; targetP95Min?: number } = {}): Record<string, string> {
  const model = options.costModel ?? DEFAULT_COST_MODEL;
  return {
    'sweep.json': stableJson({ costModel: model, rows: sweepRows(runs, model), runs }, { decimals: 4 }) + '\n',
    'sweep.html': renderSweepHtml({ runs, costModel: model, targetP95Min: options.targetP95Min }),
  };
}

function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}
