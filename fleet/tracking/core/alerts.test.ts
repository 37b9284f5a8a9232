import { describe, expect, it } from 'vitest';
import { acknowledgeAlert, alertConditions, reconcileAlerts, type Alert } from './alerts.ts';
import type { RobotHealth } from './robotHealth.ts';

const online: RobotHealth = { kind: 'online', mode: 'idle', lastStateAt: 0 };
const okState = { errors: [], batteryState: { batteryCharge: 80, charging: false } };

describe('alert rules', () => {
  it('raise nothing for a healthy robot', () => {
    expect(alertConditions('r1', online, okState)).toEqual([]);
  });

  it('raise offline (not for a clean goodbye), stale, low battery, FATAL, blocked, lockout and order rejection', () => {
    expect(alertConditions('r1', { kind: 'offline', since: 0, reason: 'last_will' }, okState).map((c) => c.kind)).toEqual(['offline']);
    expect(alertConditions('r1', { kind: 'offline', since: 0, reason: 'never_seen' }, undefined).map((c) => c.kind)).toEqual(['offline']);
    expect(alertConditions('r1', { kind: 'offline', since: 0, reason: 'clean' }, okState)).toEqual([]);
    expect(alertConditions('r1', { kind: 'stale', since: 0, mode: 'idle', lastStateAt: 0 }, okState).map((c) => c.kind)).toEqual(['stale']);
    const low = alertConditions('r1', online, { errors: [], batteryState: { batteryCharge: 15, charging: false } }, { lowBatteryPct: 20 });
    expect(low).toMatchObject([{ kind: 'low_battery', severity: 'warning' }]);
    expect(alertConditions('r1', online, { errors: [], batteryState: { batteryCharge: 5, charging: false } })[0]?.severity).toBe('critical');
    expect(alertConditions('r1', online, { errors: [], batteryState: { batteryCharge: 15, charging: true } })).toEqual([]);
    const errors = [
      { errorType: 'laserFailure', errorLevel: 'FATAL' as const },
      { errorType: 'pathBlocked', errorLevel: 'WARNING' as const },
      { errorType: 'pickupCodeLockout', errorLevel: 'WARNING' as const, errorReferences: [{ referenceKey: 'actionId', referenceValue: 'a1' }, { referenceKey: 'parcelId', referenceValue: 'P-1' }] },
      { errorType: 'validationError', errorLevel: 'WARNING' as const, errorReferences: [{ referenceKey: 'orderId', referenceValue: 'o-9' }] },
      { errorType: 'recipientNoShow', errorLevel: 'WARNING' as const },
    ];
    const cs = alertConditions('r1', online, { errors, batteryState: { batteryCharge: 80, charging: false } });
    expect(cs.map((c) => [c.kind, c.key])).toEqual([
      ['fatal_error', 'fatal_error:laserFailure'],
      ['blocked', 'blocked:pathBlocked'],
      ['pickup_code_lockout', 'pickup_code_lockout:P-1'],
      ['order_rejected', 'order_rejected:validationError:o-9'],
    ]);
    expect(cs[2]?.parcelId).toBe('P-1');
  });
});

describe('reconcileAlerts', () => {
  const lowBattery = { key: 'low_battery', kind: 'low_battery' as const, severity: 'warning' as const, message: 'low' };
  const stale = { key: 'stale', kind: 'stale' as const, severity: 'warning' as const, message: 'stale' };

  it('raises once while the condition holds, clears when it ends, and drops it once also acknowledged', () => {
    const first = reconcileAlerts('r1', [], [lowBattery], 100);
    expect(first.raised).toHaveLength(1);
    const alert = first.raised[0]!;
    expect(alert).toMatchObject({ id: 'r1/low_battery@100', robot: 'r1', kind: 'low_battery', raisedAtMs: 100 });
    const again = reconcileAlerts('r1', first.alerts, [lowBattery], 200);
    expect(again.raised).toEqual([]);
    expect(again.alerts).toEqual([alert]);
    const ended = reconcileAlerts('r1', again.alerts, [], 300);
    expect(ended.cleared).toEqual([{ ...alert, clearedAtMs: 300 }]);
    // Cleared but unacknowledged: still listed, so the dispatcher sees it happened.
    expect(ended.alerts).toEqual([{ ...alert, clearedAtMs: 300 }]);
    const acked = acknowledgeAlert(ended.alerts[0]!, 'disp-1', 350);
    expect(acked).toEqual({ ok: true, value: { ...alert, clearedAtMs: 300, acknowledged: { by: 'disp-1', atMs: 350 } } });
    const after = reconcileAlerts('r1', [acked.ok ? acked.value : alert], [], 400);
    expect(after.alerts).toEqual([]);
    expect(acknowledgeAlert(acked.ok ? acked.value : alert, 'x', 500)).toEqual({ ok: false, error: 'already_acknowledged' });
  });

  it('raises a fresh alert when a cleared condition comes back, and leaves other conditions alone', () => {
    const a = reconcileAlerts('r1', [], [lowBattery, stale], 100);
    const b = reconcileAlerts('r1', a.alerts, [stale], 200);
    expect(b.cleared.map((x) => x.key)).toEqual(['low_battery']);
    const c = reconcileAlerts('r1', b.alerts, [stale, lowBattery], 300);
    expect(c.raised.map((x: Alert) => x.id)).toEqual(['r1/low_battery@300']);
    expect(c.alerts.map((x) => x.id).sort()).toEqual(['r1/low_battery@100', 'r1/low_battery@300', 'r1/stale@100']);
  });
});
