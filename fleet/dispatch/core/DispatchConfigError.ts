import { AppError } from '../../../common/core/AppError.ts';

/** A dispatch configuration or travel matrix that cannot work (a programmer or set-up fault, not an outcome). */
export class DispatchConfigError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DISPATCH_INVALID_CONFIG', message, options);
  }
}
