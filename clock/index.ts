export type { Clock, TimerHandle } from './core/Clock.ts';
export { ClockError } from './core/Clock.ts';
export { VirtualClock } from './core/VirtualClock.ts';
export { SystemClock } from './adapters/SystemClock.ts';
export { ScaledClock, type ScaledClockOptions } from './core/ScaledClock.ts';
