import type { ApiTokenRecord } from './core/tokens.ts';

/** Where API tokens live. The store implements it over `api_tokens`; tests use `InMemoryTokenRepository`. */
export interface TokenRepository {
  /** The token with this SHA-256 hex hash, unless unknown or revoked. */
  findActiveByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> | ApiTokenRecord | undefined;
}

/** An in-memory token table for tests and the embedded single-process setup. */
export class InMemoryTokenRepository implements TokenRepository {
  readonly #byHash = new Map<string, ApiTokenRecord>();

  add(record: ApiTokenRecord): void {
    this.#byHash.set(record.tokenHash, { ...record });
  }

  revoke(id: string, nowMs: number): boolean {
    for (const record of this.#byHash.values()) {
      if (record.id === id && record.revokedAt == null) {
        record.revokedAt = nowMs;
        return true;
      }
    }
    return false;
  }

  findActiveByHash(tokenHash: string): ApiTokenRecord | undefined {
    const record = this.#byHash.get(tokenHash);
    return record && record.revokedAt == null ? { ...record } : undefined;
  }
}
