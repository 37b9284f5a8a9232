import { describe, expect, it } from 'vitest';
import { Metrics } from './Metrics.ts';

describe('Metrics', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const metrics = new Metrics();
    const rejected = metrics.counter('fleet_rejected_total', 'Rejected bodies', ['reason']);
    rejected.inc({ reason: 'INVALID_JSON' });
    rejected.inc({ reason: 'INVALID_JSON' }, 2);
    rejected.inc({ reason: 'say "hi"\n' });
    metrics.gauge('fleet_robots_online', 'Robots online').set(7);
    const h = metrics.histogram('fleet_latency_seconds', 'Latency', ['route'], [0.1, 1]);
    h.observe(0.05, { route: '/a' });
    h.observe(0.5, { route: '/a' });
    h.observe(3, { route: '/a' });
    expect(metrics.render()).toBe([
      '# HELP fleet_rejected_total Rejected bodies',
      '# TYPE fleet_rejected_total counter',
      'fleet_rejected_total{reason="INVALID_JSON"} 3',
      'fleet_rejected_total{reason="say \\"hi\\"\\n"} 1',
      '# HELP fleet_robots_online Robots online',
      '# TYPE fleet_robots_online gauge',
      'fleet_robots_online 7',
      '# HELP fleet_latency_seconds Latency',
      '# TYPE fleet_latency_seconds histogram',
      'fleet_latency_seconds_bucket{route="/a",le="0.1"} 1',
      'fleet_latency_seconds_bucket{route="/a",le="1"} 2',
      'fleet_latency_seconds_bucket{route="/a",le="+Inf"} 3',
      'fleet_latency_seconds_sum{route="/a"} 3.55',
      'fleet_latency_seconds_count{route="/a"} 3',
      '',
    ].join('\n'));
    expect(rejected.get({ reason: 'INVALID_JSON' })).toBe(3);
    expect(h.get({ route: '/a' })).toEqual({ count: 3, sum: 3.55 });
  });

  it('returns the same metric when asked twice and refuses misuse', () => {
    const metrics = new Metrics();
    const a = metrics.counter('x_total', 'x', ['k']);
    expect(metrics.counter('x_total', 'x', ['k'])).toBe(a);
    expect(() => metrics.gauge('x_total', 'x')).toThrow(/already registered as a counter/);
    expect(() => a.inc({ other: '1' })).toThrow(/unknown label/);
    expect(() => a.inc({}, -1)).toThrow(/only goes up/);
    expect(() => metrics.counter('bad name', 'x')).toThrow(/not a valid Prometheus name/);
    expect(() => metrics.histogram('h', 'h', ['le'])).toThrow(/not allowed/);
  });
});
