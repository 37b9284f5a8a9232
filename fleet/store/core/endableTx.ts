import { StoreError, type SqlValue, type Tx } from './Store.ts';

/**
 * A Tx over an adapter's own query and execute that refuses every call once `end()` has run: a callback that kept
 * the Tx past its transaction (a promise left running) fails loudly instead of writing outside it. Both adapters
 * hand out their transactions through this.
 */
export function endableTx(
  dialect: Tx['dialect'],
  run: {
    query: <Row>(sql: string, params: readonly SqlValue[]) => Promise<Row[]> | Row[];
    execute: (sql: string, params: readonly SqlValue[]) => Promise<{ rowCount: number }> | { rowCount: number };
  },
): { tx: Tx; end: () => void } {
  let active = true;
  const guard = (what: string): void => {
    if (!active) throw new StoreError('STORE_CLOSED', `${what} on a transaction that has already ended`);
  };
  const tx: Tx = {
    dialect,
    query: async <Row>(sql: string, params: readonly SqlValue[] = []) => {
      guard('query');
      return run.query<Row>(sql, params);
    },
    execute: async (sql: string, params: readonly SqlValue[] = []) => {
      guard('execute');
      return run.execute(sql, params);
    },
  };
  return { tx, end: () => { active = false; } };
}
