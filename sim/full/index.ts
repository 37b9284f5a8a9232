/** sim/full: full-fidelity robots (every onboard node at 10 Hz, LiDAR, pedestrians) for a simulated day. See docs/sim.md. */
export { createFullFidelityFleet, FullFidelityFleet, parkingPoses } from './FullFidelityFleet.ts';
export type { FullFidelityFleetOptions, FullFidelityStats } from './FullFidelityFleet.ts';
export { DockCharger, FullFidelityRobot } from './FullFidelityRobot.ts';
export type { FullFidelityRobotOptions, RobotContacts } from './FullFidelityRobot.ts';
export { GroundTruthMetrics } from './GroundTruthMetrics.ts';
export type { GroundTruthSummary } from './GroundTruthMetrics.ts';
export { driveRoundTrips, roundTripPlaces } from './roundTrips.ts';
export type { RoundTripRobot, RoundTrips } from './roundTrips.ts';
export { bodyBattery } from './bodyBattery.ts';
export { dockBaySpots } from './dockBaySpots.ts';
export type { DockBaySpotOptions, DockPlace } from './dockBaySpots.ts';
export { startFullFidelityDay } from './FullFidelityDay.ts';
export type { DayRobot, FullFidelityDay, FullFidelityDayOptions } from './FullFidelityDay.ts';
export { startFullFidelityDayShards } from './adapters/FullFidelityDayShards.ts';
export type { FullFidelityDayShardsOptions } from './adapters/FullFidelityDayShards.ts';
export { StallTrace } from './StallTrace.ts';
export type { StallEpisode, StallSample, StallTraceOptions, StallTraceSummary } from './StallTrace.ts';
