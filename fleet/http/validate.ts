import type { RequestHandler, Response } from 'express';
import type { Issue, Schema } from './core/schema.ts';
import { parseWith } from './core/schema.ts';
import { HttpError } from './HttpError.ts';

export interface RequestSchemas<B = unknown, Q = unknown, P = unknown> {
  body?: Schema<B>;
  query?: Schema<Q>;
  params?: Schema<P>;
}

/** The parsed, typed input `validate` leaves for the handler. */
export interface ValidatedInput<B = unknown, Q = unknown, P = unknown> {
  body: B;
  query: Q;
  params: P;
}

/** The input `validate` parsed for this request. */
export function getInput<B = unknown, Q = unknown, P = unknown>(res: Response): ValidatedInput<B, Q, P> {
  return (res.locals.input ?? { body: undefined, query: {}, params: {} }) as ValidatedInput<B, Q, P>;
}

function validationError(issues: Issue[]): HttpError {
  const first = issues[0];
  const summary = first ? `${first.path}: ${first.message}` : 'invalid request';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new HttpError(400, 'VALIDATION_FAILED', `${summary}${more}`, { issues });
}

/**
 * Validates the request's body, query and path parameters against the schemas, all at once (every issue is reported,
 * with paths like `body.parcels[3].destination`), and stores the parsed values for `getInput(res)`. A route with a
 * body schema needs a JSON body: anything else is 415, an empty body 400.
 */
export function validate<B, Q, P>(schemas: RequestSchemas<B, Q, P>): RequestHandler {
  return (req, res, next) => {
    const issues: Issue[] = [];
    const input: ValidatedInput<unknown, unknown, unknown> = { body: undefined, query: {}, params: {} };
    if (schemas.body) {
      if (req.body === undefined) {
        const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
        if (hasBody && !req.is('application/json')) {
          throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be JSON with "Content-Type: application/json"');
        }
        issues.push({ path: 'body', message: 'required' });
      } else {
        const parsed = parseWith(schemas.body, req.body, 'body');
        if (parsed.ok) input.body = parsed.value;
        else issues.push(...parsed.issues);
      }
    }
    if (schemas.query) {
      const parsed = parseWith(schemas.query, { ...(req.query as Record<string, unknown>) }, 'query', true);
      if (parsed.ok) input.query = parsed.value;
      else issues.push(...parsed.issues);
    }
    if (schemas.params) {
      const parsed = parseWith(schemas.params, { ...req.params }, 'params', true);
      if (parsed.ok) input.params = parsed.value;
      else issues.push(...parsed.issues);
    }
    if (issues.length > 0) throw validationError(issues);
    res.locals.input = input;
    next();
  };
}
