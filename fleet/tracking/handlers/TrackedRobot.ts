/**
 * What the tracker keeps per registered robot, and what a topic handler hands back. Handlers update the snapshot
 * fields of the TrackedRobot they are given and return the consequences (a health event, parcel events); FleetTracker
 * applies those, so health transitions and alert rules run in one place.
 */
import type {
  AgvPosition, Connection, Factsheet, OrderDeliveryAction, ParseOptions, State, VdaTopic, Velocity,
} from '../../../protocol/index.ts';
import type { HealthEvent, RobotHealth } from '../core/robotHealth.ts';
import type { ParcelEvent } from '../core/parcelEventsFromState.ts';
import type { RobotRecord } from '../RobotRegistry.ts';

export interface TrackedRobot {
  record: RobotRecord;
  health: RobotHealth;
  /** Last accepted headerId per topic (protocol order). */
  lastHeaderId: Partial<Record<VdaTopic, number>>;
  state?: State;
  stateAtMs?: number;
  position?: AgvPosition & { atMs: number };
  velocity?: Velocity;
  connectionState?: Connection['connectionState'];
  connectionAtMs?: number;
  factsheet?: Factsheet;
  /** Delivery actions of the orders sent to this robot, by actionId (what a state's actionStates refer to). */
  deliveryActions: Map<string, OrderDeliveryAction>;
  /**
   * Parse options per topic, made once: the expected sender, and the robot's MessageMemo for that topic, so the
   * members of a state that repeat the previous one are not parsed and validated again.
   */
  parseOptions: Partial<Record<VdaTopic, ParseOptions>>;
}

export interface HandlerResult {
  health?: HealthEvent;
  parcelEvents?: ParcelEvent[];
  /** actionIds whose status changed but that no registered order explains. */
  unknownActionIds?: string[];
}

export function newTrackedRobot(record: RobotRecord, nowMs: number): TrackedRobot {
  return { record, health: { kind: 'unknown', since: nowMs }, lastHeaderId: {}, deliveryActions: new Map(), parseOptions: {} };
}
