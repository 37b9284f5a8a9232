/**
 * The in-process ROS bus: messages per second from publish() to subscriber callbacks, against a bare function-call
 * loop and a Node EventEmitter measured in the same run, and the bus-only cost of a robot stack's traffic (60
 * robots, six nodes each, timers at 10 Hz, one 180-beam LaserScan per robot per tick) on a VirtualClock, reported as
 * robot-seconds per wall-second (the whole-stack aim is 5,760).
 *
 *   npx tsx bench/rosbus.bench.ts            (or: npm run bench rosbus)
 */
import { EventEmitter } from 'node:events';
import { VirtualClock } from '../clock/index.ts';
import { InProcessBus } from '../robot/ros/core/InProcessBus.ts';
import { makeHeader, makeTwist } from '../robot/ros/core/messageHelpers.ts';
import type { LaserScan, Twist } from '../robot/ros/core/types.ts';

const MESSAGES = 2_000_000;
const ROUNDS = 5;

function best(label: string, fn: () => void): number {
  let bestMs = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    fn();
    bestMs = Math.min(bestMs, performance.now() - t0);
  }
  const perS = MESSAGES / (bestMs / 1000);
  console.log(`${label.padEnd(44)} ${(perS / 1e6).toFixed(2).padStart(7)} M msg/s  (${((bestMs * 1e6) / MESSAGES).toFixed(1)} ns/msg)`);
  return perS;
}

function throughput(subscribers: number): void {
  console.log(`\n-- one publisher, ${subscribers} subscriber(s), ${MESSAGES.toLocaleString()} messages, best of ${ROUNDS}`);
  const msg: Twist = makeTwist(1, 0.1);
  let sink = 0;
  const cb = (m: Twist) => {
    sink += m.linear.x;
  };

  const callbacks: Array<(m: Twist) => void> = Array.from({ length: subscribers }, () => cb);
  const bare = best('bare function calls (baseline)', () => {
    for (let i = 0; i < MESSAGES; i++) for (let k = 0; k < callbacks.length; k++) callbacks[k]!(msg);
  });

  const emitter = new EventEmitter();
  for (let k = 0; k < subscribers; k++) emitter.on('cmd_vel', cb);
  const ee = best('EventEmitter.emit', () => {
    for (let i = 0; i < MESSAGES; i++) emitter.emit('cmd_vel', msg);
  });

  const bus = new InProcessBus(new VirtualClock(), { logLevel: 'fatal' });
  const pubNode = bus.createNode('controller', { namespace: '/r1' });
  for (let k = 0; k < subscribers; k++) bus.createNode(`listener${k}`, { namespace: '/r1' }).createSubscription('geometry_msgs/msg/Twist', 'cmd_vel', cb);
  const pub = pubNode.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel');
  const rb = best('InProcessBus publish', () => {
    for (let i = 0; i < MESSAGES; i++) pub.publish(msg);
  });
  console.log(`ratio bus/bare ${(rb / bare).toFixed(2)}, bus/EventEmitter ${(rb / ee).toFixed(2)}  (sink ${sink > 0})`);
}

function robotStack(): void {
  const ROBOTS = 60;
  const VIRTUAL_S = 600;
  const BEAMS = 180;
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock, { logLevel: 'fatal' });
  let received = 0;
  const count = () => {
    received++;
  };
  for (let r = 1; r <= ROBOTS; r++) {
    const ns = `/r${r}`;
    const sim = bus.createNode('sim_driver', { namespace: ns });
    const localization = bus.createNode('localization', { namespace: ns });
    const planner = bus.createNode('planner', { namespace: ns });
    const controller = bus.createNode('controller', { namespace: ns });
    const safety = bus.createNode('safety', { namespace: ns });
    const mission = bus.createNode('mission', { namespace: ns });
    const scanPub = sim.createPublisher('sensor_msgs/msg/LaserScan', 'scan');
    const odomPub = sim.createPublisher('std_msgs/msg/Float64', 'odom_tick');
    const posePub = localization.createPublisher('std_msgs/msg/Float64', 'pose');
    const cmdPub = controller.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel_nav');
    const safePub = safety.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel');
    const statePub = mission.createPublisher('std_msgs/msg/String', 'state');
    // One reused scan per robot, stamped each tick: what a sim driver that respects "no allocation per message" does.
    const scan: LaserScan = {
      header: makeHeader(0, 'laser'),
      angle_min: -Math.PI,
      angle_max: Math.PI,
      angle_increment: (2 * Math.PI) / BEAMS,
      time_increment: 0,
      scan_time: 0.1,
      range_min: 0.05,
      range_max: 10,
      ranges: new Float32Array(BEAMS).fill(Infinity),
      intensities: [],
    };
    const odom = { data: 0 };
    const twist = makeTwist(1, 0);
    localization.createSubscription('sensor_msgs/msg/LaserScan', 'scan', count);
    localization.createSubscription('std_msgs/msg/Float64', 'odom_tick', count);
    safety.createSubscription('sensor_msgs/msg/LaserScan', 'scan', count);
    controller.createSubscription('sensor_msgs/msg/LaserScan', 'scan', count);
    controller.createSubscription('std_msgs/msg/Float64', 'pose', count);
    safety.createSubscription('geometry_msgs/msg/Twist', 'cmd_vel_nav', (m) => {
      received++;
      safePub.publish(m);
    });
    sim.createSubscription('geometry_msgs/msg/Twist', 'cmd_vel', count);
    planner.createSubscription('std_msgs/msg/Float64', 'pose', count);
    mission.createSubscription('std_msgs/msg/Float64', 'pose', count);
    sim.createTimer(100, () => {
      scan.header.stamp.sec++;
      scanPub.publish(scan);
      odomPub.publish(odom);
    });
    localization.createTimer(100, () => posePub.publish(odom));
    controller.createTimer(100, () => cmdPub.publish(twist));
    mission.createTimer(1000, () => statePub.publish({ data: 'driving' }));
  }
  const t0 = performance.now();
  clock.runFor(VIRTUAL_S * 1000);
  const wallS = (performance.now() - t0) / 1000;
  const published = bus.stats().messagesPublished;
  console.log(`\n-- robot stack traffic on the bus alone: ${ROBOTS} robots × 6 nodes, 10 Hz, ${BEAMS}-beam scans, ${VIRTUAL_S} s virtual`);
  console.log(`${published.toLocaleString()} messages published, ${received.toLocaleString()} callbacks in ${wallS.toFixed(2)} s wall`);
  console.log(`${((ROBOTS * VIRTUAL_S) / wallS).toFixed(0)} robot-seconds per wall-second for bus + timers (aim for the whole stack: 5,760)`);
}

console.log(`node ${process.version}`);
throughput(1);
throughput(3);
robotStack();
