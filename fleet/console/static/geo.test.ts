import { describe, expect, it } from 'vitest';

// geo.js is browser code with no types; load it as a plain ES module, the way the console does.
interface Geo {
  createProjection(bbox: [number, number, number, number]): {
    toXY(p: [number, number]): [number, number];
    toLonLat(p: [number, number]): [number, number];
    viewBox: { x: number; y: number; w: number; h: number };
  };
  backoffDelayMs(attempt: number, random01: number): number;
  formatAge(ageMs: number): string;
  headingToSvgDeg(headingRad: number): number;
}
const geoUrl = new URL('./geo.js', import.meta.url).href;
const geo = (await import(geoUrl)) as Geo;

describe('console geo helpers', () => {
  const bbox: [number, number, number, number] = [120.075, 30.296, 120.092, 30.314];

  it('projects lon/lat to local metres with y pointing south, and back', () => {
    const p = geo.createProjection(bbox);
    expect(p.toXY([120.0835, 30.305])).toEqual([0, -0]);
    // 0.001° of latitude is about 111 m; of longitude at 30.3° N about 96 m.
    const [x, y] = p.toXY([120.0845, 30.306]);
    expect(x).toBeCloseTo(96.0, 0);
    expect(y).toBeCloseTo(-111.2, 0);
    const back = p.toLonLat([x, y]);
    expect(back[0]).toBeCloseTo(120.0845, 9);
    expect(back[1]).toBeCloseTo(30.306, 9);
    expect(p.viewBox.w).toBeCloseTo(17 * 96.0, -1);
    expect(p.viewBox.h).toBeCloseTo(18 * 111.2, -1);
    expect(p.viewBox.y).toBeLessThan(0);
  });

  it('backs off exponentially with jitter, capped at 30 s', () => {
    expect(geo.backoffDelayMs(0, 0)).toBe(500);
    expect(geo.backoffDelayMs(0, 0.999)).toBe(1000);
    expect(geo.backoffDelayMs(3, 0.5)).toBe(6000);
    expect(geo.backoffDelayMs(50, 0.999)).toBe(29_985);
  });

  it('formats ages and turns ROS headings into SVG rotations', () => {
    expect(geo.formatAge(4_200)).toBe('4 s');
    expect(geo.formatAge(180_000)).toBe('3 min');
    expect(geo.formatAge(2 * 3_600_000)).toBe('2 h');
    expect(geo.headingToSvgDeg(Math.PI / 2)).toBeCloseTo(-90);
  });
});
