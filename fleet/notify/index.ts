/** fleet/notify: the transactional outbox and the signed-webhook dispatcher that drains it. */
export { Outbox } from './Outbox.ts';
export type { OutboxMessage, OutboxMessageInput, OutboxStatus } from './Outbox.ts';
export { WebhookDispatcher } from './adapters/WebhookDispatcher.ts';
export type { DispatchCounts, WebhookDispatcherOptions } from './adapters/WebhookDispatcher.ts';
export { DEFAULT_RETRY_POLICY, retryDelayMs } from './core/retryDelay.ts';
export type { RetryPolicy } from './core/retryDelay.ts';
export {
  DELIVERY_ID_HEADER,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from './core/webhookSignature.ts';
export type { VerifyWebhookInput } from './core/webhookSignature.ts';
export { recipientEventFor } from './core/recipientNotification.ts';
export type { RecipientEvent, RecipientNotification, RecipientSecrets } from './core/recipientNotification.ts';
