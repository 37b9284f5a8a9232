export { planTrips, compareUrgency } from './planTrips.ts';
export { EnergyCalibration, defaultEnergyCalibrationOptions } from './EnergyCalibration.ts';
export type { EnergyCalibrationOptions } from './EnergyCalibration.ts';
export { buildTrip, overrideStopOrder, rerouteTrip, tripEnergyWh, usableEnergyWh } from './buildTrip.ts';
export { planLiveReroute, scheduleLiveStops } from './planLiveReroute.ts';
export type { LiveRerouteDecision, LiveStop, LiveTrip, RemainingStop } from './planLiveReroute.ts';
export { orderStops, tourCost } from './orderStops.ts';
export { solveExact } from './solveExact.ts';
export type { ExactDemand } from './solveExact.ts';
export { createMatrixTravelModel } from './createMatrixTravelModel.ts';
export type { MatrixTravelModel } from './createMatrixTravelModel.ts';
export { createDispatchConfig, defaultDispatchConfig } from './createDispatchConfig.ts';
export { DispatchConfigError } from './DispatchConfigError.ts';
export { chargingPolicy, defaultChargingConfig } from './chargingPolicy.ts';
export type { ChargingConfig, ChargingDecision, ChargingOptions, Dock } from './chargingPolicy.ts';
export { replanAfterRobotFailure } from './replanAfterRobotFailure.ts';
export type { CarriedStage, FailedRobot, FailureDecision } from './replanAfterRobotFailure.ts';
export { handleUnclaimed } from './handleUnclaimed.ts';
export type { UnclaimedDecision } from './handleUnclaimed.ts';
export type {
  DispatchConfig, DispatchRobot, EnergyModel, PlaceId, PlanInput, PlanOptions, PlanResult, PlanStats, RobotState,
  TravelModel, Trip, TripStop, Unassigned, UnassignedReason, WaitingParcel,
} from './types.ts';
export { campusDeliveryPolicy } from './campusDeliveryPolicy.ts';
