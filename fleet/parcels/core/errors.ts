import { AppError } from '../../../common/core/AppError.ts';
import type { ParcelEventType, ParcelStatus } from './parcelLifecycle.ts';

/** One thing wrong with the input, at a path like `parcels[17].destination`. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Bad input from a caller (HTTP 400). `issues` lists every problem found, the message the first few. */
export class ValidationError extends AppError {
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[]) {
    const shown = issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    super('VALIDATION_FAILED', `${shown.join('; ')}${more}`);
    this.issues = issues;
  }
}

/** No parcel with that id (HTTP 404). */
export class ParcelNotFoundError extends AppError {
  readonly parcelId: string;
  constructor(parcelId: string) {
    super('PARCEL_NOT_FOUND', `no parcel ${parcelId}`);
    this.parcelId = parcelId;
  }
}

/** The event does not apply in the parcel's status (HTTP 409). */
export class ParcelTransitionError extends AppError {
  readonly parcelId: string;
  readonly from: ParcelStatus;
  readonly event: ParcelEventType;
  constructor(parcelId: string, from: ParcelStatus, event: ParcelEventType, detail: string) {
    super('PARCEL_ILLEGAL_TRANSITION', `parcel ${parcelId}: ${detail}`);
    this.parcelId = parcelId;
    this.from = from;
    this.event = event;
  }
}

/** The caller's expectedVersion is stale: someone changed the parcel since it was read (HTTP 409). */
export class ParcelVersionConflictError extends AppError {
  constructor(parcelId: string, expected: number, actual: number) {
    super('PARCEL_VERSION_CONFLICT', `parcel ${parcelId} is at version ${actual}, not the expected ${expected}; re-read and retry`);
  }
}

/** An idempotency key reused for a different request (HTTP 422). */
export class IdempotencyKeyReusedError extends AppError {
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', `idempotency key ${JSON.stringify(key.slice(0, 64))} was already used for a different request`);
  }
}
