export { createLogger, createMemoryLogger } from './core/Logger.ts';
export type { Logger, LogLevel, LogFields, LoggerOptions } from './core/Logger.ts';
export { redact, redactString, isSecretKey, SECRET_KEYS, REDACTED, MAX_REDACT_DEPTH } from './core/redact.ts';
export { Metrics, MetricsError, PROMETHEUS_CONTENT_TYPE, DEFAULT_BUCKETS_S } from './core/Metrics.ts';
export type { Counter, Gauge, Histogram, Labels } from './core/Metrics.ts';
