import { describe, expect, it } from 'vitest';
import { planLiveReroute, scheduleLiveStops, type LiveTrip } from './planLiveReroute.ts';
import { bareConfig, NOW, world } from './testWorld.ts';

/** Our trip orders: hub (0), stops a (2), b (4), c (6), hub (8); `released` says how far the base goes. */
function trip(lastNodeSequenceId: number, releasedUpTo = 8, aboard = ['pa', 'pb1', 'pb2', 'pc']): LiveTrip {
  return {
    stops: [
      { place: 'a', sequenceId: 2, released: releasedUpTo >= 2, parcelIds: ['pa'] },
      { place: 'b', sequenceId: 4, released: releasedUpTo >= 4, parcelIds: ['pb1', 'pb2'] },
      { place: 'c', sequenceId: 6, released: releasedUpTo >= 6, parcelIds: ['pc'] },
    ],
    end: { sequenceId: 8, released: releasedUpTo >= 8 },
    lastNodeSequenceId,
    aboard: new Set(aboard),
  };
}

const places = (d: { stops: Array<{ place: string }> }) => d.stops.map((s) => s.place);

describe('planLiveReroute [VDA5050 §6.6.2]', () => {
  it('an order released up to the closing hub cannot be re-ordered by an update: cancel and a new order', () => {
    const d = planLiveReroute(trip(0), ['c']);
    expect(d.kind).toBe('replace');
    expect(places(d as { stops: Array<{ place: string }> })).toEqual(['c', 'a', 'b']);
  });

  it('keeps the stops not named in their order after the named ones, parcels with their stop', () => {
    const d = planLiveReroute(trip(0), ['b', 'c']);
    expect(d).toEqual({ kind: 'replace', stops: [{ place: 'b', parcelIds: ['pb1', 'pb2'] }, { place: 'c', parcelIds: ['pc'] }, { place: 'a', parcelIds: ['pa'] }] });
  });

  it('does not revisit stops already traversed, nor parcels handed over', () => {
    // The robot has left a (sequence 2), and pb1 is no longer aboard: b keeps pb2 only.
    const d = planLiveReroute(trip(2, 8, ['pb2', 'pc']), ['c']);
    expect(d).toEqual({ kind: 'replace', stops: [{ place: 'c', parcelIds: ['pc'] }, { place: 'b', parcelIds: ['pb2'] }] });
    // A stop whose parcels are all gone is not visited again, and cannot be asked for.
    expect(planLiveReroute(trip(2, 8, ['pc']), ['b'])).toEqual({ kind: 'refused', reason: 'not_on_trip', places: ['b'] });
    expect(planLiveReroute(trip(4), ['a'])).toEqual({ kind: 'refused', reason: 'not_on_trip', places: ['a'] });
  });

  it('refuses places that are not on the trip, and a trip with nothing left to deliver', () => {
    expect(planLiveReroute(trip(0), ['x', 'c', 'x'])).toEqual({ kind: 'refused', reason: 'not_on_trip', places: ['x'] });
    expect(planLiveReroute(trip(6), [])).toEqual({ kind: 'refused', reason: 'nothing_left' });
    expect(planLiveReroute(trip(0, 8, []), ['a'])).toEqual({ kind: 'refused', reason: 'nothing_left' });
  });

  it('says unchanged when the stops left are already in that order', () => {
    expect(planLiveReroute(trip(0), ['a', 'b']).kind).toBe('unchanged');
    expect(planLiveReroute(trip(2), ['b']).kind).toBe('unchanged');
    expect(planLiveReroute(trip(0), []).kind).toBe('unchanged');
  });

  it('sends an order update when the base ends before the hub and the new order keeps the released stops first', () => {
    // Base released up to a (sequence 2); b, c and the hub are horizon: b and c may be swapped by an update.
    const d = planLiveReroute(trip(0, 2), ['a', 'c', 'b']);
    expect(d).toEqual({
      kind: 'update', stitchSequenceId: 2,
      stops: [{ place: 'a', parcelIds: ['pa'] }, { place: 'c', parcelIds: ['pc'] }, { place: 'b', parcelIds: ['pb1', 'pb2'] }],
      append: [{ place: 'c', parcelIds: ['pc'] }, { place: 'b', parcelIds: ['pb1', 'pb2'] }],
    });
    // Naming only c: a is released and not yet reached, so it stays first and c comes right after it.
    expect(planLiveReroute(trip(0, 2), ['c'])).toEqual({ kind: 'replace', stops: [{ place: 'c', parcelIds: ['pc'] }, { place: 'a', parcelIds: ['pa'] }, { place: 'b', parcelIds: ['pb1', 'pb2'] }] });
  });

  it('stitches at the last released node even when the robot already stands there waiting for an update', () => {
    const d = planLiveReroute(trip(2, 2), ['c']);
    expect(d).toEqual({ kind: 'update', stitchSequenceId: 2, stops: [{ place: 'c', parcelIds: ['pc'] }, { place: 'b', parcelIds: ['pb1', 'pb2'] }], append: [{ place: 'c', parcelIds: ['pc'] }, { place: 'b', parcelIds: ['pb1', 'pb2'] }] });
  });

  it('must cancel when the dispatcher wants a horizon stop before a released one', () => {
    expect(planLiveReroute(trip(0, 4), ['c']).kind).toBe('replace');
    expect(planLiveReroute(trip(0, 4), ['b', 'a', 'c']).kind).toBe('replace');
    expect(planLiveReroute(trip(0, 4), ['a', 'b', 'c']).kind).toBe('unchanged');
  });
});

describe('scheduleLiveStops', () => {
  it('times the first leg as measured, then the travel model with dwell, and the return to the hub', () => {
    const travel = world({ hub: [0, 0], a: [100, 0], c: [300, 0] });
    const config = bareConfig({ handoverDwellS: 10, handoverPerParcelS: 2 });
    const r = scheduleLiveStops([{ place: 'c', parcelIds: ['p1'] }, { place: 'a', parcelIds: ['p2', 'p3'] }], NOW, 50, travel, config);
    expect(r.stops).toEqual([
      { place: 'c', parcelIds: ['p1'], etaMs: NOW + 50_000, departMs: NOW + 62_000 },
      { place: 'a', parcelIds: ['p2', 'p3'], etaMs: NOW + 262_000, departMs: NOW + 276_000 },
    ]);
    expect(r.returnAtMs).toBe(NOW + 376_000);
  });
});
