/** The small logger the mission and bridge take, so tests stay quiet and a ROS node can pass its own. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Drops everything: the default, so nothing spams a test's console. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Keeps every line, for tests that assert a warning was logged. */
export class MemoryLogger implements Logger {
  readonly lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; message: string }> = [];
  debug(message: string): void { this.lines.push({ level: 'debug', message }); }
  info(message: string): void { this.lines.push({ level: 'info', message }); }
  warn(message: string): void { this.lines.push({ level: 'warn', message }); }
  error(message: string): void { this.lines.push({ level: 'error', message }); }
}
