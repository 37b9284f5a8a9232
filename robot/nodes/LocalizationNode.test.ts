import { beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/index.ts';
import type { CampusMap } from '../../maps/index.ts';
import { loadCampusCached } from '../closedLoop/campusCache.ts';
import { InProcessBus, NAV_SAT, makeHeader, setStamp, yawToQuaternion, type NavSatFix, type Odometry } from '../ros/index.ts';
import { LocalizationNode } from './LocalizationNode.ts';
import { TOPICS } from './topics.ts';

let campus: CampusMap;
beforeAll(async () => {
  campus = await loadCampusCached();
}, 30_000);

/**
 * Drives straight east at 1.5 m/s with exact odometry at 10 Hz and an exact GNSS fix every second, published
 * `fixOrder` relative to that instant's odometry; returns the largest error of the estimate after each odometry.
 */
function drive(fixOrder: 'before-odom' | 'one-tick-late'): number {
  const clock = new VirtualClock(0);
  const bus = new InProcessBus(clock);
  const loc = new LocalizationNode(
    bus.createNode('localization', {
      namespace: '/R1',
      parameterOverrides: { initial_pose: [0, 0, 0], scan_matching: false, gnss_min_std_m: 0.01 },
    }),
    { campus },
  );
  expect(loc.lifecycle.startUp().ok).toBe(true);
  const driver = bus.createNode('driver', { namespace: '/R1' });
  const odomPub = driver.createPublisher('nav_msgs/msg/Odometry', TOPICS.odom);
  const fixPub = driver.createPublisher('sensor_msgs/msg/NavSatFix', TOPICS.gnss);
  const odom: Odometry = {
    header: makeHeader(0, 'odom'),
    child_frame_id: 'base_link',
    pose: { pose: { position: { x: 0, y: 0, z: 0 }, orientation: yawToQuaternion(0) }, covariance: new Array(36).fill(0) },
    twist: { twist: { linear: { x: 1.5, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } }, covariance: new Array(36).fill(0) },
  };
  const fix: NavSatFix = {
    header: makeHeader(0, 'gnss'),
    status: { status: NAV_SAT.STATUS_FIX, service: NAV_SAT.SERVICE_GPS },
    latitude: 0,
    longitude: 0,
    altitude: 0,
    position_covariance: [0.0025, 0, 0, 0, 0.0025, 0, 0, 0, 0.01],
    position_covariance_type: NAV_SAT.COVARIANCE_TYPE_DIAGONAL_KNOWN,
  };
  const publishFix = (tMs: number) => {
    const [lon, lat] = campus.frame.toLonLat({ x: 1.5 * (tMs / 1000), y: 0 });
    setStamp(fix.header.stamp, tMs);
    fix.longitude = lon;
    fix.latitude = lat;
    fixPub.publish(fix);
  };
  let worst = 0;
  for (let k = 0; k <= 300; k++) {
    const tMs = k * 100;
    clock.runUntil(tMs);
    if (fixOrder === 'before-odom' && k % 10 === 0) publishFix(tMs);
    setStamp(odom.header.stamp, tMs);
    odom.pose.pose.position.x = 1.5 * (tMs / 1000);
    odomPub.publish(odom);
    // The stamp-t fix delivered after the odometry of t + 100 ms.
    if (fixOrder === 'one-tick-late' && k % 10 === 1) publishFix(tMs - 100);
    const e = loc.estimate()!;
    worst = Math.max(worst, Math.hypot(e.pose.x - 1.5 * (tMs / 1000), e.pose.y));
  }
  expect(loc.counters.gnssAccepted).toBeGreaterThanOrEqual(29);
  return worst;
}

describe('LocalizationNode GNSS timing', () => {
  it('fuses a fix at its own stamp when it arrives before the odometry of that instant', () => {
    // Fused at once, against a state still 100 ms old, the fix would pull the estimate 0.15 m ahead of the robot.
    expect(drive('before-odom')).toBeLessThan(0.01);
  });

  it('moves a late fix forward by the distance driven since its stamp', () => {
    expect(drive('one-tick-late')).toBeLessThan(0.01);
  });
});

describe('LocalizationNode GNSS error correlation', () => {
  /** A robot standing at the origin gets 60 fixes, one a second, all 2 m east (a slow multipath error, σ 2 m). */
  function standWithBiasedFixes(correlationS: number): { errM: number; stdXM: number } {
    const clock = new VirtualClock(0);
    const bus = new InProcessBus(clock);
    const loc = new LocalizationNode(
      bus.createNode('localization', {
        namespace: '/R1',
        parameterOverrides: {
          initial_pose: [0, 0, 0], initial_position_std_m: 5, scan_matching: false, gnss_correlation_time_s: correlationS,
        },
      }),
      { campus },
    );
    expect(loc.lifecycle.startUp().ok).toBe(true);
    const fixPub = bus.createNode('driver', { namespace: '/R1' }).createPublisher('sensor_msgs/msg/NavSatFix', TOPICS.gnss);
    const [lon, lat] = campus.frame.toLonLat({ x: 2, y: 0 });
    const fix: NavSatFix = {
      header: makeHeader(0, 'gnss'),
      status: { status: NAV_SAT.STATUS_FIX, service: NAV_SAT.SERVICE_GPS },
      latitude: lat,
      longitude: lon,
      altitude: 0,
      position_covariance: [4, 0, 0, 0, 4, 0, 0, 0, 16],
      position_covariance_type: NAV_SAT.COVARIANCE_TYPE_DIAGONAL_KNOWN,
    };
    for (let s = 1; s <= 60; s++) {
      clock.runUntil(s * 1000);
      setStamp(fix.header.stamp, s * 1000);
      fixPub.publish(fix);
    }
    const e = loc.estimate()!;
    return { errM: Math.hypot(e.pose.x, e.pose.y), stdXM: Math.sqrt(e.covariance[0]!) };
  }

  it('treated as independent, 60 fixes with one slow error make the filter sure of the wrong place', () => {
    const r = standWithBiasedFixes(0);
    expect(r.errM).toBeGreaterThan(1.9);
    expect(r.errM).toBeGreaterThan(3 * r.stdXM);
  });

  it('with the receiver’s correlation time, the same fixes leave the truth inside the 3σ ellipse', () => {
    const r = standWithBiasedFixes(60);
    expect(r.errM).toBeLessThan(3 * r.stdXM);
    expect(r.stdXM).toBeGreaterThan(1);
  });
});
