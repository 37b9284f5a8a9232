import { describe, expect, it } from 'vitest';
import { classifyWay } from './classifyWay.ts';

describe('classifyWay', () => {
  it.each([
    [{ highway: 'footway' }, 'footway', 1, 2],
    [{ highway: 'path', surface: 'gravel' }, 'footway', 1.5, 1.5],
    [{ highway: 'service', width: '5 m' }, 'service', 1.2, 5],
    [{ highway: 'residential' }, 'shared_road', 1.5, 6],
    [{ robot_class: 'pedestrian_or_service' }, 'footway', 1, 2],
    [{ robot_class: 'shared_road' }, 'shared_road', 1.5, 6],
  ])('%j is drivable as %s (factor %d, width %d m)', (tags, wayClass, factor, widthM) => {
    expect(classifyWay(tags)).toMatchObject({ drivable: true, wayClass, costFactor: factor, widthM });
  });

  it.each([
    [{ highway: 'steps' }, 'steps'],
    [{ highway: 'primary' }, 'major road'],
    [{ highway: 'trunk_link' }, 'major road'],
    [{ highway: 'footway', access: 'private' }, 'access=private'],
    [{ highway: 'service', access: 'no' }, 'access=no'],
    [{ highway: 'pedestrian', area: 'yes' }, 'area'],
    [{ highway: 'construction' }, 'highway=construction'],
    [{ robot_class: 'major_road' }, 'major road'],
    [{ building: 'yes' }, 'no highway tag'],
  ])('%j is excluded (%s)', (tags, reason) => {
    expect(classifyWay(tags)).toEqual({ drivable: false, reason });
  });

  it('one-way binds footways (and oneway:foot), not roads', () => {
    expect(classifyWay({ highway: 'footway', oneway: 'yes' })).toMatchObject({ oneway: 1 });
    expect(classifyWay({ highway: 'cycleway', oneway: '-1' })).toMatchObject({ oneway: -1 });
    expect(classifyWay({ highway: 'residential', oneway: 'yes' })).toMatchObject({ oneway: 0 });
    expect(classifyWay({ highway: 'residential', 'oneway:foot': 'yes' })).toMatchObject({ oneway: 1 });
  });

  it('costs class factors from options and slope from a numeric incline', () => {
    expect(classifyWay({ highway: 'service' }, { costFactors: { service: 2 } })).toMatchObject({ costFactor: 2 });
    expect(classifyWay({ highway: 'footway', incline: '-10%' })).toMatchObject({ inclinePct: -10, costFactor: 1.5 });
    const up = classifyWay({ highway: 'footway', incline: 'up' });
    expect(up.drivable && Number.isNaN(up.inclinePct)).toBe(true);
  });
});
