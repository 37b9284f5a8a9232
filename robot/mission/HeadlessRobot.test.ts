import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { handOver, load, makeOrder } from './core/testOrders.ts';
import { HeadlessRobot } from './HeadlessRobot.ts';

function robotAt0() {
  const clock = new VirtualClock(0);
  const robot = new HeadlessRobot({ clock, start: { x: 0, y: 0, theta: 0, mapId: 'campus' }, doorCloseMs: 1000 });
  const status = (id: string) => robot.executor.state().actionStates.find((a) => a.actionId === id)?.actionStatus;
  return { clock, robot, status };
}

describe('HeadlessRobot (executor + runner + stand-ins on a VirtualClock)', () => {
  it('the runner fires the recipient no-show timeout on the Clock and the robot drives back to the hub', () => {
    const { clock, robot, status } = robotAt0();
    robot.runner.dispatch({ type: 'order', order: makeOrder('o1', 0, [
      { id: 'hub', actions: [load('l', [{ parcelId: 'P-1', compartment: 2 }])] },
      { id: 'a', actions: [handOver('h', 'P-1', 2, 30)] },
      { id: 'hub' },
    ]) });
    clock.runFor(1000 + 7000); // load, then 10 m at 1.5 m/s
    expect(robot.motion.pose).toMatchObject({ x: 10, y: 0 });
    expect(status('h')).toBe('RUNNING');
    clock.runFor(29_000);
    expect(status('h')).toBe('RUNNING');
    clock.runFor(1_000 + 8_000);
    expect(status('h')).toBe('FAILED');
    expect(robot.executor.state()).toMatchObject({ lastNodeId: 'hub', lastNodeSequenceId: 4, driving: false });
    expect(robot.executor.state().loads?.map((l) => l.loadPosition)).toEqual(['compartment-2']);
  });

  it('pause stops the stand-in where it is; resume continues to the same node', () => {
    const { clock, robot } = robotAt0();
    robot.runner.dispatch({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    clock.runFor(3000);
    robot.runner.dispatch({ type: 'instantActions', actions: [{ actionId: 'p', actionType: 'startPause', blockingType: 'HARD' }] });
    const x = robot.motion.pose.x;
    expect(x).toBeGreaterThan(4);
    expect(x).toBeLessThan(5);
    clock.runFor(10_000);
    expect(robot.motion.pose.x).toBe(x);
    expect(robot.executor.state()).toMatchObject({ paused: true, driving: false, lastNodeId: 'hub' });
    robot.runner.dispatch({ type: 'instantActions', actions: [{ actionId: 'r', actionType: 'stopPause', blockingType: 'HARD' }] });
    clock.runFor(5000);
    expect(robot.executor.state()).toMatchObject({ paused: false, lastNodeId: 'a' });
    expect(robot.motion.pose.x).toBe(10);
  });

  it('a new order must start where the robot stands: after a cancel mid-edge, the last node is not good enough', () => {
    const { clock, robot } = robotAt0();
    robot.runner.dispatch({ type: 'order', order: makeOrder('o1', 0, [{ id: 'hub' }, { id: 'a' }]) });
    clock.runFor(3000);
    robot.runner.dispatch({ type: 'instantActions', actions: [{ actionId: 'c', actionType: 'cancelOrder', blockingType: 'NONE' }] });
    robot.runner.dispatch({ type: 'order', order: makeOrder('o2', 0, [{ id: 'hub' }, { id: 'a' }]) });
    expect(robot.executor.state().orderId).toBe('o1');
    expect(robot.executor.state().errors.map((e) => e.errorType)).toEqual(['orderError']);
  });
});
