/**
 * The behaviour every RosContext adapter must have, as one vitest suite (MQTT.js's abstract_store pattern): run it
 * from each adapter's test file with a harness that makes a fresh context. Written async throughout because a real
 * middleware delivers on its own schedule; the in-process bus simply has nothing to wait for.
 */
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../clock/index.ts';
import { LifecycleNode } from './core/LifecycleNode.ts';
import { makeHeader, makeTwist } from './core/messageHelpers.ts';
import { declareParams, defineParams } from './core/params.ts';
import { RosPortError, type RosContext } from './core/RosPort.ts';
import type { Float64Msg, LaserScan, Twist } from './core/types.ts';

export interface ContractHarness {
  context: RosContext;
  clock: Clock;
  /** Lets `ms` pass on the harness clock and delivers whatever is in flight. */
  advance(ms: number): Promise<void>;
  /** True when timer counts are exact (virtual time); false for wall time, where ±1 tick is allowed. */
  exactTiming: boolean;
  close(): Promise<void>;
}

/** Registers the contract suite for one adapter. */
export function runRosContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`RosContext contract: ${name}`, () => {
    const withHarness = (fn: (h: ContractHarness) => Promise<void>) => async () => {
      const h = await makeHarness();
      try {
        await fn(h);
      } finally {
        await h.close();
      }
    };

    it(
      'delivers ROS messages with their fields, resolving relative topics under the namespace',
      withHarness(async (h) => {
        const talker = h.context.createNode('talker', { namespace: '/r1' });
        const listener = h.context.createNode('listener');
        const twists: Twist[] = [];
        const scans: LaserScan[] = [];
        listener.createSubscription('geometry_msgs/msg/Twist', '/r1/cmd_vel', (m) => void twists.push(m));
        listener.createSubscription('sensor_msgs/msg/LaserScan', '/r1/scan', (m) => void scans.push(m));
        const cmd = talker.createPublisher('geometry_msgs/msg/Twist', 'cmd_vel');
        const scan = talker.createPublisher('sensor_msgs/msg/LaserScan', 'scan');
        expect(cmd.topic).toBe('/r1/cmd_vel');
        await h.advance(0);
        cmd.publish(makeTwist(0.8, -0.25));
        scan.publish({
          header: makeHeader(1500, 'laser'),
          angle_min: -Math.PI / 2,
          angle_max: Math.PI / 2,
          angle_increment: Math.PI / 2,
          time_increment: 0,
          scan_time: 0.1,
          range_min: 0.05,
          range_max: 10,
          ranges: Float32Array.from([1.5, Infinity, 2.25]),
          intensities: [],
        });
        await h.advance(50);
        expect(twists).toHaveLength(1);
        expect(twists[0]!.linear.x).toBeCloseTo(0.8);
        expect(twists[0]!.angular.z).toBeCloseTo(-0.25);
        expect(scans).toHaveLength(1);
        expect(Array.from(scans[0]!.ranges)).toEqual([1.5, Infinity, 2.25]);
        expect(scans[0]!.header).toEqual({ stamp: { sec: 1, nanosec: 500_000_000 }, frame_id: 'laser' });
      }),
    );

    it(
      'keeps per-topic publish order and reaches every subscriber',
      withHarness(async (h) => {
        const a = h.context.createNode('a');
        const b = h.context.createNode('b');
        const c = h.context.createNode('c');
        const seenB: number[] = [];
        const seenC: number[] = [];
        b.createSubscription('std_msgs/msg/Float64', '/seq', (m) => void seenB.push(m.data), { depth: 100 });
        c.createSubscription('std_msgs/msg/Float64', '/seq', (m) => void seenC.push(m.data), { depth: 100 });
        const pub = a.createPublisher('std_msgs/msg/Float64', '/seq', { depth: 100 });
        await h.advance(0);
        const sent = Array.from({ length: 50 }, (_, i) => i * 1.5);
        for (const data of sent) pub.publish({ data } satisfies Float64Msg);
        await h.advance(100);
        expect(seenB).toEqual(sent);
        expect(seenC).toEqual(sent);
      }),
    );

    it(
      'keeps robots apart by namespace',
      withHarness(async (h) => {
        const r1 = h.context.createNode('controller', { namespace: 'r1' });
        const r2 = h.context.createNode('controller', { namespace: '/r2' });
        const got: string[] = [];
        r1.createSubscription('std_msgs/msg/String', 'status', (m) => void got.push(`r1:${m.data}`));
        r2.createSubscription('std_msgs/msg/String', 'status', (m) => void got.push(`r2:${m.data}`));
        const p1 = r1.createPublisher('std_msgs/msg/String', 'status');
        await h.advance(0);
        p1.publish({ data: 'hello' });
        await h.advance(50);
        expect(got).toEqual(['r1:hello']);
      }),
    );

    it(
      'stops delivering to a destroyed subscription, and to a destroyed node',
      withHarness(async (h) => {
        const pubNode = h.context.createNode('pub');
        const subNode = h.context.createNode('sub');
        const other = h.context.createNode('other');
        const seen: string[] = [];
        const sub = subNode.createSubscription('std_msgs/msg/String', '/chat', (m) => void seen.push(`sub:${m.data}`));
        other.createSubscription('std_msgs/msg/String', '/chat', (m) => void seen.push(`other:${m.data}`));
        const pub = pubNode.createPublisher('std_msgs/msg/String', '/chat');
        await h.advance(0);
        pub.publish({ data: '1' });
        await h.advance(50);
        subNode.destroySubscription(sub);
        pub.publish({ data: '2' });
        await h.advance(50);
        other.destroy();
        pub.publish({ data: '3' });
        await h.advance(50);
        expect(seen).toEqual(['sub:1', 'other:1', 'other:2']);
      }),
    );

    it(
      'fires timers at their period on the harness clock, and not after cancel',
      withHarness(async (h) => {
        const node = h.context.createNode('ticker');
        const at: number[] = [];
        const start = h.clock.now();
        const timer = node.createTimer(100, () => void at.push(h.clock.now() - start));
        expect(timer.periodMs).toBe(100);
        await h.advance(1000);
        if (h.exactTiming) {
          expect(at).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
        } else {
          expect(at.length).toBeGreaterThanOrEqual(8);
          expect(at.length).toBeLessThanOrEqual(11);
        }
        timer.cancel();
        expect(timer.isCanceled()).toBe(true);
        const count = at.length;
        await h.advance(300);
        expect(at.length).toBe(count);
      }),
    );

    it(
      'declares parameters with overrides over defaults, and refuses a required one that is missing',
      withHarness(async (h) => {
        const node = h.context.createNode('params_node', {
          parameterOverrides: { 'lookahead.dist': 1.2, frame: 'map' },
        });
        expect(node.declareParameter({ name: 'lookahead.dist', type: 'double' }, 0.6)).toBe(1.2);
        expect(node.declareParameter({ name: 'max_speed', type: 'double' }, 1.5)).toBe(1.5);
        expect(node.declareParameter({ name: 'frame', type: 'string' })).toBe('map');
        expect(node.getParameter('max_speed')).toEqual({ name: 'max_speed', type: 'double', value: 1.5 });
        expect(node.hasParameter('nope')).toBe(false);
        const err = (() => {
          try {
            node.declareParameter({ name: 'robot_id', type: 'string' });
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).toBeInstanceOf(RosPortError);
        expect((err as RosPortError).code).toBe('ROS_PARAMETER_REQUIRED');
        expect((err as RosPortError).message).toContain('robot_id');
      }),
    );

    it(
      'validates parameter changes before applying them, all or nothing',
      withHarness(async (h) => {
        const node = h.context.createNode('validated');
        node.declareParameter({ name: 'max_speed', type: 'double' }, 1.5);
        node.declareParameter({ name: 'beams', type: 'integer' }, 180);
        node.addOnSetParametersCallback((params) => {
          for (const p of params) {
            if (p.name === 'max_speed' && (p.value as number) > 2) return { successful: false, reason: 'max_speed above 2 m/s' };
          }
          return { successful: true, reason: '' };
        });
        expect(node.setParameters([{ name: 'max_speed', value: 1.0 }]).successful).toBe(true);
        expect(node.getParameter('max_speed').value).toBe(1.0);
        const rejected = node.setParameters([
          { name: 'beams', value: 90 },
          { name: 'max_speed', value: 3 },
        ]);
        expect(rejected).toEqual({ successful: false, reason: 'max_speed above 2 m/s' });
        expect(node.getParameter('beams').value).toBe(180);
        expect(node.getParameter('max_speed').value).toBe(1.0);
        expect(node.setParameters([{ name: 'beams', value: 'many' }]).successful).toBe(false);
        expect(node.getParameter('beams').value).toBe(180);
      }),
    );

    it(
      'runs a parameter table through configure: loud failure when required is missing, validated live updates',
      withHarness(async (h) => {
        const table = defineParams({
          maxSpeedMps: { name: 'max_speed', type: 'double', default: 1.5, unit: 'm/s', description: 'speed cap', validate: (v) => (v > 0 ? undefined : 'must be > 0') },
          minSpeedMps: { name: 'min_speed', type: 'double', default: 0.1, unit: 'm/s', description: 'creep speed' },
          robotId: { name: 'robot_id', type: 'string', unit: '', description: 'serial number' },
        });
        const check = (v: { maxSpeedMps: number; minSpeedMps: number }) =>
          v.minSpeedMps < v.maxSpeedMps ? undefined : 'min_speed must be below max_speed';

        const missing = new LifecycleNode(h.context.createNode('no_id'), {
          onConfigure: () => void declareParams(missing.node, table, { check }),
        });
        const failed = missing.configure();
        expect(failed.ok).toBe(false);
        expect(missing.state).toBe('unconfigured');
        expect(failed.ok ? '' : failed.reason).toMatch(/robot_id.*required/);

        const node = h.context.createNode('with_id', { parameterOverrides: { robot_id: 'r7' } });
        const params = declareParams(node, table, { check });
        expect(params.values).toEqual({ maxSpeedMps: 1.5, minSpeedMps: 0.1, robotId: 'r7' });
        const changes: string[] = [];
        params.onChange((_v, changed) => changes.push(changed.join(',')));
        expect(node.setParameters([{ name: 'max_speed', value: -1 }])).toEqual({ successful: false, reason: "'max_speed' must be > 0" });
        expect(node.setParameters([{ name: 'max_speed', value: 0.05 }]).reason).toBe('min_speed must be below max_speed');
        expect(params.values.maxSpeedMps).toBe(1.5);
        expect(node.setParameters([{ name: 'max_speed', value: 1.2 }]).successful).toBe(true);
        expect(params.values.maxSpeedMps).toBe(1.2);
        expect(node.getParameter('max_speed').value).toBe(1.2);
        expect(changes).toEqual(['maxSpeedMps']);
      }),
    );

    it(
      'keeps lifecycle publishers silent until activated, and again after deactivate',
      withHarness(async (h) => {
        const seen: number[] = [];
        const listener = h.context.createNode('listener');
        listener.createSubscription('std_msgs/msg/Float64', '/lc/out', (m) => void seen.push(m.data));
        const lc = new LifecycleNode(h.context.createNode('managed', { namespace: '/lc' }));
        const out = lc.createLifecyclePublisher('std_msgs/msg/Float64', 'out');
        await h.advance(0);
        out.publish({ data: 1 });
        expect(lc.configure()).toEqual({ ok: true, state: 'inactive' });
        out.publish({ data: 2 });
        expect(lc.activate()).toEqual({ ok: true, state: 'active' });
        out.publish({ data: 3 });
        await h.advance(50);
        expect(lc.deactivate().ok).toBe(true);
        out.publish({ data: 4 });
        await h.advance(50);
        expect(seen).toEqual([3]);
        expect(out.dropped).toBe(3);
        expect(lc.activate().ok).toBe(true);
        expect(lc.cleanup()).toEqual({ ok: false, state: 'active', reason: "cannot cleanup from state 'active'" });
        expect(lc.shutdown()).toEqual({ ok: true, state: 'finalized' });
      }),
    );
  });
}
