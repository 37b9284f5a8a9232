/** fleet/tracking: robots over VDA 5050 — registry, health, alerts, parcel events, instant actions. The public door. */
export { FleetTracker, TrackingError } from './FleetTracker.ts';
export type {
  ActionConfirmation, AlertChange, FleetTrackerEvents, FleetTrackerOptions, InstantActionType, RobotView, TrackingLogger, TrackingMetrics,
} from './FleetTracker.ts';
export { InMemoryRobotRegistry } from './RobotRegistry.ts';
export type { RobotRecord, RobotRegistry } from './RobotRegistry.ts';
export { InMemoryRobotStateRepository } from './RobotStateRepository.ts';
export type { RobotStateRepository, StoredRobotState } from './RobotStateRepository.ts';
export { InMemoryHeaderIdRepository } from './HeaderIdRepository.ts';
export type { HeaderIdRecord, HeaderIdRepository } from './HeaderIdRepository.ts';
export { InMemoryAlertRepository } from './AlertRepository.ts';
export type { AlertRepository } from './AlertRepository.ts';
export { DEFAULT_STALE_AFTER_MS, modeOfState, transition } from './core/robotHealth.ts';
export type { HealthEvent, HealthOptions, OfflineReason, RobotHealth, RobotMode } from './core/robotHealth.ts';
export { parcelEventsFromState } from './core/parcelEventsFromState.ts';
export type { ParcelDiff, ParcelEvent, ParcelEventCause, ParcelEventKind } from './core/parcelEventsFromState.ts';
export { DEFAULT_LOW_BATTERY_PCT, acknowledgeAlert, alertConditions, reconcileAlerts } from './core/alerts.ts';
export type { AcknowledgeError, Alert, AlertChanges, AlertCondition, AlertKind, AlertRuleOptions, AlertSeverity } from './core/alerts.ts';
export { dispatchStateOf } from './core/dispatchStateOf.ts';
export { headerOrder } from './core/headerOrder.ts';
export type { HeaderOrder } from './core/headerOrder.ts';
export { REJECTION_CODES, ingestMessage } from './handlers/index.ts';
export type { IngestContext, IngestOutcome, RejectionCode, TrackingRejectionCode } from './handlers/index.ts';
