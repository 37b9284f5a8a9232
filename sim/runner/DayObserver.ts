import type { MapPose } from '../../robot/mission/index.ts';
import type { Vec2 } from '../../maps/core/types.ts';
import type { SimRobotActivity } from './SimRobot.ts';

/** What an observer may read of a robot during the day (both fidelities offer it). */
export interface ObservedRobot {
  readonly serial: string;
  activity(): SimRobotActivity;
  readonly motion: { poseNow(): MapPose };
  /** Full fidelity on the day's thread: the last LiDAR scan the robot took. */
  lastScan?(): ObservedScan | undefined;
}

/** A LiDAR scan in the robot's frame, as sensor_msgs/LaserScan has it (+Infinity: no return). */
export interface ObservedScan {
  /** When it was taken, simulated ms (at or before the tick that reads it). */
  tMs: number;
  ranges: ArrayLike<number>;
  angleMinRad: number;
  angleIncrementRad: number;
  rangeMaxM: number;
}

/**
 * Watches a day as it runs without taking part in it: a recording, a live view. runDay calls it on the day's clock, in
 * simulated-time order, so an observer sees every call's time at or after the previous one. An observer must not
 * change the day: it reads, and the same seed still gives the same record with or without one.
 */
export interface DayObserver {
  /** Simulated ms between `tick` calls. */
  readonly tickEveryMs: number;
  /** Every `tickEveryMs` from the day's start, with every robot. */
  tick(tMs: number, robots: readonly ObservedRobot[]): void;
  /** A robot starts driving a leg (the fleet-level route it will follow, in the campus frame). */
  leg?(tMs: number, serial: string, points: readonly Vec2[]): void;
  /** A compartment opened for a recipient; `withCode` tells whether the code typed was the one the recipient was sent. */
  handover?(tMs: number, serial: string, parcelId: string, withCode: boolean): void;
  /**
   * Awaited between the day's steps (every progress period of simulated time): an observer that writes in the
   * background catches up here, so what it holds stays bounded however long the day.
   */
  flush?(): Promise<void>;
}
