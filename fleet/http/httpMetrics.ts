import type { Counter, Histogram, Metrics } from '../observability/index.ts';

/** The HTTP layer's metrics, registered once per registry (asking again returns the same ones). */
export interface HttpMetrics {
  requests: Counter;
  durationS: Histogram;
  /** Requests refused for bad input (body, query or path), by reason: the "rejected and counted" of the design. */
  rejected: Counter;
  authRejected: Counter;
  rateLimited: Counter;
  internalErrors: Counter;
}

export function httpMetrics(metrics: Metrics): HttpMetrics {
  return {
    requests: metrics.counter('fleet_http_requests_total', 'HTTP requests answered, by method, route and status class', ['method', 'route', 'status']),
    durationS: metrics.histogram('fleet_http_request_duration_seconds', 'HTTP request duration in seconds, by method and route', ['method', 'route']),
    rejected: metrics.counter('fleet_http_rejected_requests_total', 'HTTP requests rejected for malformed or invalid input, by reason', ['reason']),
    authRejected: metrics.counter('fleet_http_auth_rejected_total', 'HTTP requests refused by authentication or tracking-token checks, by reason', ['reason']),
    rateLimited: metrics.counter('fleet_http_rate_limited_total', 'HTTP requests refused with 429, by limiter', ['limiter']),
    internalErrors: metrics.counter('fleet_http_internal_errors_total', 'HTTP requests that failed with an unexpected 500'),
  };
}
