/**
 * A small metrics registry rendering the Prometheus text exposition format (version 0.0.4). Written here rather than
 * taken from prom-client to keep the dependency list short; it covers counters, gauges and histograms with labels.
 */
import { AppError } from '../../../common/core/AppError.ts';

export type Labels = Record<string, string | number>;

export class MetricsError extends AppError {}

interface Series {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  bucketCounts: number[];
  sum: number;
  count: number;
}

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface Gauge {
  set(value: number, labels?: Labels): void;
  inc(labels?: Labels, by?: number): void;
  dec(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface Histogram {
  observe(value: number, labels?: Labels): void;
  /** Count and sum of observations for one label set. */
  get(labels?: Labels): { count: number; sum: number };
}

interface MetricDef {
  name: string;
  help: string;
  labelNames: readonly string[];
}

const nameRe = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelRe = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Default latency buckets in seconds, from 5 ms to 10 s. */
export const DEFAULT_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A registry; `render()` gives the `/metrics` body. Metric names are unique; asking twice returns the same metric. */
export class Metrics {
  readonly #renderers = new Map<string, { kind: string; render: () => string; metric: unknown }>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const existing = this.#existing(name, 'counter');
    if (existing) return existing as Counter;
    const def = this.#define(name, help, labelNames);
    const series = new Map<string, Series>();
    const metric: Counter = {
      inc: (labels = {}, by = 1) => {
        if (!(by >= 0)) throw new MetricsError('METRICS_INVALID', `${name}: a counter only goes up, got inc(${by})`);
        seriesFor(def, series, labels).value += by;
      },
      get: (labels = {}) => series.get(labelKey(def, labels))?.value ?? 0,
    };
    this.#renderers.set(name, { kind: 'counter', metric, render: () => renderSimple(def, 'counter', series) });
    return metric;
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    const existing = this.#existing(name, 'gauge');
    if (existing) return existing as Gauge;
    const def = this.#define(name, help, labelNames);
    const series = new Map<string, Series>();
    const metric: Gauge = {
      set: (value, labels = {}) => {
        seriesFor(def, series, labels).value = value;
      },
      inc: (labels = {}, by = 1) => {
        seriesFor(def, series, labels).value += by;
      },
      dec: (labels = {}, by = 1) => {
        seriesFor(def, series, labels).value -= by;
      },
      get: (labels = {}) => series.get(labelKey(def, labels))?.value ?? 0,
    };
    this.#renderers.set(name, { kind: 'gauge', metric, render: () => renderSimple(def, 'gauge', series) });
    return metric;
  }

  histogram(name: string, help: string, labelNames: readonly string[] = [], buckets: readonly number[] = DEFAULT_BUCKETS_S): Histogram {
    const existing = this.#existing(name, 'histogram');
    if (existing) return existing as Histogram;
    const def = this.#define(name, help, labelNames);
    const bounds = [...buckets].sort((a, b) => a - b);
    if (bounds.length === 0 || bounds.some((b) => !Number.isFinite(b))) {
      throw new MetricsError('METRICS_INVALID', `${name}: buckets must be finite numbers, got [${buckets.join(', ')}]`);
    }
    const series = new Map<string, HistogramSeries>();
    const metric: Histogram = {
      observe: (value, labels = {}) => {
        if (Number.isNaN(value)) return;
        const key = labelKey(def, labels);
        let entry = series.get(key);
        if (!entry) {
          entry = { labels: { ...labels }, bucketCounts: bounds.map(() => 0), sum: 0, count: 0 };
          series.set(key, entry);
        }
        for (let i = 0; i < bounds.length; i += 1) {
          if (value <= (bounds[i] as number)) entry.bucketCounts[i] = (entry.bucketCounts[i] ?? 0) + 1;
        }
        entry.sum += value;
        entry.count += 1;
      },
      get: (labels = {}) => {
        const entry = series.get(labelKey(def, labels));
        return { count: entry?.count ?? 0, sum: entry?.sum ?? 0 };
      },
    };
    this.#renderers.set(name, { kind: 'histogram', metric, render: () => renderHistogram(def, bounds, series) });
    return metric;
  }

  /** The Prometheus text exposition of every metric, in registration order. */
  render(): string {
    return [...this.#renderers.values()].map((r) => r.render()).join('');
  }

  #existing(name: string, kind: string): unknown {
    const found = this.#renderers.get(name);
    if (!found) return undefined;
    if (found.kind !== kind) throw new MetricsError('METRICS_INVALID', `${name} is already registered as a ${found.kind}, not a ${kind}`);
    return found.metric;
  }

  #define(name: string, help: string, labelNames: readonly string[]): MetricDef {
    if (!nameRe.test(name)) throw new MetricsError('METRICS_INVALID', `metric name ${JSON.stringify(name)} is not a valid Prometheus name`);
    for (const label of labelNames) {
      if (!labelRe.test(label) || label.startsWith('__') || label === 'le') {
        throw new MetricsError('METRICS_INVALID', `${name}: label name ${JSON.stringify(label)} is not allowed`);
      }
    }
    return { name, help, labelNames: [...labelNames] };
  }
}

/** The content type Prometheus expects for the text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function labelKey(def: MetricDef, labels: Labels): string {
  for (const key of Object.keys(labels)) {
    if (!def.labelNames.includes(key)) throw new MetricsError('METRICS_INVALID', `${def.name}: unknown label ${JSON.stringify(key)}`);
  }
  return def.labelNames.map((n) => String(labels[n] ?? '')).join('\u0000');
}

function seriesFor(def: MetricDef, series: Map<string, Series>, labels: Labels): Series {
  const key = labelKey(def, labels);
  let entry = series.get(key);
  if (!entry) {
    entry = { labels: { ...labels }, value: 0 };
    series.set(key, entry);
  }
  return entry;
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatLabels(def: MetricDef, labels: Labels, extra?: [string, string]): string {
  const parts = def.labelNames.filter((n) => labels[n] !== undefined).map((n) => `${n}="${escapeLabelValue(String(labels[n]))}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function header(def: MetricDef, kind: string): string {
  return `# HELP ${def.name} ${escapeHelp(def.help)}\n# TYPE ${def.name} ${kind}\n`;
}

function renderSimple(def: MetricDef, kind: string, series: Map<string, Series>): string {
  let out = header(def, kind);
  // A metric without labels shows 0 before its first event, so dashboards see it exists.
  if (series.size === 0 && def.labelNames.length === 0) out += `${def.name} 0\n`;
  for (const entry of series.values()) out += `${def.name}${formatLabels(def, entry.labels)} ${formatNumber(entry.value)}\n`;
  return out;
}

function renderHistogram(def: MetricDef, bounds: readonly number[], series: Map<string, HistogramSeries>): string {
  let out = header(def, 'histogram');
  for (const entry of series.values()) {
    bounds.forEach((bound, i) => {
      out += `${def.name}_bucket${formatLabels(def, entry.labels, ['le', formatNumber(bound)])} ${entry.bucketCounts[i] ?? 0}\n`;
    });
    out += `${def.name}_bucket${formatLabels(def, entry.labels, ['le', '+Inf'])} ${entry.count}\n`;
    out += `${def.name}_sum${formatLabels(def, entry.labels)} ${formatNumber(entry.sum)}\n`;
    out += `${def.name}_count${formatLabels(def, entry.labels)} ${entry.count}\n`;
  }
  return out;
}
