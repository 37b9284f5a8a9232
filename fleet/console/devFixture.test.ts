import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CampusGeoJson } from './core/mapViewFromGeoJson.ts';
import type { LiveMessage } from './core/types.ts';
import { DevFleet } from './devFixture.ts';

const zju = JSON.parse(readFileSync(new URL('../../maps/data/zju-zijingang.geojson', import.meta.url), 'utf8')) as CampusGeoJson;
const T0 = 1_700_000_000_000;
const hub = { name: 'hub', lonLat: [120.08099, 30.305446] as [number, number] };

function metresBetween(a: [number, number], b: [number, number]): number {
  const kx = 111_320 * Math.cos((a[1] * Math.PI) / 180);
  return Math.hypot((a[0] - b[0]) * kx, (a[1] - b[1]) * 111_320);
}

describe('DevFleet (dev fixture)', () => {
  it('drives robots along the paths at walking speed and stops a paused one', () => {
    const fleet = new DevFleet(zju, hub, T0);
    const before = new Map(fleet.robots().map((r) => [r.serial, [...r.lonLat!] as [number, number]]));
    const published: LiveMessage[] = [];
    fleet.robotAction('zju-01', 'pause', T0, (m) => published.push(m));
    expect(published).toMatchObject([{ type: 'robot', robot: { serial: 'zju-01', mode: 'paused' } }]);
    let moved: LiveMessage[] = [];
    for (let t = 100; t <= 1000; t += 100) moved = fleet.step(T0 + t);
    const serials = moved.flatMap((m) => (m.type === 'robot' ? [m.robot.serial] : []));
    expect(serials).toEqual(['zju-02', 'zju-03', 'zju-04', 'zju-05']);
    for (const robot of fleet.robots()) {
      const d = metresBetween(before.get(robot.serial)!, robot.lonLat!);
      if (serials.includes(robot.serial)) expect(d, robot.serial).toBeGreaterThan(0.3);
      else expect(d, robot.serial).toBe(0);
      expect(d, robot.serial).toBeLessThan(2);
    }
  });

  it('pages parcels by cursor and records dispatcher actions in the history', () => {
    const fleet = new DevFleet(zju, hub, T0);
    const first = fleet.parcels({ limit: 50 });
    const second = fleet.parcels({ limit: 50, cursor: first.nextCursor! });
    expect(first.items.length + second.items.length).toBe(64);
    expect(second.nextCursor).toBeNull();
    const received = first.items.find((p) => p.status === 'received')!;
    const published: LiveMessage[] = [];
    expect(fleet.parcelAction(received.id, 'assign', 'zju-03', T0 + 5, (m) => published.push(m)).status).toBe(202);
    expect(published).toMatchObject([{ type: 'parcel', parcel: { id: received.id, status: 'assigned', robotSerial: 'zju-03' } }]);
    expect(fleet.history(received.id)!.at(-1)).toMatchObject({ at: T0 + 5, from: 'received', to: 'assigned' });
    expect(fleet.parcelAction('nope', 'hold', undefined, T0, () => undefined).status).toBe(404);
  });
});
