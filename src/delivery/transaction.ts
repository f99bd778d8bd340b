/** What herald reads of a query's result: its rows. */
export interface SqlResult {
  readonly rows: readonly any[];
}

/** A node-postgres client (or anything with its `query(text, values)`), inside `BEGIN`. */
export interface SqlClient {
  query(text: string, values?: readonly unknown[]): Promise<SqlResult>;
}

/** pg-boss's shape of a database: `executeSql(text, values)`. The one-line adapter for an ORM's transaction. */
export interface SqlExecutor {
  executeSql(text: string, values?: readonly unknown[]): Promise<SqlResult>;
}

/**
 * A database transaction a send joins (the send option `tx`): a node-postgres client inside
 * `BEGIN`, or an `{ executeSql }` adapter over an ORM's transaction (docs/postgres.md). The event
 * is written through it, so it is delivered if and only if that transaction commits.
 */
export type Transaction = SqlClient | SqlExecutor;

/** True for an object with a `query` or an `executeSql` method. */
export function isTransaction(value: unknown): value is Transaction {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { query?: unknown; executeSql?: unknown };
  return typeof candidate.executeSql === "function" || typeof candidate.query === "function";
}

/** Runs one statement through `tx`, whichever shape it has. */
export function execute(tx: Transaction, text: string, values: readonly unknown[]): Promise<SqlResult> {
  return "executeSql" in tx && typeof tx.executeSql === "function"
    ? tx.executeSql(text, values)
    : (tx as SqlClient).query(text, values);
}
