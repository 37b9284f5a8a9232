import type { DispatchConfig } from './types.ts';

export type UnclaimedDecision =
  /** Waiting again from `readyAtMs`, with `attempts` counted. */
  | { kind: 'requeue'; parcelId: string; attempts: number; readyAtMs: number }
  /** Attempts exhausted: the caller marks it `returned` and notifies the sender. */
  | { kind: 'return_to_sender'; parcelId: string; attempts: number };

/**
 * A parcel nobody picked up has come back to the hub (`backAtHubMs`). It is eligible again after
 * `redeliveryDelayS` (the recipient missed this window; trying again at once would likely miss again), until
 * `maxDeliveryAttempts` attempts, then it is returned to the sender.
 */
export function handleUnclaimed(
  parcel: { id: string; attempts?: number },
  backAtHubMs: number,
  config: DispatchConfig,
): UnclaimedDecision {
  const attempts = (parcel.attempts ?? 0) + 1;
  if (attempts >= config.maxDeliveryAttempts) return { kind: 'return_to_sender', parcelId: parcel.id, attempts };
  return { kind: 'requeue', parcelId: parcel.id, attempts, readyAtMs: backAtHubMs + config.redeliveryDelayS * 1000 };
}
