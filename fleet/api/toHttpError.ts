import { AppError } from '../../common/core/AppError.ts';
import { HttpError } from '../http/index.ts';
import { ValidationError } from '../parcels/index.ts';

/** Domain error codes → HTTP status. Anything not listed stays a 500 (logged, opaque). */
const STATUS: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  PARCEL_NOT_FOUND: 404,
  PARCEL_ILLEGAL_TRANSITION: 409,
  PARCEL_VERSION_CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  ROBOT_INVALID: 400,
  ROBOT_EXISTS: 409,
  TRACKING_UNKNOWN_ROBOT: 404,
};

/** Turns the domain's AppErrors into the HTTP layer's HttpError, so clients get a status and a stable code. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof HttpError || !(error instanceof AppError)) return error;
  const status = STATUS[error.code];
  if (status === undefined) return error;
  const details = error instanceof ValidationError ? { issues: error.issues.slice(0, 20) } : undefined;
  return new HttpError(status, error.code, error.message, details, { cause: error });
}

/** Runs a handler body and maps domain errors (see toHttpError). */
export async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toHttpError(e);
  }
}
