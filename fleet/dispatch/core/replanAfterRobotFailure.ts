import type { DispatchConfig } from './types.ts';

/** Where a parcel of the failed robot's trip is in its lifecycle (fleet/parcels names). */
export type CarriedStage = 'assigned' | 'loaded' | 'out_for_delivery' | 'awaiting_pickup';

export interface FailedRobot {
  serial: string;
  /** When it went offline / reported a fatal error / stopped sending state. */
  failedSinceMs: number;
  /** It is back (online and at the hub, or recovered there by an operator). */
  recoveredAtHub: boolean;
  parcels: readonly { id: string; stage: CarriedStage }[];
}

export type FailureDecision =
  /** Still within robotFailureTimeoutS: it may come back by itself. Ask again at `recheckAtMs`. */
  | { kind: 'wait'; recheckAtMs: number }
  | {
    kind: 'replan';
    /** Back to waiting now (the caller sets them `received` again), keeping their original readyAtMs. */
    requeue: string[];
    /** Locked in the robot: raise a recovery alert; they are requeued once it is back at the hub. */
    awaitRecovery: string[];
  };

/**
 * What happens to a failed or offline robot's parcels. The rule (docs/dispatch.md):
 * - within `robotFailureTimeoutS` of the failure nothing changes (a short network drop must not double-plan);
 * - after it, parcels only assigned (not loaded) are requeued at once: they are still on the hub's shelf;
 * - parcels inside the robot stay with it — no rescue trip, because another robot cannot open a locked compartment
 *   without a person — until the robot is recovered to the hub, then they are requeued (keeping their age, so they
 *   go out first). Their pickup codes should be revoked by the caller when requeued.
 */
export function replanAfterRobotFailure(robot: FailedRobot, nowMs: number, config: DispatchConfig): FailureDecision {
  const deadlineMs = robot.failedSinceMs + config.robotFailureTimeoutS * 1000;
  if (!robot.recoveredAtHub && nowMs < deadlineMs) return { kind: 'wait', recheckAtMs: deadlineMs };
  const requeue: string[] = [], awaitRecovery: string[] = [];
  for (const p of robot.parcels) {
    if (p.stage === 'assigned' || robot.recoveredAtHub) requeue.push(p.id);
    else awaitRecovery.push(p.id);
  }
  return { kind: 'replan', requeue: requeue.sort(), awaitRecovery: awaitRecovery.sort() };
}
