import { describe, expect, it } from 'vitest';
import { BruteForceScanSource } from './BruteForceScanSource.ts';
import { footprintGap } from './Footprint.ts';
import { World } from './World.ts';

describe('World', () => {
  it('counts a head-on robot collision once, not once per step, from ground truth', () => {
    const world = new World({ seed: 1, dtS: 0.05 });
    const a = world.addRobot({ id: 'a', start: { x: 0, y: 0, theta: 0 } });
    const b = world.addRobot({ id: 'b', start: { x: 6, y: 0, theta: Math.PI } });
    a.setCommand(1, 0);
    b.setCommand(1, 0);
    world.advance(8);
    expect(world.metrics.collisions).toBe(1);
    expect(world.metrics.collisionsByKind.robot).toBe(1);
    expect(world.metrics.nearMisses).toBe(1); // they came within 0.3 m before touching
    const hit = world.events.find((e) => e.gapM <= 0)!;
    expect(hit).toMatchObject({ robotId: 'a', kind: 'robot', otherId: 'b' });
    expect(hit.robotSpeedMps).toBeCloseTo(1, 6); // both drove into each other at full speed
    // Touching when the fronts meet: 6 m apart minus two half-lengths, after the 1 s ramp, closing at 2 m/s.
    const closeS = 1 + (6 - 0.7 - 2 * 0.5) / 2;
    expect(hit.timeMs / 1000).toBeGreaterThan(closeS - 0.1);
    expect(hit.timeMs / 1000).toBeLessThan(closeS + 0.1);
  });

  it('counts a wall hit in a room and a pedestrian near miss separately', () => {
    const world = new World({ seed: 2, source: BruteForceScanSource.room(0, 0, 10, 10) });
    const r = world.addRobot({ id: 'r', start: { x: 5, y: 5, theta: 0 } });
    world.pedestrians.push({ id: 7, x: 7, y: 5.7, radiusM: 0.25 });
    r.setCommand(0.8, 0);
    world.advance(10);
    expect(world.metrics.collisionsByKind.obstacle).toBe(1);
    expect(world.metrics.collisionsByKind.pedestrian).toBe(0);
    expect(world.events.filter((e) => e.kind === 'pedestrian').map((e) => e.otherId)).toEqual([7]);
    expect(world.metrics.nearMisses).toBe(1);
    const wall = world.events.find((e) => e.kind === 'obstacle')!;
    // The front reaches x = 10 when the centre is at 9.65 (a few cm earlier: the covering circles round the corners).
    expect(r.truth.x).toBeGreaterThan(9.6);
    expect(wall.timeMs).toBeGreaterThan(0);
  });

  it('records the robot standing when a pedestrian walks into it from behind', () => {
    const world = new World({ seed: 4 });
    world.addRobot({ id: 'r', start: { x: 0, y: 0, theta: 0 } });
    const p = { id: 3, x: -3, y: 0.1, radiusM: 0.3 };
    world.pedestrians.push(p);
    for (let k = 0; k < 40; k++) {
      p.x += 1.2 * world.dtS;
      world.step();
    }
    const hit = world.events.find((e) => e.gapM <= 0)!;
    expect(hit).toMatchObject({ robotId: 'r', kind: 'pedestrian', otherId: 3, robotSpeedMps: 0 });
    expect(world.metrics.collisionsByKind.pedestrian).toBe(1);
  });

  it('measures the gap between rotated rectangles', () => {
    const fp = { kind: 'rectangle' as const, lengthM: 2, widthM: 1 };
    expect(footprintGap({ x: 0, y: 0, theta: 0 }, fp, { x: 3, y: 0, theta: 0 }, fp)).toBeCloseTo(1, 9);
    expect(footprintGap({ x: 0, y: 0, theta: 0 }, fp, { x: 0, y: 2, theta: Math.PI / 2 }, fp)).toBeCloseTo(0.5, 9);
    expect(footprintGap({ x: 0, y: 0, theta: 0 }, fp, { x: 1.5, y: 0, theta: Math.PI / 4 }, fp)).toBeLessThan(0);
  });

  it('feeds LiDAR with pedestrians and other robots, not the robot itself', () => {
    const world = new World({ seed: 3 });
    const a = world.addRobot({ id: 'a', start: { x: 0, y: 0, theta: 0 }, lidar: { beams: 4, rangeNoiseSdM: 0 } });
    world.addRobot({ id: 'b', start: { x: 4, y: 0, theta: 0 } });
    world.pedestrians.push({ id: 1, x: 0, y: 3, radiusM: 0.5 });
    const ranges = Array.from(world.scan(a).ranges);
    const bRadius = Math.hypot(0.35, 0.25);
    expect(ranges[2]).toBeCloseTo(4 - bRadius, 5); // 0°: robot b's circle
    expect(ranges[3]).toBeCloseTo(2.5, 5); // 90°: the pedestrian
    expect(ranges[0]).toBe(Infinity);
  });

  it("shows another robot to the LiDAR where that robot's ground truth is after each step", () => {
    const world = new World({ seed: 4 });
    const a = world.addRobot({ id: 'a', start: { x: 0, y: 0, theta: 0 }, lidar: { beams: 4, rangeNoiseSdM: 0 } });
    const b = world.addRobot({ id: 'b', start: { x: 3, y: 0, theta: 0 } });
    const bRadius = Math.hypot(0.35, 0.25);
    b.setCommand(0.5, 0);
    for (let k = 0; k < 5; k++) {
      world.advance(0.5);
      expect(b.truth.x).toBeGreaterThan(3 + 0.1 * k);
      expect(world.scan(a).ranges[2]).toBeCloseTo(Math.hypot(b.truth.x, b.truth.y) - bRadius, 5);
    }
  });

  it("holds another World's robot where it was placed: LiDAR sees it as a robot, contacts count in one World only", () => {
    // Two shards' worlds, each holding the other's robot as a remote body placed after every step (as the day's
    // shards do each lock-step); the pair counts in the world of the lower index, here `a`'s.
    const first = new World({ seed: 1 });
    const second = new World({ seed: 1 });
    const a = first.addRobot({ id: 'a', start: { x: 0, y: 0, theta: 0 }, lidar: { beams: 4, rangeNoiseSdM: 0 } });
    const b = second.addRobot({ id: 'b', start: { x: 6, y: 0, theta: Math.PI } });
    const bThere = first.addRemoteRobot({ id: 'b', start: b.pose, countsContactWith: () => true });
    const aThere = second.addRemoteRobot({ id: 'a', start: a.pose, countsContactWith: () => false });
    expect(first.robots).toEqual([a, bThere]);
    expect(first.robot('b')).toBeUndefined();
    const bRadius = Math.hypot(0.35, 0.25);
    expect(first.scan(a).ranges[2]).toBeCloseTo(6 - bRadius, 5);
    a.setCommand(1, 0);
    b.setCommand(1, 0);
    for (let k = 0; k < 160; k++) {
      first.step();
      second.step();
      bThere.place(b.truth.x, b.truth.y, b.truth.theta);
      aThere.place(a.truth.x, a.truth.y, a.truth.theta);
      // Where b stood when last placed, not where it started.
      if (k === 40) expect(first.scan(a).ranges[2]).toBeCloseTo(b.truth.x - a.truth.x - bRadius, 5);
    }
    expect(first.metrics.collisionsByKind.robot).toBe(1);
    expect(first.metrics.nearMisses).toBe(1);
    expect(first.events.find((e) => e.gapM <= 0)).toMatchObject({ robotId: 'a', kind: 'robot', otherId: 'b' });
    expect(second.metrics).toEqual({ collisions: 0, nearMisses: 0, collisionsByKind: { obstacle: 0, pedestrian: 0, robot: 0 } });
    expect(() => first.addRemoteRobot({ id: 'a', start: a.pose, countsContactWith: () => true })).toThrow(/already exists/);
  });

  it('is deterministic: the same seed gives the identical trace, another seed another one', () => {
    const trace = (seed: number) => {
      const world = new World({ seed, source: BruteForceScanSource.room(-20, -20, 20, 20) });
      const bodies = [0, 1, 2].map((i) => world.addRobot({ id: `r${i}`, start: { x: i * 3 - 3, y: 0, theta: i } }));
      const out: number[] = [];
      for (let k = 0; k < 200; k++) {
        bodies.forEach((b, i) => b.setCommand(1, Math.sin(k / 20 + i)));
        world.step();
        if (k % 20 === 0) {
          for (const b of bodies) {
            const fix = b.gnss.sample(b.truth, world.timeMs);
            out.push(b.truth.x, b.odom.x, b.imuSample.yawRateRadps, fix.fix ? fix.x : NaN, ...world.scan(b).ranges.subarray(0, 30));
          }
        }
      }
      return out;
    };
    const a = trace(42);
    expect(trace(42)).toEqual(a);
    expect(trace(43)).not.toEqual(a);
  });

  it('stops a robot whose battery is empty and keeps charging state per robot', () => {
    const world = new World({ seed: 4 });
    const r = world.addRobot({ id: 'r', start: { x: 0, y: 0, theta: 0 }, battery: { capacityWh: 0.05, initialSoc: 1 } });
    r.setCommand(1, 0);
    world.advance(20);
    expect(r.battery.empty).toBe(true);
    expect(r.truth.vMps).toBe(0);
    const stoppedAt = r.truth.x;
    world.advance(5);
    expect(r.truth.x).toBe(stoppedAt);
    r.charging = true;
    world.advance(60);
    expect(r.battery.soc).toBeGreaterThan(0.5);
  });
});
