import { describe, expect, it } from 'vitest';
import { FIXTURE_CODES, fixture } from '../test/loadFixture.ts';
import {
  decodeCodeHash,
  decodeDeliveryAction,
  deliveryActionsOf,
  encodeCodeHash,
  encodeDeliveryAction,
  type DeliveryAction,
} from './deliveryActions.ts';
import { parseOrder } from './parseMessage.ts';
import { CHEAP_SCRYPT_PARAMS, hashPickupCode, verifyPickupCode } from './pickupCode.ts';
import { sharedValidator } from './SchemaValidator.ts';

const salt = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const code = hashPickupCode('12345678', CHEAP_SCRYPT_PARAMS, salt);

const examples: DeliveryAction[] = [
  { actionType: 'loadParcels', params: { parcels: [{ parcelId: 'P-1', compartment: 0, code }, { parcelId: 'P-2', compartment: 3, code }] } },
  { actionType: 'handOverParcel', params: { parcelId: 'P-1', compartment: 0, code, waitForRecipientS: 300, maxAttempts: 5 } },
  { actionType: 'returnParcels', params: { parcels: [{ parcelId: 'P-2', compartment: 3 }] } },
  { actionType: 'openCompartment', params: { compartment: 5 } },
];

function detailsOf(action: Parameters<typeof decodeDeliveryAction>[0]) {
  const r = decodeDeliveryAction(action);
  expect(r.ok).toBe(false);
  if (r.ok) return [];
  expect(r.error.code).toBe('PROTOCOL_ACTION_PARAMS');
  return r.error.details;
}

describe('delivery actions: encode/decode', () => {
  it('round-trips every action through VDA 5050 actionParameters; hand-overs SOFT, compartment work HARD', () => {
    for (const a of examples) {
      const vda = encodeDeliveryAction(a, `id-${a.actionType}`);
      expect(vda.blockingType).toBe(a.actionType === 'handOverParcel' ? 'SOFT' : 'HARD');
      expect(vda.actionType).toBe(a.actionType);
      expect(decodeDeliveryAction(vda)).toEqual({ ok: true, value: a });
    }
  });

  it('[VDA5050 §6.7 action] encoded actions fit the 2.0.0 order schema (values are arrays, numbers, strings)', () => {
    const order = fixture('order', '2.0.0');
    order.nodes[1].actions = examples.map((a, i) => encodeDeliveryAction(a, `x-${i}`));
    expect(sharedValidator().validate('order', '2.0.0', order, 'outbound')).toEqual([]);
  });

  it('defaults maxAttempts to 5 when absent', () => {
    const vda = encodeDeliveryAction(examples[1]!, 'h');
    vda.actionParameters = vda.actionParameters!.filter((p) => p.key !== 'maxAttempts');
    const r = decodeDeliveryAction(vda);
    expect(r.ok && r.value.actionType === 'handOverParcel' && r.value.params.maxAttempts).toBe(5);
  });

  it('the code hash survives the wire form and still verifies', () => {
    const wire = encodeCodeHash(code);
    expect(wire).toMatch(/^scrypt\$16\$1\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const back = decodeCodeHash(wire);
    expect(back).toEqual({ ok: true, value: code });
    expect(back.ok && verifyPickupCode('12345678', back.value)).toBe(true);
    expect(decodeCodeHash('bcrypt$16$1$1$AAAA$BBBB').ok).toBe(false);
    expect(decodeCodeHash('scrypt$1000$1$1$' + code.saltB64 + '$' + code.hashB64)).toEqual({ ok: false, error: expect.stringMatching(/power of two/) });
    expect(decodeCodeHash('scrypt$16$1$1$' + code.saltB64)).toEqual({ ok: false, error: expect.stringMatching(/form/) });
  });
});

describe('delivery actions: rejection of bad parameters, with paths', () => {
  const hand = () => encodeDeliveryAction(examples[1]!, 'h');
  const load = () => encodeDeliveryAction(examples[0]!, 'l');

  it('missing, unknown and duplicate parameters', () => {
    const a = hand();
    a.actionParameters = a.actionParameters!.filter((p) => p.key !== 'code');
    expect(detailsOf(a)).toContainEqual({ path: '/actionParameters', message: 'parameter "code" is required' });
    const b = hand();
    b.actionParameters!.push({ key: 'pin', value: '1234' });
    expect(detailsOf(b)).toContainEqual({ path: '/actionParameters/5/key', message: expect.stringMatching(/^unknown parameter "pin"/) });
    const c = hand();
    c.actionParameters!.push({ key: 'parcelId', value: 'P-9' });
    expect(detailsOf(c)).toContainEqual({ path: '/actionParameters/5/key', message: 'duplicate key "parcelId"' });
  });

  it('wrong values', () => {
    const set = (key: string, value: unknown) => {
      const a = hand();
      a.actionParameters!.find((p) => p.key === key)!.value = value as string;
      return detailsOf(a);
    };
    expect(set('compartment', 1.5)[0]).toEqual({ path: '/actionParameters/1/value', message: 'compartment must be an integer in 0..63' });
    expect(set('compartment', 64)[0]!.path).toBe('/actionParameters/1/value');
    expect(set('waitForRecipientS', 0)[0]!.message).toMatch(/waitForRecipientS/);
    expect(set('maxAttempts', 0)[0]!.message).toMatch(/maxAttempts must be an integer in 1..20/);
    expect(set('parcelId', '')[0]!.message).toMatch(/parcelId/);
    expect(set('code', '12345678')[0]!.message).toMatch(/^code must have the form/);
  });

  it('a bad parcel inside loadParcels is named by index, and duplicates are refused', () => {
    const a = load();
    (a.actionParameters![0]!.value as Record<string, unknown>[])[1]!.compartment = 'two';
    expect(detailsOf(a)).toEqual([{ path: '/actionParameters/0/value/1/compartment', message: 'compartment must be an integer in 0..63' }]);
    const b = load();
    (b.actionParameters![0]!.value as Record<string, unknown>[])[1]!.compartment = 0;
    expect(detailsOf(b)).toEqual([{ path: '/actionParameters/0/value/1/compartment', message: 'compartment 0 used twice' }]);
    const c = load();
    c.actionParameters![0]!.value = [];
    expect(detailsOf(c)[0]!.message).toMatch(/non-empty array/);
  });

  it('[VDA5050 §6.12] blockingType: handOverParcel SOFT (or HARD, one at a time), the others HARD; other types are not delivery actions', () => {
    expect(detailsOf({ ...hand(), blockingType: 'NONE' })).toContainEqual({ path: '/blockingType', message: 'must be SOFT or HARD for handOverParcel' });
    expect(decodeDeliveryAction({ ...hand(), blockingType: 'HARD' }).ok).toBe(true);
    const load = encodeDeliveryAction(examples[0]!, 'l');
    expect(detailsOf({ ...load, blockingType: 'SOFT' })).toContainEqual({ path: '/blockingType', message: 'must be HARD for loadParcels' });
    expect(detailsOf({ actionType: 'pick', actionParameters: [] })[0]!.path).toBe('/actionType');
  });

  it('encode refuses to produce an action a robot would reject', () => {
    expect(() => encodeDeliveryAction({ actionType: 'openCompartment', params: { compartment: -1 } }, 'o')).toThrow(/compartment must be an integer/);
  });
});

describe('deliveryActionsOf(order)', () => {
  it('finds the delivery actions of the example order, with codes that verify', () => {
    const parsed = parseOrder(fixture('order', '2.0.0'));
    if (!parsed.ok) throw parsed.error;
    const r = deliveryActionsOf(parsed.value.message);
    if (!r.ok) throw r.error;
    expect(r.value.map((f) => [f.nodeId, f.action.actionType, f.path])).toEqual([
      ['hub', 'loadParcels', '/nodes/0/actions/0'],
      ['drop-library-e', 'handOverParcel', '/nodes/2/actions/0'],
      ['drop-chem-n', 'handOverParcel', '/nodes/3/actions/0'],
    ]);
    const hand = r.value[1]!.action;
    if (hand.actionType !== 'handOverParcel') throw new Error('expected handOverParcel');
    expect(verifyPickupCode(FIXTURE_CODES['P-10031'], hand.params.code)).toBe(true);
    expect(verifyPickupCode(FIXTURE_CODES['P-10032'], hand.params.code)).toBe(false);
  });

  it('a parcel is never handed over twice, and delivery actions are not allowed on edges', () => {
    const order = fixture('order', '2.0.0');
    order.nodes[3].actions[0].actionParameters[0].value = 'P-10031';
    order.edges[0].actions.push(encodeDeliveryAction(examples[3]!, 'oc'));
    const r = deliveryActionsOf(order);
    expect(!r.ok && r.error.details).toEqual([
      { path: '/edges/0/actions/0/actionType', message: 'openCompartment is only allowed on nodes' },
      { path: '/nodes/3/actions/0/actionParameters', message: 'parcel "P-10031" is handed over more than once in this order' },
    ]);
  });

  it('reports bad parameters with absolute paths in the order', () => {
    const order = fixture('order', '2.0.0');
    order.nodes[2].actions[0].actionParameters[1].value = 99;
    const r = deliveryActionsOf(order);
    expect(!r.ok && r.error.details).toEqual([{ path: '/nodes/2/actions/0/actionParameters/1/value', message: 'compartment must be an integer in 0..63' }]);
  });
});
