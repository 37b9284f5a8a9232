import type { Clock } from '../../../clock/index.ts';
import { redact, redactString } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;

/** Structured JSON-lines logger. Every record passes through `redact`, so callers cannot leak a code or a token. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` (e.g. `{ component: 'broker' }`, `{ reqId }`) to every record. */
  child(bindings: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  clock: Clock;
  /** Records below this level are dropped. Default `info`. */
  level?: LogLevel;
  /** Receives one JSON line (no trailing newline). Default: `process.stdout`. */
  sink?: (line: string) => void;
  bindings?: LogFields;
}

const stdoutSink = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/**
 * Creates a JSON-lines logger: `{"time":"…","level":"info","msg":"…",...bindings,...fields}`. Time comes from the
 * clock, so simulated runs log simulated time.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { clock, level = 'info', sink = stdoutSink, bindings = {} } = options;
  const minRank = levelRank[level];
  const safeBindings = redact(bindings) as LogFields;

  const write = (recordLevel: LogLevel, message: string, fields: LogFields | undefined): void => {
    if (levelRank[recordLevel] < minRank) return;
    const time = new Date(clock.now()).toISOString();
    const extra = fields === undefined ? {} : (redact(fields) as LogFields);
    // time, level and msg lead each line and a caller's field cannot overwrite them; msg is masked like any string.
    const record: LogFields = { time, level: recordLevel, msg: redactString(message) };
    for (const [key, value] of Object.entries({ ...safeBindings, ...extra })) {
      if (!Object.hasOwn(record, key)) record[key] = value;
    }
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ time, level: recordLevel, msg: record.msg, logError: 'unserializable fields' });
    }
    sink(line);
  };

  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    child: (more) => createLogger({ clock, level, sink, bindings: { ...bindings, ...more } }),
    isLevelEnabled: (candidate) => levelRank[candidate] >= minRank,
  };
}

/** A logger that keeps its records in memory (parsed) — for tests and for showing recent logs. */
export function createMemoryLogger(clock: Clock, level: LogLevel = 'debug'): { logger: Logger; lines: string[]; records: () => LogFields[] } {
  const lines: string[] = [];
  const logger = createLogger({ clock, level, sink: (line) => lines.push(line) });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as LogFields) };
}
