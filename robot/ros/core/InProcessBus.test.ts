import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../clock/index.ts';
import { runRosContract } from '../rosContract.ts';
import { InProcessBus, type LogEntry } from './InProcessBus.ts';
import { RosPortError } from './RosPort.ts';

runRosContract('in-process bus', async () => {
  const clock = new VirtualClock(1_700_000_000_000);
  const context = new InProcessBus(clock, { logLevel: 'fatal' });
  return {
    context,
    clock,
    exactTiming: true,
    advance: async (ms) => void clock.runFor(ms),
    close: () => context.shutdown(),
  };
});

describe('InProcessBus', () => {
  const quietBus = () => {
    const clock = new VirtualClock();
    const logs: LogEntry[] = [];
    const bus = new InProcessBus(clock, { logLevel: 'debug', logSink: (e) => logs.push(e) });
    return { clock, bus, logs };
  };

  it('delivers a message published from inside a callback after the current one, keeping order for everyone', () => {
    const { bus } = quietBus();
    const n = bus.createNode('n');
    const seen: string[] = [];
    const pub = n.createPublisher('std_msgs/msg/String', '/t');
    // The first subscriber re-publishes once; the second must still see 'a' before 'echo'.
    n.createSubscription('std_msgs/msg/String', '/t', (m) => {
      seen.push(`first:${m.data}`);
      if (m.data === 'a') pub.publish({ data: 'echo' });
    });
    n.createSubscription('std_msgs/msg/String', '/t', (m) => void seen.push(`second:${m.data}`));
    pub.publish({ data: 'a' });
    expect(seen).toEqual(['first:a', 'second:a', 'first:echo', 'second:echo']);
    expect(bus.stats().messagesPublished).toBe(2);
  });

  it('hands subscribers the published object itself: no copy, no serialization', () => {
    const { bus } = quietBus();
    const n = bus.createNode('n');
    let got: unknown;
    n.createSubscription('std_msgs/msg/Float64', '/x', (m) => void (got = m));
    const msg = { data: 4 };
    n.createPublisher('std_msgs/msg/Float64', '/x').publish(msg);
    expect(got).toBe(msg);
  });

  it('isolates a throwing subscriber: others still get the message, the error is logged and rethrown', () => {
    const { bus, logs } = quietBus();
    const n = bus.createNode('n', { namespace: '/r3' });
    const seen: string[] = [];
    n.createSubscription('std_msgs/msg/String', 'x', () => {
      throw new Error('boom');
    });
    n.createSubscription('std_msgs/msg/String', 'x', (m) => void seen.push(m.data));
    const pub = n.createPublisher('std_msgs/msg/String', 'x');
    expect(() => pub.publish({ data: 'm' })).toThrow('boom');
    expect(seen).toEqual(['m']);
    expect(bus.stats().callbackErrors).toBe(1);
    expect(logs.at(-1)).toMatchObject({ level: 'error', node: '/r3/n' });
    expect(logs.at(-1)!.message).toContain("'/r3/x'");
    // Delivery state is clean afterwards.
    expect(() => pub.publish({ data: 'again' })).toThrow('boom');
    expect(seen).toEqual(['m', 'again']);
  });

  it('refuses a second message type on a topic', () => {
    const { bus } = quietBus();
    const n = bus.createNode('n');
    n.createPublisher('geometry_msgs/msg/Twist', '/cmd_vel');
    expect(() => n.createSubscription('std_msgs/msg/String', '/cmd_vel', () => {})).toThrow(
      expect.objectContaining({ code: 'ROS_TOPIC_TYPE_MISMATCH' }),
    );
  });

  it('replays the kept history of transient_local publishers to late joiners on the next clock turn', () => {
    const { bus, clock } = quietBus();
    const n = bus.createNode('map_server');
    const pub = n.createPublisher('std_msgs/msg/Float64', '/map_version', { durability: 'transient_local', depth: 2 });
    for (const data of [1, 2, 3]) pub.publish({ data });
    const late: number[] = [];
    const volatileSeen: number[] = [];
    n.createSubscription('std_msgs/msg/Float64', '/map_version', (m) => void late.push(m.data), { durability: 'transient_local' });
    n.createSubscription('std_msgs/msg/Float64', '/map_version', (m) => void volatileSeen.push(m.data));
    expect(late).toEqual([]);
    clock.runFor(0);
    expect(late).toEqual([2, 3]);
    pub.publish({ data: 4 });
    expect(late).toEqual([2, 3, 4]);
    expect(volatileSeen).toEqual([4]);
  });

  it('resolves ~/ topics under the node name and rejects malformed names', () => {
    const { bus } = quietBus();
    const n = bus.createNode('localization', { namespace: '/r1' });
    expect(n.createPublisher('std_msgs/msg/String', '~/debug').topic).toBe('/r1/localization/debug');
    expect(() => n.createPublisher('std_msgs/msg/String', 'bad name')).toThrow(RosPortError);
    expect(() => bus.createNode('bad/name')).toThrow(expect.objectContaining({ code: 'ROS_INVALID_NAME' }));
    expect(bus.createNode('x', { namespace: 'fleet//r1/' }).namespace()).toBe('/fleet/r1');
    expect(() => bus.createNode('x', { namespace: '/1r' })).toThrow(/namespace/);
  });

  it('refuses to work through a destroyed node or publisher', () => {
    const { bus, clock } = quietBus();
    const n = bus.createNode('n');
    const pub = n.createPublisher('std_msgs/msg/String', '/t');
    let ticks = 0;
    n.createTimer(10, () => void ticks++);
    n.destroy();
    expect(() => pub.publish({ data: 'x' })).toThrow(expect.objectContaining({ code: 'ROS_NODE_DESTROYED' }));
    expect(() => n.createTimer(10, () => {})).toThrow(/destroyed/);
    clock.runFor(100);
    expect(ticks).toBe(0);
    expect(bus.stats().nodes).toBe(0);
  });

  it('logs with the clock time and node name, dropping levels below the threshold', () => {
    const clock = new VirtualClock(5000);
    const logs: LogEntry[] = [];
    const bus = new InProcessBus(clock, { logLevel: 'warn', logSink: (e) => logs.push(e) });
    const log = bus.createNode('planner', { namespace: '/r2' }).getLogger();
    log.info('quiet');
    log.warn('blocked edge');
    expect(logs).toEqual([{ level: 'warn', timeMs: 5000, node: '/r2/planner', message: 'blocked edge' }]);
  });

  it('is deterministic: the same schedule of timers and publishes gives the same trace', () => {
    const trace = () => {
      const clock = new VirtualClock();
      const bus = new InProcessBus(clock, { logLevel: 'fatal' });
      const out: string[] = [];
      for (let r = 1; r <= 3; r++) {
        const node = bus.createNode('sensor', { namespace: `/r${r}` });
        const pub = node.createPublisher('std_msgs/msg/Float64', 'value');
        bus.createNode('sink', { namespace: `/r${r}` }).createSubscription('std_msgs/msg/Float64', 'value', (m) => {
          out.push(`r${r}:${m.data}@${clock.now()}`);
        });
        let k = 0;
        node.createTimer(33 * r, () => pub.publish({ data: k++ }));
      }
      clock.runFor(500);
      return out;
    };
    const a = trace();
    expect(a.length).toBeGreaterThan(20);
    expect(trace()).toEqual(a);
  });
});
