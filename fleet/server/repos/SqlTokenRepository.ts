import type { ApiTokenRecord, Role, TokenRepository } from '../../auth/index.ts';
import { createToken } from '../../auth/index.ts';
import type { Store } from '../../store/index.ts';

interface TokenRow {
  id: string;
  token_hash: string;
  role: string;
  name: string;
  created_at: number;
  revoked_at: number | null;
}

/** API tokens in the `api_tokens` table (only their SHA-256 is stored). */
export class SqlTokenRepository implements TokenRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async findActiveByHash(tokenHash: string): Promise<ApiTokenRecord | undefined> {
    const [row] = await this.#store.query<TokenRow>(
      'SELECT id, token_hash, role, name, created_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
      [tokenHash],
    );
    return row ? toRecord(row) : undefined;
  }

  /** Creates and stores a token; the returned secret is the only copy. */
  async create(role: Role, name: string, nowMs: number): Promise<{ token: string; record: ApiTokenRecord }> {
    const created = createToken(role, name, nowMs);
    const r = created.record;
    await this.#store.execute('INSERT INTO api_tokens (id, token_hash, role, name, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5, NULL)', [
      r.id, r.tokenHash, r.role, r.name, r.createdAt,
    ]);
    return created;
  }

  /** Revokes a token by id; false when it is unknown or already revoked. */
  async revoke(id: string, nowMs: number): Promise<boolean> {
    const { rowCount } = await this.#store.execute('UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [nowMs, id]);
    return rowCount === 1;
  }

  /** Every token (without secrets), oldest first. */
  async list(): Promise<ApiTokenRecord[]> {
    const rows = await this.#store.query<TokenRow>('SELECT id, token_hash, role, name, created_at, revoked_at FROM api_tokens ORDER BY created_at, id');
    return rows.map(toRecord);
  }
}

function toRecord(row: TokenRow): ApiTokenRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    role: row.role as Role,
    name: row.name,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
