/**
 * Rewrites PostgreSQL-style `$n` placeholders to SQLite's anonymous `?`, returning the parameter order to bind
 * (`$1 … $1` binds params[0] twice). better-sqlite3 does not bind `?NNN` from a positional array, so the reordering
 * happens here. Placeholders inside quoted strings, quoted identifiers and comments are left alone.
 */
export interface PositionalSql {
  sql: string;
  /** For each `?` in order, the 0-based index into the caller's params. */
  order: number[];
}

/** Converts `$n` placeholders to `?` (see the module comment). Pure; the result can be cached per statement text. */
export function toPositionalParams(sql: string): PositionalSql {
  let out = '';
  const order: number[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      const end = nl === -1 ? sql.length : nl;
      out += sql.slice(i, end);
      i = end;
    } else if (ch === '$' && isDigit(sql[i + 1])) {
      let j = i + 1;
      while (isDigit(sql[j])) j++;
      order.push(Number(sql.slice(i + 1, j)) - 1);
      out += '?';
      i = j;
    } else {
      out += ch;
      i++;
    }
  }
  return { sql: out, order };
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

// A doubled quote inside a quoted run is an escaped quote, not the end.
function closingQuote(sql: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}
