import { describe, expect, it } from 'vitest';
import { checkSvg } from '../../test/checkMarkup.ts';
import { bandChart } from './bandChart.ts';
import { barChart } from './barChart.ts';
import { heatMap, trafficColour } from './heatMap.ts';
import { histogram } from './histogram.ts';
import { lineChart } from './lineChart.ts';
import { clockLabel, fmtNum, fmtSig, linearAxis, timeAxis } from './Plot.ts';
import { stackedArea } from './stackedArea.ts';
import { sweepChart } from './sweepChart.ts';

const H = 3_600_000;

/** Every chart under each edge case: must parse as XML, have a viewBox and leak no NaN/undefined/Infinity. */
const cases: Record<string, Record<string, () => string>> = {
  barChart: {
    empty: () => barChart({ title: 'b', categories: [], series: [] }),
    one: () => barChart({ title: 'b', categories: ['08:00'], series: [{ name: 'd', values: [3] }] }),
    zeros: () => barChart({ title: 'b', categories: ['a', 'b'], series: [{ name: 'd', values: [0, 0] }] }),
    junk: () => barChart({ title: 'b', categories: ['a', 'b', 'c'], series: [{ name: 'd', values: [Number.NaN, -1, Infinity] }] }),
  },
  histogram: {
    empty: () => histogram({ title: 'h', values: [] }),
    one: () => histogram({ title: 'h', values: [12], markers: [{ label: 'p50', value: 12 }] }),
    zeros: () => histogram({ title: 'h', values: [0, 0, 0], markers: [{ label: 'p50', value: 0 }, { label: 'p95', value: 0 }] }),
    junk: () => histogram({ title: 'h', values: [Number.NaN, 3, Infinity], markers: [{ label: 'p95', value: Number.NaN }] }),
  },
  lineChart: {
    empty: () => lineChart({ title: 'l', tMs: [], series: [] }),
    one: () => lineChart({ title: 'l', tMs: [8 * H], series: [{ name: 'q', values: [5] }] }),
    zeros: () => lineChart({ title: 'l', tMs: [0, H], series: [{ name: 'q', values: [0, 0] }] }),
    junk: () => lineChart({ title: 'l', tMs: [0, H, 2 * H], series: [{ name: 'q', values: [1, Number.NaN, 2] }] }),
  },
  stackedArea: {
    empty: () => stackedArea({ title: 's', tMs: [], series: [] }),
    one: () => stackedArea({ title: 's', tMs: [H], series: [{ name: 'a', values: [2] }, { name: 'b', values: [1] }] }),
    zeros: () => stackedArea({ title: 's', tMs: [0, H], series: [{ name: 'a', values: [0, 0] }] }),
    junk: () => stackedArea({ title: 's', tMs: [0, H, 2 * H], series: [{ name: 'a', values: [1, Number.NaN, 1] }] }),
  },
  bandChart: {
    empty: () => bandChart({ title: 'c', tMs: [], min: [], mean: [], max: [] }),
    one: () => bandChart({ title: 'c', tMs: [H], min: [40], mean: [50], max: [60], yMin: 0, yMax: 100 }),
    zeros: () => bandChart({ title: 'c', tMs: [0, H], min: [0, 0], mean: [0, 0], max: [0, 0] }),
    junk: () => bandChart({ title: 'c', tMs: [0, H, 2 * H], min: [1, Number.NaN, 1], mean: [2, 2, 2], max: [3, 3, 3], reference: { value: 30, label: 'low' } }),
  },
  heatMap: {
    empty: () => heatMap({ title: 'm', edges: [], counts: [] }),
    one: () => heatMap({ title: 'm', edges: [[{ x: 0, y: 0 }, { x: 10, y: 0 }]], counts: [4] }),
    zeros: () => heatMap({ title: 'm', edges: [[{ x: 0, y: 0 }, { x: 0, y: 0 }]], counts: [0], buildings: [[{ x: 0, y: 0 }]] }),
    junk: () => heatMap({ title: 'm', edges: [[{ x: Number.NaN, y: 0 }, { x: 5, y: 5 }]], counts: new Uint32Array(0) }),
  },
  sweepChart: {
    empty: () => sweepChart({ title: 'w', points: [], currency: 'CNY' }),
    one: () => sweepChart({ title: 'w', points: [{ robots: 60, p95Min: 40, costPerParcel: 0.2, passed: true }], currency: 'CNY' }),
    zeros: () => sweepChart({ title: 'w', points: [{ robots: 0, p95Min: 0, costPerParcel: 0, passed: false }], currency: 'CNY', targetP95Min: 0 }),
    junk: () => sweepChart({ title: 'w', points: [{ robots: 30, p95Min: null, costPerParcel: null, passed: false }], currency: 'CNY' }),
  },
};

describe('charts are well-formed SVG in every edge case', () => {
  for (const [chart, byCase] of Object.entries(cases)) {
    for (const [name, render] of Object.entries(byCase)) {
      it(`${chart}: ${name}`, () => {
        const svg = render();
        expect(checkSvg(svg).errors).toEqual([]);
        expect(svg).toBe(render()); // deterministic
      });
    }
  }

  it('says "No data" on empty charts and draws marks otherwise', () => {
    for (const [chart, byCase] of Object.entries(cases)) {
      expect(byCase.empty!(), chart).toContain('No data');
      expect(byCase.one!(), chart).not.toContain('No data');
    }
  });

  it('the checker itself catches broken markup', () => {
    expect(checkSvg('<svg viewBox="0 0 1 1"><g></svg>').errors.length).toBeGreaterThan(0);
    expect(checkSvg('<svg viewBox="0 0 1 1"><rect x="NaN"/></svg>').errors).toEqual(['<rect x="NaN">']);
    expect(checkSvg('<svg><rect/></svg>').errors).toEqual(['root is not an <svg> with a viewBox']);
  });
});

describe('chart content', () => {
  it('bar chart stacks series and titles each bar with its value', () => {
    const svg = barChart({ title: 'b', categories: ['07:00', '08:00'], series: [{ name: 'delivered', values: [5, 10] }, { name: 'returned', values: [1, 0] }] });
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(3); // zero-height bars are not drawn
    expect(svg).toContain('<title>08:00 delivered: 10</title>');
    expect(svg).toContain('>delivered</text>'); // legend
  });

  it('histogram labels its markers with value and unit', () => {
    const svg = histogram({ title: 'h', values: [1, 2, 3, 40], markers: [{ label: 'p50', value: 2.5 }, { label: 'p95', value: 34.15 }], unit: 'min' });
    expect(svg).toContain('p50 2.5 min');
    expect(svg).toContain('p95 34.2 min');
  });

  it('histogram folds values above maxValue into the last bar and says so', () => {
    const values = [...Array.from({ length: 99 }, (_, i) => i % 10), 500];
    const svg = histogram({ title: 'h', values, maxValue: 10, unit: 'min' });
    expect(svg).toContain('last bar includes 1 value above 10 min');
    expect(svg).not.toContain('>500<');
    expect(histogram({ title: 'h', values })).not.toContain('last bar includes');
  });

  it('heat map keeps the aspect ratio and prints the attribution and legend', () => {
    const svg = heatMap({ title: 'm', edges: [[{ x: 0, y: 0 }, { x: 100, y: 0 }], [{ x: 0, y: 0 }, { x: 0, y: 50 }]], counts: [10, 0], width: 600, height: 400 });
    expect(svg).toContain('© OpenStreetMap contributors');
    expect(svg).toContain('traversals');
    // panel 12..496 wide, 36..374 high: 100 m × 50 m fits by width (4.84 px/m), so 50 m is 242 px tall.
    const used = svg.match(/<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+)" fill="none" stroke="#(?!b8b8b8)/);
    expect(used).not.toBeNull();
    const [x0, , x1] = [Number(used![1]), Number(used![2]), Number(used![3])];
    const unused = svg.match(/<path d="M([\d.]+) ([\d.]+) L([\d.]+) ([\d.]+)" fill="none" stroke="#b8b8b8"/);
    const [, ya, , yb] = unused!.slice(1).map(Number);
    expect((x1 - x0) / (ya! - yb!)).toBeCloseTo(2, 1);
    expect(yb).toBeLessThan(ya!); // north up
  });

  it('traffic colours run from the light end to the dark end', () => {
    expect(trafficColour(0)).toBe('#fde725');
    expect(trafficColour(1)).toBe('#440154');
    expect(trafficColour(Number.NaN)).toBe('#fde725');
  });
});

describe('axes and labels', () => {
  it('linear axes use round ticks that cover the data', () => {
    const a = linearAxis(0, 2957);
    expect(a.ticks).toEqual([0, 1000, 2000, 3000]);
    expect(linearAxis(0, 0).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearAxis(0, 0.227).ticks.at(-1)).toBe(0.25);
  });

  it('time axes tick on whole clock hours, thinned for long days', () => {
    const a = timeAxis(7 * H + 5 * 60_000, 23 * H);
    expect(a.ticks.map((t) => a.format(t))).toEqual(['08:00', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00', '22:00']);
    expect(clockLabel(8 * H, 480)).toBe('16:00');
    expect(clockLabel(-H)).toBe('23:00');
  });

  it('formats numbers for people', () => {
    expect(fmtNum(30000, 0)).toBe('30,000');
    expect(fmtNum(-1234.5, 1)).toBe('−1,234.5');
    expect(fmtNum(Number.NaN)).toBe('n/a');
    expect(fmtSig(0.14327)).toBe('0.143');
    expect(fmtSig(492.8)).toBe('493');
  });
});
