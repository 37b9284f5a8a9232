/**
 * Alerts for the dispatcher: rules turn a robot's health and latest state into the conditions that hold now
 * (`alertConditions`), and `reconcileAlerts` raises an alert when a condition starts, keeps ONE alert while it holds
 * (de-duplicated by its key), and clears it when it ends. A dispatcher acknowledges an alert; an alert leaves the
 * list once it is both cleared and acknowledged. Pure: the caller keeps the alert list (see AlertRepository).
 */
import { err, ok, type Result } from '../../../common/core/AppError.ts';
import type { State, VdaError } from '../../../protocol/index.ts';
import type { RobotHealth } from './robotHealth.ts';

export type AlertKind = 'offline' | 'stale' | 'low_battery' | 'fatal_error' | 'blocked' | 'pickup_code_lockout' | 'order_rejected';
export type AlertSeverity = 'info' | 'warning' | 'critical';

/** A condition that holds now. `key` identifies it within the robot, so the same condition is one alert. */
export interface AlertCondition {
  key: string;
  kind: AlertKind;
  severity: AlertSeverity;
  message: string;
  /** Parcel concerned, when there is one (lockout). */
  parcelId?: string;
}

export interface Alert extends AlertCondition {
  /** `<robot>/<key>@<raisedAtMs>`: the same on every server instance that sees the same messages. */
  id: string;
  robot: string;
  raisedAtMs: number;
  clearedAtMs?: number;
  acknowledged?: { by: string; atMs: number };
}

export interface AlertRuleOptions {
  /** Battery below this (%) raises low_battery. Default 20. */
  lowBatteryPct?: number;
}

export const DEFAULT_LOW_BATTERY_PCT = 20;

/** errorTypes meaning the robot's order was refused [VDA5050 §6.6.4.1–§6.6.4.3]. */
const ORDER_REJECTION_ERRORS = new Set(['validationError', 'orderError', 'orderUpdateError']);
/** errorTypes (any robot maker's) that mean the path is blocked; matched loosely because names vary by vendor. */
const BLOCKED_PATTERN = /block|obstacle|nopath|no_path|pathnotfound/i;

/** The conditions that hold for `serial` now. Pure. */
export function alertConditions(
  serial: string,
  health: RobotHealth,
  state: Pick<State, 'errors' | 'batteryState'> | undefined,
  options: AlertRuleOptions = {},
): AlertCondition[] {
  const lowBatteryPct = options.lowBatteryPct ?? DEFAULT_LOW_BATTERY_PCT;
  const out: AlertCondition[] = [];
  if (health.kind === 'offline' && health.reason !== 'clean') {
    const why = health.reason === 'last_will' ? 'its connection broke (last will)' : 'it never sent a state';
    out.push({ key: 'offline', kind: 'offline', severity: 'critical', message: `${serial} is offline: ${why}` });
  }
  if (health.kind === 'stale') {
    out.push({ key: 'stale', kind: 'stale', severity: 'warning', message: `${serial} has sent no state since ${new Date(health.lastStateAt).toISOString()}` });
  }
  // Errors and battery only mean something while the robot is reachable; offline is alert enough.
  if (state === undefined || health.kind === 'offline' || health.kind === 'unknown') return out;
  const battery = state.batteryState.batteryCharge;
  if (battery < lowBatteryPct && !state.batteryState.charging) {
    out.push({ key: 'low_battery', kind: 'low_battery', severity: battery < lowBatteryPct / 2 ? 'critical' : 'warning',
      message: `${serial} battery at ${battery.toFixed(0)} % (< ${lowBatteryPct} %) and not charging` });
  }
  for (const e of state.errors) {
    const ref = (k: string) => e.errorReferences?.find((r) => r.referenceKey === k)?.referenceValue;
    const detail = describe(e);
    if (e.errorType === 'pickupCodeLockout') {
      const parcelId = ref('parcelId') ?? '?';
      out.push({ key: `pickup_code_lockout:${parcelId}`, kind: 'pickup_code_lockout', severity: 'warning', parcelId,
        message: `${serial}: parcel ${parcelId} locked after too many wrong pickup codes${detail}` });
    } else if (ORDER_REJECTION_ERRORS.has(e.errorType)) {
      const orderId = ref('orderId') ?? ref('actionId') ?? '';
      out.push({ key: `order_rejected:${e.errorType}:${orderId}`, kind: 'order_rejected', severity: 'warning',
        message: `${serial} rejected order ${orderId || '(unknown)'}: ${e.errorType}${detail}` });
    } else if (BLOCKED_PATTERN.test(e.errorType)) {
      out.push({ key: `blocked:${e.errorType}`, kind: 'blocked', severity: e.errorLevel === 'FATAL' ? 'critical' : 'warning',
        message: `${serial} is blocked: ${e.errorType}${detail}` });
    } else if (e.errorLevel === 'FATAL') {
      out.push({ key: `fatal_error:${e.errorType}`, kind: 'fatal_error', severity: 'critical',
        message: `${serial} reports FATAL ${e.errorType}${detail}` });
    }
  }
  return out.length < 2 ? out : dedupeByKey(out);
}

export interface AlertChanges {
  /** The robot's alert list after reconciling (other robots' alerts untouched by the caller). */
  alerts: Alert[];
  raised: Alert[];
  cleared: Alert[];
}

/**
 * Reconciles `serial`'s current alerts with the conditions that hold now. Open alerts whose condition still holds
 * stay as they are (no duplicate); new conditions raise; open alerts whose condition ended are cleared. Alerts that
 * are both cleared and acknowledged are dropped.
 */
export function reconcileAlerts(serial: string, current: readonly Alert[], conditions: readonly AlertCondition[], nowMs: number): AlertChanges {
  const holding = new Map(conditions.map((c) => [c.key, c]));
  const raised: Alert[] = [];
  const cleared: Alert[] = [];
  const alerts: Alert[] = [];
  const open = new Set<string>();
  for (const a of current) {
    if (a.robot !== serial) continue;
    if (a.clearedAtMs === undefined && holding.has(a.key)) {
      open.add(a.key);
      alerts.push(a);
    } else if (a.clearedAtMs === undefined) {
      const c: Alert = { ...a, clearedAtMs: nowMs };
      cleared.push(c);
      if (c.acknowledged === undefined) alerts.push(c);
    } else if (a.acknowledged === undefined) {
      alerts.push(a);
    }
  }
  for (const c of conditions) {
    if (open.has(c.key)) continue;
    const a: Alert = { ...c, id: `${serial}/${c.key}@${nowMs}`, robot: serial, raisedAtMs: nowMs };
    raised.push(a);
    alerts.push(a);
  }
  return { alerts, raised, cleared };
}

export type AcknowledgeError = 'unknown_alert' | 'already_acknowledged';

/** Marks an alert acknowledged by `by`. An acknowledged alert that has already cleared drops out of the list. */
export function acknowledgeAlert(alert: Alert, by: string, nowMs: number): Result<Alert, AcknowledgeError> {
  if (alert.acknowledged !== undefined) return err('already_acknowledged');
  return ok({ ...alert, acknowledged: { by, atMs: nowMs } });
}

function describe(e: VdaError): string {
  return e.errorDescription ? ` (${e.errorDescription.slice(0, 200)})` : '';
}

function dedupeByKey(conditions: AlertCondition[]): AlertCondition[] {
  const seen = new Set<string>();
  return conditions.filter((c) => (seen.has(c.key) ? false : (seen.add(c.key), true)));
}
