/**
 * Protocol order per robot and topic [VDA5050 §6.4: headerId is defined per topic and incremented by 1 with each
 * sent message]: a message whose headerId is not newer than the last accepted one is a duplicate (QoS 1 redelivery)
 * or an older message overtaken in flight, and is dropped. Gaps are fine: messages may be lost ("sent, not
 * necessarily received").
 */

export type HeaderOrder = 'newer' | 'duplicate' | 'older';

const UINT32_RANGE = 2 ** 32;
/** A drop from the top quarter of uint32 into the bottom quarter is the counter wrapping, not an old message. */
const WRAP_WINDOW = UINT32_RANGE / 4;

/** How `headerId` relates to the last accepted one (`undefined`: nothing accepted yet, so anything is newer). */
export function headerOrder(lastAccepted: number | undefined, headerId: number): HeaderOrder {
  if (lastAccepted === undefined) return 'newer';
  if (headerId === lastAccepted) return 'duplicate';
  if (headerId > lastAccepted) return 'newer';
  return lastAccepted >= UINT32_RANGE - WRAP_WINDOW && headerId < WRAP_WINDOW ? 'newer' : 'older';
}
