import { AppError } from '../../common/core/AppError.ts';

/**
 * The one error type the HTTP layer answers with: status, a stable machine-readable `code`, a message a client
 * developer can act on, and optional `details` (e.g. validation issues). Anything else thrown in a handler becomes a
 * logged, opaque 500.
 */
export class HttpError extends AppError {
  readonly status: number;
  readonly details: unknown;
  /** Extra response headers, e.g. `WWW-Authenticate` on 401 or `Retry-After` on 429. */
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, details?: unknown, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(code, message, options);
    this.status = status;
    this.details = details;
    this.headers = options?.headers ?? {};
  }
}

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}
