/**
 * The project's one error policy, for faults (expected outcomes such as "no route" or "wrong code" are values, not
 * errors): every fault is an AppError subclass with a stable string `code` that callers and logs can match on,
 * a message that says what is wrong and where, and the underlying `cause` when there is one.
 */
export class AppError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** A typed success-or-failure value for expected outcomes. */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });
