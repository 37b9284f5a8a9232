import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../observability/index.ts';
import type { ErrorBody } from './HttpError.ts';
import { HttpError } from './HttpError.ts';
import type { HttpMetrics } from './httpMetrics.ts';

/** Error codes that mean "the client sent bad input"; each is counted in `fleet_http_rejected_requests_total`. */
export const INPUT_REJECTION_CODES: ReadonlySet<string> = new Set([
  'INVALID_JSON', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'UNSUPPORTED_ENCODING', 'BAD_REQUEST_BODY', 'VALIDATION_FAILED',
]);

interface BodyParserError {
  type: string;
  status?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string'
    && typeof (error as { status?: unknown }).status === 'number';
}

/** Maps body-parser's failures (`err.type`) to our codes, so clients never see its internals or a 500. */
function fromBodyParser(error: BodyParserError): HttpError {
  switch (error.type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'INVALID_JSON', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError(413, 'BODY_TOO_LARGE', 'the request body is larger than this endpoint accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'UNSUPPORTED_ENCODING', 'the request body encoding or charset is not supported; send UTF-8 JSON');
    default:
      return new HttpError(error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 400,
        'BAD_REQUEST_BODY', 'the request body could not be read');
  }
}

/**
 * The app's last middleware. HttpError → `{ error: { code, message, details } }` with its status; body-parser
 * failures → 400/413/415; anything else → logged with the request id and answered as a plain 500 that reveals nothing.
 */
export function errorMiddleware(deps: { logger: Logger; metrics: HttpMetrics }): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = res.locals.requestId as string | undefined;
    let httpError: HttpError;
    if (error instanceof HttpError) httpError = error;
    else if (isBodyParserError(error)) httpError = fromBodyParser(error);
    else {
      deps.metrics.internalErrors.inc();
      deps.logger.error('unhandled error in request', { requestId, error });
      httpError = new HttpError(500, 'INTERNAL', 'internal error; quote the request id when reporting it');
    }
    if (INPUT_REJECTION_CODES.has(httpError.code)) deps.metrics.rejected.inc({ reason: httpError.code });
    if (httpError.status === 429) {
      const limiter = (httpError.details as { limiter?: unknown } | undefined)?.limiter;
      deps.metrics.rateLimited.inc({ limiter: typeof limiter === 'string' ? limiter : 'unknown' });
    }
    const body: ErrorBody = { error: { code: httpError.code, message: httpError.message, ...(httpError.details !== undefined ? { details: httpError.details } : {}), ...(requestId ? { requestId } : {}) } };
    res.status(httpError.status).set(httpError.headers).json(body);
  };
}

/** Answers any unmatched request with a JSON 404. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'NOT_FOUND', `no endpoint ${req.method} ${req.path}`));
};
