/**
 * herald/postgres: events that commit with your data. `postgresTransport` writes each event in
 * the sender's transaction (`sendEvent(name, payload, { tx })`), delivers it to subscribers in any
 * number of processes through pg-boss 10, and gives each run a transaction (`ctx.tx`) that commits
 * with its completion. Needs `pg` 8 and `pg-boss` 10.x. See docs/postgres.md.
 * @module
 */
export { MAX_SUBSCRIBER_ID_LENGTH, type PostgresTransport, postgresTransport } from "./delivery/postgres/transport.js";
export type { PostgresTransportOptions } from "./delivery/postgres/options.js";
export type { PostgresMonitor, PostgresMonitorOptions } from "./delivery/postgres/monitor.js";
export type { FetchedJob, PgBossLike, PoolClientLike, PoolLike } from "./delivery/postgres/types.js";
export type { SqlClient, SqlExecutor, SqlResult, Transaction } from "./delivery/transaction.js";
