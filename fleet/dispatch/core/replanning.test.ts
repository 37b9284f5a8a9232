import { describe, expect, it } from 'vitest';
import { handleUnclaimed } from './handleUnclaimed.ts';
import { replanAfterRobotFailure } from './replanAfterRobotFailure.ts';
import { bareConfig, NOW } from './testWorld.ts';

const config = bareConfig({ robotFailureTimeoutS: 300, maxDeliveryAttempts: 3, redeliveryDelayS: 1800 });
const parcels = [{ id: 'p3', stage: 'out_for_delivery' as const }, { id: 'p1', stage: 'assigned' as const },
  { id: 'p2', stage: 'loaded' as const }];

describe('replanAfterRobotFailure', () => {
  it('waits out the timeout before touching anything', () => {
    expect(replanAfterRobotFailure({ serial: 'r1', failedSinceMs: NOW - 100_000, recoveredAtHub: false, parcels }, NOW, config))
      .toEqual({ kind: 'wait', recheckAtMs: NOW + 200_000 });
  });

  it('requeues unloaded parcels after the timeout and keeps loaded ones with the robot until it is recovered', () => {
    expect(replanAfterRobotFailure({ serial: 'r1', failedSinceMs: NOW - 300_000, recoveredAtHub: false, parcels }, NOW, config))
      .toEqual({ kind: 'replan', requeue: ['p1'], awaitRecovery: ['p2', 'p3'] });
    expect(replanAfterRobotFailure({ serial: 'r1', failedSinceMs: NOW - 10_000, recoveredAtHub: true, parcels }, NOW, config))
      .toEqual({ kind: 'replan', requeue: ['p1', 'p2', 'p3'], awaitRecovery: [] });
  });
});

describe('handleUnclaimed', () => {
  it('requeues after the redelivery delay, then returns to sender at the attempt limit', () => {
    expect(handleUnclaimed({ id: 'p', attempts: 0 }, NOW, config))
      .toEqual({ kind: 'requeue', parcelId: 'p', attempts: 1, readyAtMs: NOW + 1_800_000 });
    expect(handleUnclaimed({ id: 'p', attempts: 1 }, NOW, config).kind).toBe('requeue');
    expect(handleUnclaimed({ id: 'p', attempts: 2 }, NOW, config)).toEqual({ kind: 'return_to_sender', parcelId: 'p', attempts: 3 });
  });
});
