/**
 * Events the mission executor consumes and effects it produces. The executor is pure: the motion layer, the
 * compartment hardware, the keypad and the VDA bridge turn the world into events and carry out the effects.
 */
import type { InstantActions, Order, VdaBody, VdaError } from '../../../protocol/index.ts';

/** The VDA 5050 state without its header: what the executor reports. */
export type StateBody = VdaBody<'state'>;
export type InstantAction = InstantActions['actions'][number];

/** A pose on a map, metres and radians. */
export interface MapPose {
  x: number;
  y: number;
  theta: number;
  mapId: string;
}

export type MissionEvent =
  /** A schema-valid order (the bridge parsed it); the executor checks the rest [VDA5050 §6.6]. */
  | { type: 'order'; order: Order }
  | { type: 'instantActions'; actions: InstantAction[] }
  /** The motion layer reached the node of the last `driveTo`. */
  | { type: 'arrivedAtNode'; nodeId: string; sequenceId: number }
  | { type: 'position'; pose: MapPose; velocity?: { vx: number; vy: number; omega: number }; localizationScore?: number }
  /**
   * A code typed on the robot's keypad for `parcelId` (the recipient scans the QR code from their notification or
   * types the short parcel id, then the code). Without `parcelId` it goes to the one hand-over waiting, if only one is.
   */
  | { type: 'keypadEntry'; parcelId?: string; code: string }
  /** A compartment door closed again; `occupied` is what its sensor reports. */
  | { type: 'compartmentClosed'; compartment: number; occupied: boolean }
  | { type: 'chargingChanged'; charging: boolean }
  /**
   * The charger would not start (no dock within reach, no contact): a startCharging waiting for it fails. Without
   * this it stayed RUNNING for good, the order counted as active, and every new order was refused.
   */
  | { type: 'chargingRefused'; reason: string }
  | { type: 'batteryUpdate'; chargePercent: number; voltageV?: number }
  /** A fault from another node (e.g. safety); FATAL stops driving until cleared. */
  | { type: 'fault'; errorType: string; level: 'WARNING' | 'FATAL'; description: string }
  | { type: 'faultCleared'; errorType: string }
  /** An inbound message the bridge rejected; reported as a validationError WARNING [VDA5050 §6.6.4.1]. */
  | { type: 'messageRejected'; topic: string; code: string; description: string }
  /** Time passed; fires timeouts (recipient no-show). */
  | { type: 'tick' };

export type CompartmentPurpose = 'load' | 'handOver' | 'return' | 'maintenance';

/**
 * What a keypad entry led to, for the keypad's display. `not_waiting`: no hand-over waits for that parcel;
 * `parcel_required`: several hand-overs wait, so the entry must say which parcel it is for.
 */
export type KeypadResult = 'accepted' | 'wrong' | 'locked' | 'not_waiting' | 'parcel_required';

export type MissionEffect =
  /** Drive along `edgeId` to the node; one node at a time, only on the base. */
  | {
    type: 'driveTo';
    nodeId: string;
    sequenceId: number;
    edgeId: string;
    edgeSequenceId: number;
    position?: { x: number; y: number; theta?: number; mapId: string };
    maxSpeedMps?: number;
  }
  | { type: 'stopDriving'; reason: 'pause' | 'cancel' | 'fault' }
  | { type: 'openCompartment'; compartment: number; purpose: CompartmentPurpose; actionId: string }
  | { type: 'lockParcel'; parcelId: string; compartment: number }
  | { type: 'keypad'; show: boolean; actionId: string; parcelId: string }
  | { type: 'keypadFeedback'; result: KeypadResult; attemptsLeft?: number }
  | { type: 'startCharging' }
  | { type: 'stopCharging' }
  | { type: 'publishState' }
  | { type: 'publishFactsheet' };

export type ErrorEntry = VdaError;
