/** sim/wire: wire mode — the fleet server in its own process, robots over a real MQTT broker, sped up. See docs/sim.md. */
export { runWireDay } from './runWireDay.ts';
export type { WireDayConfig, WireDayResult, WireMessageCounts, WireProgress } from './runWireDay.ts';
export { startFleetProcess } from './fleetProcess.ts';
export type { FleetProcess, FleetProcessOptions } from './fleetProcess.ts';
export { readScaledEnv, scaledEnv, WireError, READY_PREFIX } from './scaledEnv.ts';
export type { ScaledTimeBase } from './scaledEnv.ts';
export { counterByLabel, peakWindow, thinnedVisualizationPeriodMs } from './core/peakWindow.ts';
export { formatWireResult, runWireCommand } from './runWireCommand.ts';
export { startPrivateMosquitto } from './privateMosquitto.ts';
export type { PrivateMosquitto } from './privateMosquitto.ts';
