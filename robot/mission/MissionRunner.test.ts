import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { MissionExecutor } from './core/MissionExecutor.ts';
import { MissionRunner, type MissionNotice } from './MissionRunner.ts';

function runner(): { r: MissionRunner; notices: MissionNotice[] } {
  const executor = new MissionExecutor({ compartmentCount: 4, initialPose: { x: 0, y: 0, theta: 0, mapId: 'm' }, batteryChargePercent: 80 });
  const r = new MissionRunner({ executor, clock: new VirtualClock(0) });
  const notices: MissionNotice[] = [];
  r.onNotice((n) => notices.push(n));
  return { r, notices };
}

describe('MissionRunner state notices [VDA5050 §6.10: state on change]', () => {
  it('says nothing when only the pose or velocity moved, and announces any other change once', () => {
    const { r, notices } = runner();
    r.dispatch({ type: 'position', pose: { x: 5, y: 1, theta: 0.5, mapId: 'm' }, velocity: { vx: 1, vy: 0, omega: 0 }, localizationScore: 1 });
    expect(notices).toEqual([]);
    expect(r.state().agvPosition).toMatchObject({ x: 5, y: 1 });
    r.dispatch({ type: 'batteryUpdate', chargePercent: 79 });
    expect(notices).toEqual(['state']);
    r.dispatch({ type: 'batteryUpdate', chargePercent: 79 });
    expect(notices).toEqual(['state']);
    r.dispatch({ type: 'fault', errorType: 'chargingNotPossible', level: 'WARNING', description: 'no dock' });
    expect(notices).toEqual(['state', 'state']);
    expect(r.state().errors.map((e) => e.errorType)).toEqual(['chargingNotPossible']);
  });

  it('builds the state once per event for every reader, and afresh after the next event', () => {
    const { r } = runner();
    const a = r.state();
    expect(r.state()).toBe(a);
    r.dispatch({ type: 'batteryUpdate', chargePercent: 50 });
    const b = r.state();
    expect(b).not.toBe(a);
    expect(b.batteryState.batteryCharge).toBe(50);
    expect(a.batteryState.batteryCharge).toBe(80);
  });
});
