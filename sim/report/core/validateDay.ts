import type { DayRecord } from './DayRecord.ts';

/** The four rules of a valid day; their ids are stable (scripts and CI match on them). */
export type DayRule = 'parcels-accounted' | 'no-collision' | 'no-flat-battery' | 'single-coded-handover';

export const DAY_RULES: readonly { rule: DayRule; text: string }[] = [
  { rule: 'parcels-accounted', text: 'every parcel delivered or returned with a reason; none stuck or lost' },
  { rule: 'no-collision', text: 'no collision' },
  { rule: 'no-flat-battery', text: 'no battery run flat' },
  { rule: 'single-coded-handover', text: 'no parcel handed over twice or without its code' },
];

export interface DayFailure {
  rule: DayRule;
  /** What exactly is wrong, in words. */
  detail: string;
  count: number;
  /** A few ids (parcels, robots or contact descriptions), sorted, to start debugging from. */
  examples: string[];
}

export interface DayVerdict {
  passed: boolean;
  failures: DayFailure[];
}

export interface ValidateDayOptions {
  /** A robot whose battery reached this level or below ran flat. Default 0. */
  flatBatteryPct?: number;
  /** Examples kept per failure. Default 5. */
  maxExamples?: number;
}

/**
 * The validation verdict that sets the simulator's exit code. Pure; failures come in a fixed order (rule order,
 * then check order) so the same day gives the same verdict text.
 */
export function validateDay(record: DayRecord, options: ValidateDayOptions = {}): DayVerdict {
  const flatPct = options.flatBatteryPct ?? 0;
  const maxExamples = options.maxExamples ?? 5;
  const failures: DayFailure[] = [];
  const fail = (rule: DayRule, detail: string, ids: string[]) => {
    if (ids.length === 0) return;
    failures.push({ rule, detail, count: ids.length, examples: [...ids].sort().slice(0, maxExamples) });
  };

  // parcels-accounted
  const seen = new Set<string>();
  const duplicated: string[] = [];
  const unresolved: string[] = [];
  const noReason: string[] = [];
  const both: string[] = [];
  const outOfOrder: string[] = [];
  // handovers
  const twice: string[] = [];
  const withoutCode: string[] = [];
  const deliveredNoHandover: string[] = [];
  for (const p of record.parcels) {
    if (seen.has(p.id)) duplicated.push(p.id);
    seen.add(p.id);
    const isDelivered = p.deliveredAtMs !== undefined;
    const isReturned = p.returnedAtMs !== undefined;
    if (!isDelivered && !isReturned) unresolved.push(p.id);
    if (isReturned && !isDelivered && (p.returnReason === undefined || p.returnReason.trim() === '')) noReason.push(p.id);
    if (isDelivered && isReturned) both.push(p.id);
    const end = p.deliveredAtMs ?? p.returnedAtMs;
    if (end !== undefined && end < p.arrivedAtMs) outOfOrder.push(p.id);
    if (p.handoverCount > 1) twice.push(p.id);
    if (p.handoverCount > 0 && !p.handedOverWithCode) withoutCode.push(p.id);
    if (isDelivered && p.handoverCount === 0) deliveredNoHandover.push(p.id);
  }
  fail('parcels-accounted', 'parcels neither delivered nor returned at the end of the day', unresolved);
  fail('parcels-accounted', 'parcels returned without a reason', noReason);
  fail('parcels-accounted', 'parcels recorded both as delivered and as returned', both);
  fail('parcels-accounted', 'parcel ids recorded more than once', duplicated);
  fail('parcels-accounted', 'parcels delivered or returned before they arrived', outOfOrder);
  const lost = record.params.parcels - record.parcels.length;
  if (lost > 0) {
    failures.push({
      rule: 'parcels-accounted',
      detail: `${record.params.parcels} parcels were to arrive but only ${record.parcels.length} are in the record`,
      count: lost,
      examples: [],
    });
  }

  // no-collision: the world's count is authoritative; per-robot counts catch a runner that forgot to pass it.
  const robotsWithCollisions = record.robots.filter((r) => r.collisions > 0);
  let robotSum = 0;
  for (const r of robotsWithCollisions) robotSum += r.collisions;
  const collisions = record.contacts.collisions > 0 ? record.contacts.collisions : robotSum;
  if (collisions > 0) {
    const kinds = Object.keys(record.contacts.collisionsByKind)
      .sort()
      .filter((k) => record.contacts.collisionsByKind[k]! > 0)
      .map((k) => `${k} ${record.contacts.collisionsByKind[k]}`);
    const contactEvents = record.events.filter((e) => e.kind === 'collision');
    const examples =
      contactEvents.length > 0
        ? contactEvents.slice(0, maxExamples).map((e) => `${e.serial ?? '?'} at t=${Math.round(e.tMs)} ms${e.detail ? ` (${e.detail})` : ''}`)
        : robotsWithCollisions.map((r) => r.serial).sort().slice(0, maxExamples);
    failures.push({
      rule: 'no-collision',
      detail: `${collisions} collision(s)${kinds.length > 0 ? `: ${kinds.join(', ')}` : ''}`,
      count: collisions,
      examples,
    });
  }

  // no-flat-battery: per-robot minimum, and the samples in case the totals were not kept.
  const flat = new Set<string>();
  for (const r of record.robots) if (r.minBatteryPct <= flatPct) flat.add(r.serial);
  const { samples } = record;
  for (let i = 0; i < samples.count; i++) {
    if (samples.batteryPct[i]! <= flatPct) {
      const r = record.robots[samples.robot[i]!];
      if (r !== undefined) flat.add(r.serial);
    }
  }
  fail('no-flat-battery', `robots whose battery reached ${flatPct}% or less`, [...flat]);

  fail('single-coded-handover', 'parcels handed over more than once', twice);
  fail('single-coded-handover', 'parcels handed over without a correct pickup code', withoutCode);
  fail('single-coded-handover', 'parcels marked delivered with no hand-over recorded', deliveredNoHandover);

  const order = new Map(DAY_RULES.map((r, i) => [r.rule, i]));
  failures.sort((a, b) => order.get(a.rule)! - order.get(b.rule)!);
  return { passed: failures.length === 0, failures };
}
