/** fleet/parcels: the parcel lifecycle (pure) and the service that stores, changes and queries parcels. */
export { ParcelService } from './ParcelService.ts';
export type {
  AppliedParcelEvent,
  ApplyEventOptions,
  CreateBatchResult,
  CreateOptions,
  IssuedParcel,
  Parcel,
  ParcelHistoryEntry,
  ParcelEventItem,
  ParcelListFilter,
  ParcelPage,
  ParcelServiceOptions,
  PickupCodeCheck,
  Recipient,
  ReissuedCode,
} from './ParcelService.ts';
export {
  allowedEvents,
  isParcelStatus,
  isTerminalStatus,
  PARCEL_STATUSES,
  TERMINAL_STATUSES,
  transition,
  TRANSITIONS,
} from './core/parcelLifecycle.ts';
export type { ParcelEvent, ParcelEventType, ParcelStatus, ReturnReason, TransitionError } from './core/parcelLifecycle.ts';
export {
  IdempotencyKeyReusedError,
  ParcelNotFoundError,
  ParcelTransitionError,
  ParcelVersionConflictError,
  ValidationError,
} from './core/errors.ts';
export type { ValidationIssue } from './core/errors.ts';
export { MAX_BATCH, validateParcelBatch, validateParcelInput } from './core/validateParcelInput.ts';
export type { ParcelInput, RecipientInput } from './core/validateParcelInput.ts';
