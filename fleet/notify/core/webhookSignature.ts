import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names a receiver checks. The signature covers `${timestamp}.${body}`, so a captured request cannot be replayed later with a fresh timestamp. */
export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';
export const DELIVERY_ID_HEADER = 'x-webhook-id';

/** `sha256=<hex HMAC-SHA256(secret, "<timestampMs>.<body>")>`. */
export function signWebhook(secret: string, timestampMs: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampMs}.${body}`, 'utf8').digest('hex')}`;
}

export interface VerifyWebhookInput {
  secret: string;
  body: string;
  /** The X-Signature header value. */
  signature: string | undefined;
  /** The X-Signature-Timestamp header value (ms since epoch, decimal). */
  timestamp: string | undefined;
  nowMs: number;
  /** How far the timestamp may be from now (default 5 min): bounds the replay window. */
  toleranceMs?: number;
}

/**
 * What a webhook receiver runs: 'ok', or why the request must be refused. Constant-time comparison, so timing tells an
 * attacker nothing about the expected signature.
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): 'ok' | 'missing' | 'stale' | 'mismatch' {
  const { secret, body, signature, timestamp, nowMs } = input;
  if (signature === undefined || timestamp === undefined || !/^[0-9]{1,16}$/.test(timestamp)) return 'missing';
  const ts = Number(timestamp);
  if (Math.abs(nowMs - ts) > (input.toleranceMs ?? 5 * 60_000)) return 'stale';
  const expected = Buffer.from(signWebhook(secret, ts, body), 'utf8');
  const actual = Buffer.from(signature, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? 'ok' : 'mismatch';
}
