import { describe, expect, it } from 'vitest';
import {
  allowedEvents,
  PARCEL_STATUSES,
  transition,
  TRANSITIONS,
  type ParcelEvent,
  type ParcelEventType,
  type ParcelStatus,
} from './parcelLifecycle.ts';

const sample: Record<ParcelEventType, ParcelEvent> = {
  assign: { type: 'assign', robotSerial: 'R1' },
  unassign: { type: 'unassign', reason: 're-plan' },
  load: { type: 'load' },
  unload: { type: 'unload', reason: 'trip aborted' },
  depart: { type: 'depart', etaMs: 5 },
  arrive: { type: 'arrive' },
  code_verified: { type: 'code_verified', by: 'robot' },
  return: { type: 'return', reason: 'unclaimed' },
  fault: { type: 'fault', reason: 'motor' },
  recover: { type: 'recover' },
  requeue: { type: 'requeue' },
  cancel: { type: 'cancel', reason: 'sender' },
};

function run(events: ParcelEventType[], from: ParcelStatus = 'received'): ParcelStatus {
  let s = from;
  for (const t of events) {
    const r = transition(s, sample[t]);
    if (!r.ok) throw new Error(r.error.message);
    s = r.value;
  }
  return s;
}

describe('parcel lifecycle', () => {
  it('follows the happy path to delivered', () => {
    expect(run(['assign', 'load', 'depart', 'arrive', 'code_verified'])).toBe('delivered');
  });

  it('supports the operator detours: re-plan, aborted trip, fault and recovery, return and requeue', () => {
    expect(run(['assign', 'unassign'])).toBe('received');
    expect(run(['assign', 'assign'])).toBe('assigned');
    expect(run(['assign', 'load', 'unload'])).toBe('received');
    expect(run(['assign', 'load', 'depart', 'fault', 'recover', 'assign'])).toBe('assigned');
    expect(run(['assign', 'load', 'depart', 'arrive', 'fault', 'return'])).toBe('returned');
    expect(run(['assign', 'load', 'depart', 'arrive', 'return', 'requeue'])).toBe('received');
    expect(run(['assign', 'load', 'depart', 'return', 'cancel'])).toBe('cancelled');
  });

  it('returns a parcel that never left the hub (no trip can carry it), but not one assigned or loaded', () => {
    expect(run(['return'])).toBe('returned');
    expect(transition('assigned', sample.return).ok).toBe(false);
    expect(transition('loaded', sample.return).ok).toBe(false);
  });

  it('reaches delivered only from awaiting_pickup by a verified code', () => {
    for (const s of PARCEL_STATUSES) {
      for (const t of Object.keys(sample) as ParcelEventType[]) {
        const r = transition(s, sample[t]);
        if (r.ok && r.value === 'delivered') {
          expect(s).toBe('awaiting_pickup');
          expect(t).toBe('code_verified');
        }
      }
    }
  });

  it('allows cancel only while the parcel is not aboard a robot', () => {
    const cancellable = PARCEL_STATUSES.filter((s) => transition(s, sample.cancel).ok);
    expect(cancellable).toEqual(['received', 'assigned', 'returned']);
  });

  it('makes delivered and cancelled final', () => {
    for (const s of ['delivered', 'cancelled'] as const) expect(allowedEvents(s)).toEqual([]);
  });

  it('rejects an illegal event with an error naming the status, the event and where it would apply', () => {
    const r = transition('received', sample.load);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ kind: 'illegal_transition', from: 'received', event: 'load', allowedFrom: ['assigned'] });
    expect(r.error.message).toMatch(/'load'.*received.*loaded only from assigned/);
    const final = transition('delivered', sample.cancel);
    expect(!final.ok && final.error.message).toMatch(/delivered is final/);
  });

  it('every status except the final ones has a way forward', () => {
    for (const s of PARCEL_STATUSES) {
      if (s === 'delivered' || s === 'cancelled') continue;
      expect(allowedEvents(s).length, s).toBeGreaterThan(0);
    }
    expect(Object.keys(TRANSITIONS).sort()).toEqual(Object.keys(sample).sort());
  });
});
