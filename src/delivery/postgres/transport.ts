import pg from "pg";
import PgBoss from "pg-boss";
import type { Envelope } from "../../core/envelope.js";
import { IdempotencyConflictError, InvalidOptionsError, TransportError } from "../../core/errors.js";
import { wholeNumber } from "../../core/whole-number.js";
import { conflictOf, type Fingerprint, fingerprintOf } from "../embedded/fingerprint.js";
import { receiptOf } from "../receipt.js";
import { execute } from "../transaction.js";
import type { DeliverOptions, DeliveryHandler, Receipt, SubscribeOptions, Transport } from "../transport.js";
import { databaseError } from "./errors.js";
import { createPostgresMonitor, type PostgresMonitor, type PostgresMonitorOptions } from "./monitor.js";
import { type PostgresTransportOptions, resolveOptions } from "./options.js";
import {
  channelOf,
  countPending,
  createTables,
  insertEvents,
  PG_BOSS_SCHEMA_VERSION,
  pruneOld,
  RELAY_QUEUE,
  selectFingerprints,
} from "./sql.js";
import type { PgBossLike, PoolClientLike, PoolLike } from "./types.js";
import { type HandleBatch, startWorker, type Worker, type WorkerOptions } from "./worker.js";

/** The transport {@link postgresTransport} resolves to. */
export interface PostgresTransport extends Transport {
  readonly name: "postgres";
  readonly joinsTransactions: true;
  /** The queue of subscriber `id`'s jobs in pg-boss: `herald.<id>`. */
  queueOf(subscriber: string): string;
  /**
   * Resolves when no job of the subscribers and relay that this transport has seen (in any
   * process) is waiting, retrying, scheduled or running, and this process runs nothing.
   * @throws (rejects) TransportError when the database cannot be read (`retryable: true` when it is unreachable), cause kept
   */
  drain(): Promise<void>;
  /**
   * Reads history and activity back from the database, shaped as the embedded engine's (what
   * `herald dev` shows): events sent from any process and their runs. Polls until it or the
   * transport is closed. @throws InvalidOptionsError for bad options
   */
  monitor(options?: PostgresMonitorOptions): PostgresMonitor;
  /** Stops this process's workers (running attempts see their signal abort) and closes what herald opened. */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

// a fingerprint's hash as the herald_event row keeps it, and back
const hashText = (print: Fingerprint | null): string | null =>
  print === null ? null : print.high === undefined ? "?" : `${print.high}:${print.low}`;
function fingerprintFrom(name: string, text: string): Fingerprint {
  const [high, low] = text === "?" ? [] : text.split(":").map(Number);
  return { name, high, low };
}

/** The longest subscriber id herald/postgres takes: it names a pg-boss queue and each run's mark. */
export const MAX_SUBSCRIBER_ID_LENGTH = 200;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A transport on PostgreSQL through pg-boss 10: an event is written in the sender's transaction
 * (`sendEvent(name, payload, { tx })`) and delivered if and only if it commits; subscribers in any
 * number of processes each get it once, with retries, delays and lineage; a handler's writes
 * through `ctx.tx` commit with its run's completion, so they happen once. With `relay`, committed
 * events are forwarded to another transport instead (an outbox). Connects, migrates and checks
 * the schema before it resolves, so a bad connection or schema fails here, not at the first event.
 * @throws (rejects) InvalidOptionsError for bad options; TransportError when the database cannot
 * be reached (`retryable: true`) or its schema is not pg-boss 10's (`retryable: false`)
 * @example
 * const transport = await postgresTransport({ connectionString: process.env.DATABASE_URL });
 * const events = defineEvents(schemas, { transport });
 * await db.query("BEGIN");
 * await db.query("insert into users ...");
 * await events.sendEvent("user.created", { id }, { tx: db });
 * await db.query("COMMIT");
 */
export async function postgresTransport(options: PostgresTransportOptions): Promise<PostgresTransport> {
  const settings = resolveOptions(options);
  const { schema: s, relay } = settings;
  const report = (error: unknown): void => {
    try {
      settings.onError?.(error instanceof Error ? error : databaseError("a background task", error));
    } catch {
      // a failing error listener must not stop the workers
    }
  };
  const ownPool = settings.pool === undefined;
  const pool: PoolLike =
    settings.pool ??
    (new pg.Pool({
      connectionString: settings.connectionString,
      max: settings.poolSize,
      connectionTimeoutMillis: 10_000,
      application_name: "herald",
    }) as unknown as PoolLike);
  // an idle client that loses its server emits on the pool; unheard, that would crash the process
  if (ownPool) pool.on?.("error", (error) => report(databaseError("an idle connection", error)));
  const ownBoss = settings.boss === undefined;
  const boss: PgBossLike =
    settings.boss ??
    (new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
      schema: s,
      schedule: false,
      maintenanceIntervalSeconds: settings.maintenanceIntervalSeconds,
    } as never) as unknown as PgBossLike);
  boss.on("error", (error) => report(databaseError("pg-boss", error)));

  const closeOwned = async (): Promise<void> => {
    if (ownBoss) await boss.stop({ graceful: false, wait: false, close: false }).catch(() => {});
    if (ownPool) await pool.end().catch(() => {});
  };
  try {
    await pool.query("SELECT 1").catch((error: unknown) => {
      throw databaseError("connecting to PostgreSQL", error);
    });
    await boss.start().catch((error: unknown) => {
      throw databaseError(`starting pg-boss in schema "${s}"`, error);
    });
    const { rows } = await pool.query(`SELECT version FROM ${s}.version`).catch((error: unknown) => {
      throw databaseError(`reading pg-boss's schema version in "${s}"`, error);
    });
    const version = Number((rows[0] as { version?: unknown } | undefined)?.version);
    if (version !== PG_BOSS_SCHEMA_VERSION)
      throw new TransportError(
        `postgres transport: schema "${s}" is at pg-boss schema version ${version}; herald/postgres needs pg-boss >=10.1.5 <11 (schema version ${PG_BOSS_SCHEMA_VERSION})`,
        { retryable: false },
      );
    await pool.query(createTables(s)).catch((error: unknown) => {
      throw databaseError(`creating herald's tables in "${s}"`, error);
    });
  } catch (error) {
    await closeOwned();
    throw error;
  }

  // a subscriber's `maxAttempts` and `timeoutMs` (from on()) override the transport's
  interface Limits {
    readonly maxAttempts: number;
    readonly timeoutMs: number;
  }
  const defaults: Limits = { maxAttempts: settings.maxAttempts, timeoutMs: settings.timeoutMs };
  const queueOptionsOf = (limits: Limits) => ({
    retryLimit: limits.maxAttempts - 1,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: settings.retryBackoff,
    // the worker's own time limit comes first; the expiry finds runs whose worker died
    expireInSeconds: Math.ceil(limits.timeoutMs / 1000) + 5,
    ...(settings.deadLetterQueue === undefined ? {} : { deadLetter: settings.deadLetterQueue }),
  });
  const queues = new Set<string>();
  const workers = new Map<string, Set<Worker>>();
  let closed = false;
  // settles the listener's wait when close() begins, whatever step the listener is at
  let signalClosed!: (error: Error) => void;
  const closedSignal = new Promise<Error>((resolve) => (signalClosed = resolve));
  const setups = new Set<Promise<void>>();
  // queue set-ups one at a time: each creates a partition of pg-boss's job table, and two at once
  // can deadlock (40P01), which left the loser never subscribed
  let setupChain: Promise<unknown> = Promise.resolve();
  const serially = (step: () => Promise<void>): Promise<void> => {
    const next = setupChain.then(step);
    setupChain = next.catch(() => {});
    return next;
  };

  // one queue per subscriber, its options brought up to date when it already exists
  const ensureQueue = async (queue: string, limits: Limits = defaults): Promise<void> => {
    const queueOptions = queueOptionsOf(limits);
    await boss.createQueue(queue, queueOptions);
    await boss.updateQueue(queue, { policy: "standard", ...queueOptions });
    queues.add(queue);
  };
  const track = (setup: Promise<void>): void => {
    const tracked = setup.catch((error: unknown) => report(databaseError("setting up a subscriber", error)));
    setups.add(tracked);
    void tracked.finally(() => setups.delete(tracked));
  };
  try {
    if (settings.deadLetterQueue !== undefined) await boss.createQueue(settings.deadLetterQueue);
    // the relay queue exists before the first send: a send without it would store the event and no job
    if (relay) await ensureQueue(RELAY_QUEUE);
  } catch (error) {
    await closeOwned();
    throw databaseError("creating herald's queues", error);
  }

  // LISTEN on one pooled connection: a send's notification (sent at commit) wakes the workers of
  // its event at once; on a lost connection the workers keep polling until it is back
  let listening: Promise<void> | undefined;
  const listen = (): void => {
    if (listening !== undefined || closed) return;
    listening = (async () => {
      while (!closed) {
        let client: PoolClientLike | undefined;
        try {
          client = await pool.connect();
          const lost = new Promise<Error>((resolve) => {
            const raw = client as unknown as pg.PoolClient;
            raw.on("notification", (message) => {
              // a subscriber's worker wakes for its event; the relay's, registered under "", for every event
              for (const worker of workers.get(message.payload ?? "") ?? []) worker.wake();
              for (const worker of workers.get("") ?? []) worker.wake();
            });
            raw.on("error", resolve);
            raw.on("end", () => resolve(new Error("connection ended")));
          });
          await client.query(`LISTEN ${channelOf(s)}`);
          const error = await Promise.race([lost, closedSignal]);
          client.release(error);
          client = undefined;
        } catch (error) {
          client?.release(error instanceof Error ? error : true);
        }
        if (!closed) await sleep(settings.pollingIntervalMs);
      }
    })();
  };

  const startSubscriber = (
    event: string,
    subscriber: string,
    run: WorkerOptions["run"],
    limits: Limits = defaults,
  ): Worker => {
    const queue = `herald.${subscriber}`;
    let worker: Worker | undefined;
    let stopped = false;
    let tried!: () => void;
    const firstTry = new Promise<void>((resolve) => (tried = resolve));
    const setup = (async () => {
      // a database that is down now may be back soon: try again at every poll until it is, or
      // until the subscriber is stopped, rather than leave it without a queue for good
      for (;;) {
        try {
          await serially(async () => {
            await ensureQueue(queue, limits);
            if (queue !== RELAY_QUEUE) await boss.subscribe(event, queue);
          });
          break;
        } catch (error) {
          tried();
          if (stopped || closed) return;
          report(databaseError(`setting up subscriber ${JSON.stringify(subscriber)}`, error));
          await sleep(settings.pollingIntervalMs);
        }
      }
      tried();
      if (stopped) return;
      worker = startWorker({
        boss,
        pool,
        schema: s,
        queue,
        subscriber,
        run,
        concurrency: settings.concurrency,
        pollingIntervalMs: settings.pollingIntervalMs,
        timeoutMs: limits.timeoutMs,
        onError: report,
      });
      const set = workers.get(event) ?? new Set();
      set.add(worker);
      workers.set(event, set);
      listen();
    })();
    // sends and drain() wait for the first try only: while the database is down, they fail at once
    track(firstTry);
    return {
      wake: () => worker?.wake(),
      async stop() {
        stopped = true;
        await setup.catch(() => {});
        if (worker) {
          workers.get(event)?.delete(worker);
          await worker.stop();
        }
      },
    };
  };

  const subscriptions = new Map<string, Worker>();
  if (relay && settings.relayWorker) {
    // the due events of one fetch (up to `concurrency`) go out in one deliver, one batch.trigger; the
    // attempt's signal goes along, so a request past the time limit is abandoned too
    const forward: HandleBatch = (envelopes, signal) => relay.deliver(envelopes, { signal });
    subscriptions.set(RELAY_QUEUE, startSubscriber("", RELAY_QUEUE.slice("herald.".length), { batch: forward }));
  }

  // a run's rows are written in one statement: the events, and a job for each subscribed queue
  const write = async (envelopes: readonly Envelope[], how: DeliverOptions | undefined): Promise<Set<string>> => {
    const fingerprints = envelopes.map((envelope) => (how?.chosenIds ? fingerprintOf(envelope) : null));
    const rows = envelopes.map((envelope, i) => ({
      id: envelope.id,
      name: envelope.name,
      envelope,
      // the payload's hash only ("?" for a payload JSON cannot express): the name has its own column
      fingerprint: hashText(fingerprints[i] ?? null),
      deliver_at: envelope.deliverAt ?? null,
    }));
    const tx = how?.tx;
    const run = (text: string, values: readonly unknown[]) =>
      tx === undefined ? pool.query(text, values) : execute(tx, text, values);
    if (how?.chosenIds) {
      // checked before the write, so a refused batch leaves nothing in the caller's transaction
      const { rows: seen } = await run(selectFingerprints(s), [envelopes.map((envelope) => envelope.id)]);
      for (const row of seen as { id: string; name: string; fingerprint: string | null }[]) {
        const index = envelopes.findIndex((envelope) => envelope.id === row.id);
        const mine = fingerprints[index];
        if (row.fingerprint === null || mine === null || mine === undefined) continue;
        const conflict = conflictOf(fingerprintFrom(row.name, row.fingerprint), mine);
        if (conflict !== undefined)
          throw new IdempotencyConflictError(
            row.id,
            `Event id ${JSON.stringify(row.id)} was already used for ${conflict}`,
          );
      }
    }
    const { rows: written } = await run(insertEvents(s, relay !== undefined), [JSON.stringify(rows)]);
    return new Set((written as { id: string }[]).map((row) => row.id));
  };

  const monitors = new Set<PostgresMonitor>();
  const transport: PostgresTransport = {
    name: "postgres",
    joinsTransactions: true,
    queueOf: (subscriber) => `herald.${subscriber}`,
    monitor(monitorOptions) {
      const monitor = createPostgresMonitor(pool, s, { onError: report, ...monitorOptions });
      monitors.add(monitor);
      return monitor;
    },
    async deliver(envelopes, how) {
      if (closed) throw new TransportError("postgres transport is closed", { retryable: false });
      if (how?.signal?.aborted)
        throw new TransportError("postgres transport: the send was aborted", {
          retryable: true,
          cause: how.signal.reason,
        });
      // a subscription made in this process just before the send must see it
      if (setups.size > 0) await Promise.all(setups);
      let written: Set<string>;
      try {
        written = await write(envelopes, how);
      } catch (error) {
        if (error instanceof IdempotencyConflictError) throw error;
        throw databaseError(how?.tx === undefined ? "writing events" : "writing events in the transaction (tx)", error);
      }
      return envelopes.map((envelope): Receipt => receiptOf(envelope, !written.has(envelope.id)));
    },
    subscribe(event: string, handler: DeliveryHandler, options?: SubscribeOptions): () => void {
      if (relay)
        throw new InvalidOptionsError(
          "A postgres transport with relay forwards events to its relay; subscribers run there, not through on()",
        );
      if (closed) throw new TransportError("postgres transport is closed", { retryable: false });
      // subscriber ids name durable queues: the same id in every process and every deploy
      const subscriber = options?.id ?? (handler.name || `${event}#1`);
      // it is written into the database as a queue name and a run mark: bounded, and no control
      // characters (PostgreSQL text cannot hold NUL; the others would reach logs and the dashboard)
      if (typeof subscriber !== "string" || subscriber.length === 0 || subscriber.length > MAX_SUBSCRIBER_ID_LENGTH)
        throw new InvalidOptionsError(
          `A subscriber id must be 1 to ${MAX_SUBSCRIBER_ID_LENGTH} characters, got ${String(subscriber).length}`,
        );
      if (/[\u0000-\u001f\u007f]/.test(subscriber))
        throw new InvalidOptionsError(
          `A subscriber id must not contain control characters: ${JSON.stringify(subscriber)}`,
        );
      // `herald.relay` is the relay's queue, which no event is subscribed to: such a subscriber would never run
      if (`herald.${subscriber}` === RELAY_QUEUE)
        throw new InvalidOptionsError(`The subscriber id ${JSON.stringify(subscriber)} is reserved for the relay`);
      if (subscriptions.has(subscriber))
        throw new InvalidOptionsError(
          `A subscriber with id ${JSON.stringify(subscriber)} already runs in this process`,
        );
      const limits: Limits = {
        maxAttempts:
          options?.maxAttempts === undefined
            ? defaults.maxAttempts
            : wholeNumber("maxAttempts", options.maxAttempts, 1000),
        timeoutMs:
          options?.timeoutMs === undefined
            ? defaults.timeoutMs
            : wholeNumber("timeoutMs", options.timeoutMs, 23 * 3_600_000),
      };
      const worker = startSubscriber(event, subscriber, { each: handler }, limits);
      subscriptions.set(subscriber, worker);
      let active = true;
      const off = (): void => {
        if (!active) return;
        active = false;
        subscriptions.delete(subscriber);
        void worker.stop();
      };
      options?.signal?.addEventListener("abort", off, { once: true });
      return off;
    },
    async drain() {
      if (setups.size > 0) await Promise.all(setups);
      const names = [...queues];
      for (;;) {
        const { rows } = await pool.query(countPending(s), [names]).catch((error: unknown) => {
          throw databaseError("reading the queues' pending jobs", error);
        });
        if (Number((rows[0] as { n: number }).n) === 0) return;
        await sleep(50);
      }
    },
    async close(closeOptions) {
      if (closed) return;
      closed = true;
      const timeoutMs = closeOptions?.timeoutMs ?? settings.closeTimeoutMs;
      clearInterval(maintenance);
      const stopping = Promise.all([...subscriptions.values()].map((worker) => worker.stop()));
      subscriptions.clear();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([stopping, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
      signalClosed(new Error("postgres transport closed"));
      await listening?.catch(() => {});
      await Promise.all([...monitors].map((monitor) => monitor.close()));
      await closeOwned();
    },
  };

  // herald's rows outlive their events by the retention; deleted in bounded chunks
  const retentionSeconds = settings.retentionDays * 86_400;
  const maintenance = setInterval(() => {
    pool
      .query(pruneOld(s), [retentionSeconds, 10_000])
      .catch((error: unknown) => report(databaseError("pruning", error)));
  }, settings.maintenanceIntervalSeconds * 1000);
  maintenance.unref();
  return transport;
}
