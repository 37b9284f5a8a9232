import { describe, expect, it } from 'vitest';
import { ProgressBar } from './ProgressBar.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, columns: 120, write: (c: string) => chunks.push(c) } };
}

const H = 3_600_000;

describe('ProgressBar', () => {
  it('redraws in place on a terminal, at most once per minRedrawMs of wall time', () => {
    const { chunks, stream } = sink(true);
    const bar = new ProgressBar({ stream, startSimMs: 7 * H, endSimMs: 23 * H, startWallMs: 0, minRedrawMs: 100 });
    expect(bar.update({ simMs: 8 * H, delivered: 10, waiting: 5, wallMs: 10 })).toBe(true);
    expect(bar.update({ simMs: 9 * H, delivered: 20, waiting: 5, wallMs: 60 })).toBe(false);
    expect(bar.update({ simMs: 15 * H, delivered: 12345, waiting: 321, wallMs: 110 })).toBe(true);
    expect(chunks).toHaveLength(2);
    expect(chunks[1]).toBe(`\r[${'#'.repeat(20)}${'.'.repeat(20)}] sim 15:00  50%  delivered 12,345  waiting 321  speed-up ×261,818\u001b[K`);
    bar.finish({ simMs: 23 * H, delivered: 30000, waiting: 0, wallMs: 200 });
    expect(chunks.at(-2)).toContain('100%');
    expect(chunks.at(-1)).toBe('\n');
  });

  it('prints plain lines, less often, when not a terminal', () => {
    const { chunks, stream } = sink(false);
    const bar = new ProgressBar({ stream, startSimMs: 0, endSimMs: 10 * H, startWallMs: 1000, plainEveryMs: 5000 });
    for (let w = 1000; w <= 12_000; w += 500) bar.update({ simMs: (w - 1000) * 100, delivered: 1, waiting: 2, wallMs: w });
    expect(chunks).toEqual([
      'sim 00:00   0%  delivered 1  waiting 2  speed-up ×0\n',
      'sim 00:08   1%  delivered 1  waiting 2  speed-up ×100\n',
      'sim 00:17   2%  delivered 1  waiting 2  speed-up ×100\n',
    ]);
    expect(chunks.join('')).not.toContain('\r');
  });
});
