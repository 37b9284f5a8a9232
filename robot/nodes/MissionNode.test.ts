import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import { InProcessBus, makeHeader, setStamp, type BatteryState } from '../ros/index.ts';
import { MissionNode } from './MissionNode.ts';
import { TOPICS } from './topics.ts';

describe('MissionNode battery', () => {
  // A driving robot's charge falls by a few thousandths of a percent per second; each batteryUpdate that changes the
  // executor's state becomes a VDA state message, so only whole-percent changes may reach the mission.
  it('passes the 1 Hz battery on in whole percents, only when the percent changes', () => {
    const clock = new VirtualClock(0);
    const bus = new InProcessBus(clock);
    const mission = new MissionNode(bus.createNode('mission', { namespace: '/R1' }));
    expect(mission.lifecycle.startUp().ok).toBe(true);
    const percents: number[] = [];
    let notices = 0;
    mission.runner.onNotice((n) => {
      if (n === 'state') notices++;
    });
    const driver = bus.createNode('driver', { namespace: '/R1' });
    const pub = driver.createPublisher('sensor_msgs/msg/BatteryState', TOPICS.battery);
    const msg: BatteryState = {
      header: makeHeader(0, 'base_link'), voltage: 48.3, current: 0, charge: 0, capacity: 0, percentage: 0.8,
      power_supply_status: 0, present: true,
    };
    // 300 s at 1 Hz from 80.0 % down by 0.007 % a second: 80.0 → 77.9 %, so the whole percent drops through 79, 78, 77.
    for (let s = 0; s < 300; s++) {
      clock.runUntil(s * 1000);
      setStamp(msg.header.stamp, clock.now());
      msg.percentage = 0.8 - s * 0.00007;
      msg.voltage = 48.3 - s * 0.001;
      pub.publish(msg);
      percents.push(mission.runner.state().batteryState.batteryCharge);
    }
    const distinct = [...new Set(percents)];
    expect(distinct).toEqual([80, 79, 78, 77]);
    // One state per whole-percent change (the first report included), not one per second.
    expect(notices).toBeLessThanOrEqual(distinct.length);
    expect(percents.every((p) => Number.isInteger(p))).toBe(true);
  });
});
