import { AppError } from '../../../common/core/AppError.ts';

/**
 * Codes: RECORD_BAD_INPUT (a NaN pose, an unknown robot, a malformed option), RECORD_TIME_BACKWARDS (simulated
 * time went back: an MCAP log must not, or Foxglove's playback and chunk index go wrong), RECORD_CLOSED (a call after
 * close), RECORD_IO (the file could not be written).
 */
export type RecordErrorCode = 'RECORD_BAD_INPUT' | 'RECORD_TIME_BACKWARDS' | 'RECORD_CLOSED' | 'RECORD_IO';

/** A fault while recording a simulated run. */
export class RecordError extends AppError {
  declare readonly code: RecordErrorCode;

  constructor(code: RecordErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Throws RECORD_BAD_INPUT naming the first field that is not a finite number. */
export function requireFinite(where: string, fields: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new RecordError('RECORD_BAD_INPUT', `${where}: ${name} must be a finite number, got ${String(value)}`);
    }
  }
}
