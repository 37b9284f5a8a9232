import { describe, expect, it } from 'vitest';
import { counterByLabel, peakWindow, thinnedVisualizationPeriodMs } from './peakWindow.ts';

describe('peakWindow', () => {
  it('finds the window with the most arrivals, earliest on a tie', () => {
    expect(peakWindow([0, 10, 500, 510, 520, 530, 2000], 100)).toEqual({ startMs: 500, count: 4 });
    expect(peakWindow([0, 50, 1000, 1050], 100)).toEqual({ startMs: 0, count: 2 });
    expect(peakWindow([], 100)).toBeUndefined();
  });

  it('does not count an arrival at exactly start + window', () => {
    expect(peakWindow([0, 100, 200], 100)).toEqual({ startMs: 0, count: 1 });
  });
});

describe('thinnedVisualizationPeriodMs', () => {
  it('keeps the fleet within the wall-clock budget and never above 10 Hz virtual', () => {
    // 60 robots at 10x within 100 msg/s wall: 6 s of virtual time between a robot's visualizations.
    expect(thinnedVisualizationPeriodMs(60, 10, 100)).toBe(6000);
    expect(thinnedVisualizationPeriodMs(1, 1, 100)).toBe(100);
  });
});

describe('counterByLabel', () => {
  it('sums a counter per label value and ignores other metrics', () => {
    const text = [
      '# TYPE fleet_vda_messages_accepted_total counter',
      'fleet_vda_messages_accepted_total{topic="state"} 12',
      'fleet_vda_messages_accepted_total{topic="visualization"} 40',
      'fleet_vda_messages_accepted_total_other{topic="state"} 99',
      'fleet_vda_messages_rejected_total{code="SCHEMA",topic="state"} 2',
    ].join('\n');
    expect([...counterByLabel(text, 'fleet_vda_messages_accepted_total', 'topic')]).toEqual([['state', 12], ['visualization', 40]]);
    expect(counterByLabel(text, 'fleet_vda_messages_rejected_total', 'topic').get('state')).toBe(2);
    expect(counterByLabel(text, 'missing_total', 'topic').size).toBe(0);
  });
});
