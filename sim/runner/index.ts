/** sim/runner: runs a simulated campus day (fast mode, fleet fidelity). See docs/sim.md. */
export { DayConfigError, daySerials, runDay, scaleDemand } from './runDay.ts';
export type { DayConfig, DayProgress, DayResult } from './runDay.ts';
export type { DayObserver, ObservedRobot } from './DayObserver.ts';
export { KinematicMotion, RouteCache, SimCharger, SimCompartments, SimKeypad, SimRobot } from './SimRobot.ts';
export type { RoutedLeg, SimRobotActivity, SimRobotHooks, SimRobotOptions } from './SimRobot.ts';
export { defaultBatteryModel, SimBattery } from './core/SimBattery.ts';
export type { BatteryModel } from './core/SimBattery.ts';
export { measurePolyline, pointAlong } from './core/polyline.ts';
export type { MeasuredPolyline } from './core/polyline.ts';
