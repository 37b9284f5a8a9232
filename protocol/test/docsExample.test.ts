import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deliveryActionsOf, parseOrder, verifyPickupCode } from '../index.ts';

describe('docs/protocol.md', () => {
  it('its example order is a valid 2.0.0 order whose handover code verifies', () => {
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const block = /```json\n([\s\S]*?)```/.exec(doc);
    expect(block).not.toBeNull();
    const parsed = parseOrder(block![1]!);
    if (!parsed.ok) throw parsed.error;
    const actions = deliveryActionsOf(parsed.value.message);
    if (!actions.ok) throw actions.error;
    const hand = actions.value.find((a) => a.action.actionType === 'handOverParcel')!.action;
    expect(hand.actionType === 'handOverParcel' && verifyPickupCode('48151623', hand.params.code)).toBe(true);
  });
});
