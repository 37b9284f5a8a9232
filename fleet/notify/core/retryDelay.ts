export interface RetryPolicy {
  /** Delay before the second attempt (default 5 s); doubles per attempt. */
  baseMs: number;
  /** Longest delay between attempts (default 1 h). */
  capMs: number;
  /** Attempts before a message is marked dead (default 12: with the defaults about 2.4 hours of trying). */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({ baseMs: 5_000, capMs: 3_600_000, maxAttempts: 12 });

/**
 * Delay after failed attempt number `attempt` (1-based): baseMs·2^(attempt−1), capped. Returns undefined when the
 * attempts are used up and the message should be marked dead.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
}
