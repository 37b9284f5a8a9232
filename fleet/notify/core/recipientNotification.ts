import type { ParcelStatus } from '../../parcels/core/parcelLifecycle.ts';

/** The events a recipient hears about. */
export type RecipientEvent =
  | 'parcel.created'
  | 'parcel.out_for_delivery'
  | 'parcel.awaiting_pickup'
  | 'parcel.delivered'
  | 'parcel.returned'
  | 'parcel.cancelled'
  | 'parcel.code_reissued';

/** The non-secret part of a recipient notification; kept in the outbox after delivery for the audit trail. */
export interface RecipientNotification {
  event: RecipientEvent;
  parcelId: string;
  externalRef: string | null;
  status: ParcelStatus;
  /** Who to tell and how: a notification gateway behind the webhook turns this into an SMS or e-mail. */
  recipient: { name: string; email: string | null; phone: string | null };
  dropPlace: { id: string; name: string | null };
  /** Expected arrival at the drop place, ms since epoch, when known. */
  etaMs: number | null;
  /** When the pickup code stops working. */
  codeExpiresAtMs: number | null;
}

/**
 * The secret part (only in the first notification, the only moment the server knows the plaintext). The outbox drops
 * it once the message is delivered or given up, so the code lives in the database only while it is in flight.
 */
export interface RecipientSecrets {
  pickupCode: string;
  trackingLink: string;
}

/** Which status changes the recipient is told about, and as what. */
export function recipientEventFor(status: ParcelStatus): RecipientEvent | undefined {
  switch (status) {
    case 'out_for_delivery':
      return 'parcel.out_for_delivery';
    case 'awaiting_pickup':
      return 'parcel.awaiting_pickup';
    case 'delivered':
      return 'parcel.delivered';
    case 'returned':
      return 'parcel.returned';
    case 'cancelled':
      return 'parcel.cancelled';
    default:
      return undefined;
  }
}
