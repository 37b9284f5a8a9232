import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Express, RequestHandler, Router } from 'express';
import type { Clock } from '../../clock/index.ts';
import { AppError } from '../../common/core/AppError.ts';
import type { TokenRepository, TrackingLookup } from '../auth/index.ts';
import { authenticate, requireRole, trackingAuth } from '../auth/index.ts';
import type { RateLimiter } from './core/RateLimiter.ts';
import type { Logger, Metrics } from '../observability/index.ts';
import { PROMETHEUS_CONTENT_TYPE } from '../observability/index.ts';
import { errorMiddleware, notFound } from './errorMiddleware.ts';
import { httpMetrics } from './httpMetrics.ts';
import type { OpenApiInfo, RouteAuth, RouteDef } from './openapi.ts';
import { buildOpenApi, mountRoutes } from './openapi.ts';

/** A readiness check: resolves when the dependency is usable, throws (or rejects) when not. */
export type ReadinessCheck = () => Promise<void> | void;

export interface HttpAppOptions {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  auth: {
    tokens: TokenRepository;
    /** Needed only when some route has `auth: 'tracking'`. */
    tracking?: TrackingLookup;
    /** Override the default limiters (tests use small ones). */
    authFailures?: RateLimiter;
    trackingPerIp?: RateLimiter;
    trackingFailures?: RateLimiter;
  };
  routes: readonly RouteDef[];
  /** Named checks for `/readyz`, e.g. `{ database: () => store.ping(), broker: () => … }`. */
  readiness?: Record<string, ReadinessCheck>;
  /** A check slower than this counts as failed. Default 2,000 ms. */
  readinessTimeoutMs?: number;
  /** JSON body limit in bytes. Default 100 kB. */
  bodyLimitBytes?: number;
  /** express `trust proxy` (set when behind a reverse proxy, so rate limits see the client's IP). Default false. */
  trustProxy?: boolean | number | string;
  openApiInfo?: OpenApiInfo;
  /** Extra routers mounted before the 404 handler, e.g. static console files. */
  extra?: Array<{ path: string; router: Router | RequestHandler }>;
}

/** A wiring mistake found while building the app (not a request error). */
export class HttpAppConfigError extends AppError {}

const requestIdRe = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds the fleet server's express app: JSON body limit, request ids (`X-Request-Id`), access log, metrics,
 * `/healthz`, `/readyz`, `/metrics`, `/openapi.json`, the given routes, JSON 404s and the error middleware.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const { clock, logger, metrics, routes, readiness = {}, readinessTimeoutMs = 2000, bodyLimitBytes = 100_000 } = options;
  const m = httpMetrics(metrics);
  const log = logger.child({ component: 'http' });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? false);

  app.use((req, res, next) => {
    const offered = req.get('x-request-id');
    const requestId = offered !== undefined && requestIdRe.test(offered) ? offered : randomUUID();
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    const startMs = clock.now();
    res.on('finish', () => {
      // Route templates, not raw paths, as labels: raw paths hold ids and tokens and would explode cardinality.
      const route = req.route ? `${req.baseUrl}${String((req.route as { path: unknown }).path)}` : 'unmatched';
      const durationMs = clock.now() - startMs;
      m.requests.inc({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
      m.durationS.observe(durationMs / 1000, { method: req.method, route });
      // The path only: query strings can carry anything, and the logger masks /track/<token>.
      log.info('request', { requestId, method: req.method, path: req.path.slice(0, 300), route, status: res.statusCode, durationMs });
    });
    next();
  });

  app.use(express.json({ limit: bodyLimitBytes, strict: false }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(Object.entries(readiness).map(async ([name, check]) => [name, await runCheck(clock, check, readinessTimeoutMs)] as const));
    const failed = results.filter(([, r]) => r !== 'ok');
    for (const [name, r] of failed) log.warn('readiness check failed', { check: name, reason: r });
    res.status(failed.length === 0 ? 200 : 503).json({ status: failed.length === 0 ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
  app.get('/metrics', (_req, res) => {
    res.type(PROMETHEUS_CONTENT_TYPE).send(metrics.render());
  });
  const openApi = buildOpenApi(routes, options.openApiInfo ?? { title: 'Campus fleet server', version: '0.1.0' });
  app.get('/openapi.json', (_req, res) => {
    res.json(openApi);
  });

  const bearer = authenticate({
    tokens: options.auth.tokens,
    clock,
    ...(options.auth.authFailures ? { failures: options.auth.authFailures } : {}),
    onReject: (reason) => m.authRejected.inc({ reason }),
  });
  const tracking = options.auth.tracking
    ? trackingAuth({
      lookup: options.auth.tracking,
      clock,
      ...(options.auth.trackingPerIp ? { perIp: options.auth.trackingPerIp } : {}),
      ...(options.auth.trackingFailures ? { failuresPerIp: options.auth.trackingFailures } : {}),
      onReject: (reason) => m.authRejected.inc({ reason: `tracking_${reason}` }),
    })
    : undefined;
  const authFor = (auth: RouteAuth): RequestHandler[] => {
    if (auth === 'public') return [];
    if (auth === 'tracking') {
      if (!tracking) throw new HttpAppConfigError('HTTP_APP_CONFIG', 'a route uses auth "tracking" but createHttpApp got no auth.tracking lookup');
      return [tracking];
    }
    return [bearer, requireRole(auth)];
  };
  const router = express.Router();
  mountRoutes(router, routes, { authFor, logger: log });
  app.use(router);
  for (const { path, router: extra } of options.extra ?? []) app.use(path, extra);

  app.use(notFound);
  app.use(errorMiddleware({ logger: log, metrics: m }));
  return app;
}

async function runCheck(clock: Clock, check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: ReturnType<Clock['setTimer']> | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = clock.setTimer(timeoutMs, () => resolve(`timed out after ${timeoutMs} ms`));
  });
  try {
    return await Promise.race([
      Promise.resolve().then(check).then(() => 'ok', (error: unknown) => `failed: ${errorCode(error)}`),
      timeout,
    ]);
  } finally {
    if (timer) clock.clearTimer(timer);
  }
}

// Only the error's code or name goes out: /readyz is public and messages can carry hostnames or connection strings.
function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.length <= 64) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string') return name;
  }
  return 'error';
}
