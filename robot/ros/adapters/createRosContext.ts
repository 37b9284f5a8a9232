/**
 * Picks the ROS adapter at start-up and says which and why in one log line: rclnodejs when ROS 2 is sourced and
 * rclnodejs resolves (a real robot), else the in-process bus (simulator, tests, a laptop without ROS 2).
 */
import { SystemClock, type Clock } from '../../../clock/index.ts';
import { InProcessBus, type InProcessBusOptions } from '../core/InProcessBus.ts';
import { RosPortError, type RosContext } from '../core/RosPort.ts';
import { loadRclnodejs, RclnodejsContext } from './RclnodejsAdapter.ts';

export interface CreateRosContextOptions {
  /** 'auto' (default) uses rclnodejs when available; 'rclnodejs' fails when it is not; 'in-process' never tries. */
  adapter?: 'auto' | 'rclnodejs' | 'in-process';
  /** Clock for the in-process bus (default: the system clock). rclnodejs always runs on ROS time. */
  clock?: Clock;
  bus?: InProcessBusOptions;
  /** Where the choice is reported (default: console.log). */
  log?: (line: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
  importer?: (name: string) => Promise<unknown>;
}

export interface ChosenRosContext {
  context: RosContext;
  adapter: 'rclnodejs' | 'in-process';
  reason: string;
}

/** Creates the context; throws ROS_ADAPTER_UNAVAILABLE when 'rclnodejs' is demanded and cannot load. */
export async function createRosContext(options: CreateRosContextOptions = {}): Promise<ChosenRosContext> {
  const want = options.adapter ?? 'auto';
  const log = options.log ?? ((line: string) => console.log(line));
  if (want !== 'in-process') {
    const rcl = await loadRclnodejs(options.env ?? process.env, options.importer);
    if (rcl.ok) {
      const context = await RclnodejsContext.create(rcl.module);
      log(`ros: using the rclnodejs adapter (${rcl.reason})`);
      return { context, adapter: 'rclnodejs', reason: rcl.reason };
    }
    if (want === 'rclnodejs') throw new RosPortError('ROS_ADAPTER_UNAVAILABLE', `ros: rclnodejs adapter requested but ${rcl.reason}`);
    const reason = `${rcl.reason}; falling back`;
    log(`ros: using the in-process bus (${reason})`);
    return { context: new InProcessBus(options.clock ?? new SystemClock(), options.bus), adapter: 'in-process', reason };
  }
  const reason = 'in-process adapter requested';
  log(`ros: using the in-process bus (${reason})`);
  return { context: new InProcessBus(options.clock ?? new SystemClock(), options.bus), adapter: 'in-process', reason };
}
