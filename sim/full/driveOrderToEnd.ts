import type { VirtualClock } from '../../clock/index.ts';
import type { FullFidelityRobot } from './FullFidelityRobot.ts';

/**
 * Runs the clock in 500 ms steps until the robot has driven and come to rest idle (its order done), or `limitMs` has
 * passed. For closed-loop tests that send one order and then look at where the robot ended.
 */
export function driveOrderToEnd(clock: VirtualClock, robot: FullFidelityRobot, limitMs = 300_000): void {
  const t0 = clock.now();
  let started = false;
  while (clock.now() - t0 < limitMs) {
    clock.runFor(500);
    started ||= robot.motion.driving;
    if (started && !robot.motion.driving && robot.activity() === 'idle') return;
  }
}
