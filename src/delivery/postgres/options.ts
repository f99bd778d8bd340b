import { InvalidOptionsError } from "../../core/errors.js";
import { wholeNumber } from "../../core/whole-number.js";
import type { Transport } from "../transport.js";
import type { PgBossLike, PoolLike } from "./types.js";

/** Options of {@link postgresTransport}. Give `connectionString` or `pool`. */
export interface PostgresTransportOptions {
  /** A connection string: herald opens its own pool (`poolSize` connections) and closes it in `close()`. */
  readonly connectionString?: string;
  /** A `pg.Pool` the application owns: herald uses it and never ends it. */
  readonly pool?: PoolLike;
  /**
   * A pg-boss 10 instance the application owns, on the same database: herald starts it if it is
   * not started, and never stops it. Default: herald makes one over the pool.
   */
  readonly boss?: PgBossLike;
  /** The schema of pg-boss's tables and herald's (`herald_event`, `herald_run`). Default `"pgboss"`. */
  readonly schema?: string;
  /** Connections of the pool herald opens for `connectionString`. Default 10. */
  readonly poolSize?: number;
  /** Attempts of each run before it is marked failed. Default 3. */
  readonly maxAttempts?: number;
  /** Wait before the first retry, in seconds; it doubles (with jitter) on each retry when `retryBackoff`. Default 1. */
  readonly retryDelaySeconds?: number;
  /** Exponential backoff between retries. Default true. */
  readonly retryBackoff?: boolean;
  /**
   * Time limit of one attempt, in ms. When it passes, the attempt's signal aborts, its transaction
   * rolls back and it is retried. A worker that crashed mid-run is found this long (plus 5 s)
   * after the run started, and the run retried. Default 15 minutes, pg-boss's default expiry.
   */
  readonly timeoutMs?: number;
  /** Runs of one subscriber at once in this process. Default 4. */
  readonly concurrency?: number;
  /** How often an idle worker looks for due jobs, in ms (at least 500); sends wake workers at once through LISTEN/NOTIFY. Default 2,000. */
  readonly pollingIntervalMs?: number;
  /** How long events and completed-run marks are kept, in days: an id sent again within it is a duplicate. Default 7. */
  readonly retentionDays?: number;
  /** How often pg-boss expires stalled runs and herald prunes old rows, in seconds. Default 60. */
  readonly maintenanceIntervalSeconds?: number;
  /** A queue that runs failed for good are copied to (pg-boss's dead letter), created if missing. Default none. */
  readonly deadLetterQueue?: string;
  /**
   * Outbox mode: the transaction writes the event, and a worker forwards each committed event to
   * this transport (a `triggerTransport`, say), completing it only once that transport accepted it.
   * Subscribers do not run here then: `on()` is refused.
   */
  readonly relay?: Transport;
  /** Whether this process runs the relay's forwarding worker. Default true (with `relay`). */
  readonly relayWorker?: boolean;
  /** How long `close()` waits for running attempts, in ms. Default 10,000. */
  readonly closeTimeoutMs?: number;
  /** Called with background failures (a worker that cannot reach the database, pg-boss's errors): a TransportError. Default: ignored. */
  readonly onError?: (error: Error) => void;
}

/** The options, checked, with defaults. */
type Optional = "connectionString" | "pool" | "boss" | "relay" | "deadLetterQueue" | "onError";
export type ResolvedOptions = Required<Omit<PostgresTransportOptions, Optional>> & {
  readonly [K in Optional]: PostgresTransportOptions[K] | undefined;
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;
const DAY_MS = 86_400_000;

/** Checks `options` and fills in defaults. @throws InvalidOptionsError */
export function resolveOptions(options: PostgresTransportOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null)
    throw new InvalidOptionsError("postgresTransport expects an options object: { connectionString } or { pool }");
  const own = <K extends keyof PostgresTransportOptions>(key: K): PostgresTransportOptions[K] | undefined =>
    Object.prototype.hasOwnProperty.call(options, key) ? options[key] : undefined;
  const connectionString = own("connectionString");
  const pool = own("pool");
  if ((connectionString === undefined) === (pool === undefined))
    throw new InvalidOptionsError("postgresTransport needs exactly one of connectionString and pool");
  if (connectionString !== undefined && (typeof connectionString !== "string" || connectionString === ""))
    throw new InvalidOptionsError("connectionString must be a non-empty string");
  if (pool !== undefined && (typeof pool?.connect !== "function" || typeof pool.query !== "function"))
    throw new InvalidOptionsError("pool must be a pg.Pool");
  const schema = own("schema") ?? "pgboss";
  if (typeof schema !== "string" || !IDENTIFIER.test(schema))
    throw new InvalidOptionsError(
      `schema must be 1 to 50 letters, digits or _, starting with a letter or _, got ${JSON.stringify(schema)}`,
    );
  const number = (key: keyof PostgresTransportOptions, fallback: number, max?: number): number => {
    const value = own(key) ?? fallback;
    return wholeNumber(key, value, max);
  };
  const pollingIntervalMs = number("pollingIntervalMs", 2000, DAY_MS);
  if (pollingIntervalMs < 500)
    throw new InvalidOptionsError(`pollingIntervalMs must be at least 500, got ${pollingIntervalMs}`);
  const retryBackoff = own("retryBackoff") ?? true;
  if (typeof retryBackoff !== "boolean") throw new InvalidOptionsError("retryBackoff must be true or false");
  const relayWorker = own("relayWorker") ?? true;
  if (typeof relayWorker !== "boolean") throw new InvalidOptionsError("relayWorker must be true or false");
  const relay = own("relay");
  if (relay !== undefined && typeof relay?.deliver !== "function")
    throw new InvalidOptionsError("relay must be a transport, such as triggerTransport(...)");
  const deadLetterQueue = own("deadLetterQueue");
  if (deadLetterQueue !== undefined && (typeof deadLetterQueue !== "string" || deadLetterQueue === ""))
    throw new InvalidOptionsError("deadLetterQueue must be a queue name");
  const onError = own("onError");
  if (onError !== undefined && typeof onError !== "function")
    throw new InvalidOptionsError("onError must be a function");
  const boss = own("boss");
  if (boss !== undefined && (typeof boss?.fetch !== "function" || typeof boss.createQueue !== "function"))
    throw new InvalidOptionsError("boss must be a pg-boss 10 instance");
  return {
    connectionString,
    pool,
    boss,
    schema,
    poolSize: number("poolSize", 10, 1000),
    maxAttempts: number("maxAttempts", 3, 1000),
    retryDelaySeconds: number("retryDelaySeconds", 1, 86_400),
    retryBackoff,
    timeoutMs: number("timeoutMs", 15 * 60_000, 23 * 3_600_000),
    concurrency: number("concurrency", 4, 1000),
    pollingIntervalMs,
    retentionDays: number("retentionDays", 7, 3650),
    maintenanceIntervalSeconds: number("maintenanceIntervalSeconds", 60, 86_400),
    deadLetterQueue,
    relay,
    relayWorker,
    closeTimeoutMs: number("closeTimeoutMs", 10_000, DAY_MS),
    onError,
  };
}
