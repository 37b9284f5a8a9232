/**
 * The route registry. A route is defined once — method, path, auth, request schemas, responses, handler — and that
 * one definition both mounts the express handler chain and describes the operation in `/openapi.json`.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { Role } from '../auth/index.ts';
import type { AuthInfo } from '../auth/index.ts';
import type { Logger } from '../observability/index.ts';
import type { Infer, JsonSchema, Schema } from './core/schema.ts';
import type { RequestSchemas } from './validate.ts';
import { getInput, validate } from './validate.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `public`: anyone; a role: bearer token with at least that role; `tracking`: a recipient's tracking token in the path. */
export type RouteAuth = 'public' | Role | 'tracking';

export interface ResponseSpec {
  description: string;
  body?: Schema<unknown>;
}

/** What a handler receives: typed, validated input plus the request context. */
export interface HandlerContext<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** The caller, on routes with a role. */
  auth: AuthInfo | undefined;
  /** What the tracking token grants, on `tracking` routes (whatever the tracking lookup returned). */
  tracking: unknown;
  requestId: string;
  /** A logger bound to this request's id. */
  log: Logger;
  /** Overrides the response status (default: the lowest 2xx in `responses`). */
  setStatus(status: number): void;
  req: Request;
  res: Response;
}

type Maybe<S> = S extends Schema<unknown> ? Infer<S> : undefined;

export interface RouteSpec<BS extends Schema<unknown> | undefined, QS extends Schema<unknown> | undefined, PS extends Schema<unknown> | undefined> {
  method: HttpMethod;
  /** Express path syntax (`/api/parcels/:id`); shown as `/api/parcels/{id}` in the OpenAPI document. */
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  auth: RouteAuth;
  request?: { body?: BS; query?: QS; params?: PS };
  responses: Record<number, ResponseSpec>;
  /** Extra middleware run after auth and before validation, e.g. a `rateLimit` keyed by target. */
  middleware?: RequestHandler[];
  /**
   * Returns the JSON response body (sent with the success status), or undefined for an empty response. May also write
   * to `ctx.res` itself (then its return value is ignored).
   */
  handler: (ctx: HandlerContext<Maybe<BS>, Maybe<QS> extends undefined ? Record<string, never> : Maybe<QS>, Maybe<PS> extends undefined ? Record<string, string> : Maybe<PS>>) => unknown;
}

/** A route with its types erased, ready to mount and document. */
export interface RouteDef {
  method: HttpMethod;
  path: string;
  summary: string;
  description?: string;
  tags?: string[];
  auth: RouteAuth;
  request: RequestSchemas;
  responses: Record<number, ResponseSpec>;
  middleware: RequestHandler[];
  handler: (ctx: HandlerContext<unknown, unknown, unknown>) => unknown;
}

/** Defines a route; the handler's `ctx.body`/`query`/`params` are typed from the schemas. */
export function defineRoute<
  BS extends Schema<unknown> | undefined = undefined,
  QS extends Schema<unknown> | undefined = undefined,
  PS extends Schema<unknown> | undefined = undefined,
>(spec: RouteSpec<BS, QS, PS>): RouteDef {
  return {
    method: spec.method,
    path: spec.path,
    summary: spec.summary,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.tags !== undefined ? { tags: spec.tags } : {}),
    auth: spec.auth,
    request: (spec.request ?? {}) as RequestSchemas,
    responses: spec.responses,
    middleware: spec.middleware ?? [],
    handler: spec.handler as RouteDef['handler'],
  };
}

/** The lowest 2xx status a route declares (its default success status). */
export function successStatus(route: RouteDef): number {
  const codes = Object.keys(route.responses).map(Number).filter((c) => c >= 200 && c < 300).sort((a, b) => a - b);
  return codes[0] ?? 200;
}

export interface MountDeps {
  /** Auth middleware per route kind, built once by `createHttpApp`. */
  authFor: (auth: RouteAuth) => RequestHandler[];
  logger: Logger;
}

/** Mounts every route on `router`: auth → route middleware → validate → handler. */
export function mountRoutes(router: Router, routes: readonly RouteDef[], deps: MountDeps): void {
  for (const route of routes) {
    const status = successStatus(route);
    const run: RequestHandler = async (req, res) => {
      const input = getInput(res);
      let chosenStatus = status;
      const requestId = String(res.locals.requestId ?? '');
      const result = await route.handler({
        body: input.body,
        query: input.query,
        params: route.request.params ? input.params : req.params,
        auth: res.locals.auth as AuthInfo | undefined,
        tracking: res.locals.tracking,
        requestId,
        log: deps.logger.child({ requestId }),
        setStatus: (s) => {
          chosenStatus = s;
        },
        req,
        res,
      });
      if (res.headersSent) return;
      if (result === undefined) res.status(chosenStatus === 200 ? 204 : chosenStatus).end();
      else res.status(chosenStatus).json(result);
    };
    router[route.method](route.path, ...deps.authFor(route.auth), ...route.middleware, validate(route.request), run);
  }
}

const errorBodySchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'stable machine-readable error code, e.g. VALIDATION_FAILED' },
        message: { type: 'string' },
        details: { description: 'e.g. { issues: [{ path, message }] } for VALIDATION_FAILED' },
        requestId: { type: 'string' },
      },
    },
  },
};

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersFrom(schema: Schema<unknown> | undefined, location: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = schema.toJsonSchema() as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

/** Builds the OpenAPI 3.1 document for the routes. */
export function buildOpenApi(routes: readonly RouteDef[], info: OpenApiInfo): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const pathParams = parametersFrom(route.request.params, 'path');
    const declared = new Set(pathParams.map((p) => p.name));
    for (const match of route.path.matchAll(/:([A-Za-z0-9_]+)/g)) {
      const name = match[1] as string;
      if (!declared.has(name)) pathParams.push({ name, in: 'path', required: true, schema: { type: 'string' } });
    }
    const responses: Record<string, unknown> = {};
    for (const [code, response] of Object.entries(route.responses)) {
      responses[code] = {
        description: response.description,
        ...(response.body ? { content: { 'application/json': { schema: response.body.toJsonSchema() } } } : {}),
      };
    }
    const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });
    if (route.request.body || route.request.query || route.request.params) responses['400'] ??= errorResponse('invalid input');
    if (route.request.body) responses['413'] ??= errorResponse('body too large');
    if (route.auth !== 'public' && route.auth !== 'tracking') {
      responses['401'] ??= errorResponse('missing or unknown API token');
      responses['403'] ??= errorResponse('the token\'s role is not enough');
    }
    if (route.auth === 'tracking') responses['404'] ??= errorResponse('unknown or expired tracking token');
    responses['429'] ??= errorResponse('rate limited; see Retry-After');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method] = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.tags ? { tags: route.tags } : {}),
      operationId: `${route.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(route.auth === 'public' || route.auth === 'tracking' ? { security: [] } : { security: [{ bearer: [] }], 'x-required-role': route.auth }),
      parameters: [...pathParams, ...parametersFrom(route.request.query, 'query')],
      ...(route.request.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: route.request.body.toJsonSchema() } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token `fleet_…` with role admin, dispatcher or viewer' } },
      schemas: { Error: errorBodySchema },
    },
  };
}
