import type { Envelope } from "../../core/envelope.js";
import { HandlerTimeoutError, isHeraldError, TransportError } from "../../core/errors.js";
import { isRetryable, toRunError } from "../run-error.js";
import type { SqlClient, SqlResult } from "../transaction.js";
import type { DeliveryHandler } from "../transport.js";
import { databaseError } from "./errors.js";
import { beginRuns, commitRuns, delayRetry, noMoreRetries } from "./sql.js";
import type { FetchedJob, PgBossLike, PoolClientLike, PoolLike } from "./types.js";

/** The longest `retryAfterMs` a retry is held back for: a server's hint beyond it is taken as a mistake. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

// a TransportError's retryAfterMs, when it is a sane number of ms (capped at MAX_RETRY_AFTER_MS);
// matched by code, not instanceof, so a second copy of herald's errors counts too
function retryAfterOf(error: unknown): number | undefined {
  if (!isHeraldError(error) || error.code !== "TRANSPORT_FAILED") return undefined;
  const wait = (error as TransportError).retryAfterMs;
  if (typeof wait !== "number" || !Number.isFinite(wait) || wait <= 0) return undefined;
  return Math.min(Math.ceil(wait), MAX_RETRY_AFTER_MS);
}

/** One subscriber's loop in this process: fetch due jobs of its queue, run them in a transaction. */
export interface Worker {
  /** Fetch now instead of at the next poll (a send's notification). */
  wake(): void;
  /** Stops fetching and aborts running attempts; resolves when they have settled. */
  stop(): Promise<void>;
}

export interface WorkerOptions {
  readonly boss: PgBossLike;
  readonly pool: PoolLike;
  readonly schema: string;
  readonly queue: string;
  readonly subscriber: string;
  /**
   * What runs the jobs: a handler per job (`each`, a subscriber), or one call taking the due events
   * of a whole batch at once, all or nothing (`batch`, the relay's `deliver(envelopes)`).
   */
  readonly run: { readonly each: DeliveryHandler } | { readonly batch: HandleBatch };
  /** Jobs fetched, and run at once, per batch. */
  readonly concurrency: number;
  readonly pollingIntervalMs: number;
  readonly timeoutMs: number;
  readonly onError: (error: unknown) => void;
}

/** Takes the due events of a batch at once, all or nothing. */
export type HandleBatch = (envelopes: readonly Envelope[], signal: AbortSignal) => Promise<unknown>;

interface Outcome {
  readonly job: FetchedJob;
  readonly error?: unknown;
}

/**
 * Starts the loop. A fetched batch runs in one transaction: BEGIN with a mark per run
 * (herald_run, primary key (event, subscriber)); the handlers, at once; then the completion of
 * the jobs that succeeded, and COMMIT. A crash before COMMIT leaves no mark and no writes, and
 * pg-boss retries the jobs once they expire. A run already marked (done before an expiry) is only
 * completed. Each handler's writes through `tx` sit in their own savepoint, taken on its first
 * query: a failing run rolls back to it and leaves the others' writes; a handler that never
 * touches `tx` costs no round trip. Handlers that use `tx` take turns on it, one run at a time.
 */
export function startWorker(options: WorkerOptions): Worker {
  const { boss, pool, schema, queue, subscriber, run, concurrency, pollingIntervalMs, timeoutMs, onError } = options;
  const running = new Set<AbortController>();
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  const runBatch = async (fetched: readonly FetchedJob[]): Promise<void> => {
    // marks are taken in event id order, so two workers that share events (after an expiry) never deadlock
    const jobs = [...fetched].sort((a, b) => ((a.data as Envelope).id < (b.data as Envelope).id ? -1 : 1));
    let client: PoolClientLike;
    try {
      client = await pool.connect();
    } catch (error) {
      // the jobs stay active and pg-boss retries them when they expire
      onError(databaseError(`connecting for ${subscriber}`, error));
      return;
    }
    let broken: Error | undefined;
    // a checked-out client has no listener of the pool's: a connection lost mid-batch (a database
    // restart) emits 'error' on it, which unheard would crash the worker's process; the failing
    // query rejects as well, so the batch fails (or expires) like any other, and the client is dropped
    const lost = (error: Error): void => {
      broken = error;
    };
    client.on?.("error", lost);
    const outcomes: Outcome[] = [];
    const turns = createTurns(client, subscriber);
    try {
      const runs = jobs.map((job) => [(job.data as Envelope).id, job.retryCount + 1] as const);
      const [, marked] = (await client.query(beginRuns(schema, subscriber, runs))) as unknown as SqlResult[];
      const fresh = new Set((marked!.rows as { event_id: string }[]).map((row) => row.event_id));
      // done before (a run that outlived its expiry, or a crash after COMMIT): only the job is left to close
      for (const job of jobs) if (!fresh.has((job.data as Envelope).id)) outcomes.push({ job });
      const todo = jobs.filter((job) => fresh.has((job.data as Envelope).id));
      if ("batch" in run) {
        const error = todo.length > 0 ? await runAll(todo, run.batch) : undefined;
        for (const job of todo) outcomes.push(error === undefined ? { job } : { job, error });
      } else {
        await Promise.all(
          todo.map(async (job, n) => {
            const error = await runOne(run.each, job, job.data as Envelope, turns.tx(`r${n}`));
            outcomes.push(error === undefined ? { job } : { job, error });
          }),
        );
      }
      const poison = turns.poisoned();
      if (poison !== undefined) throw poison;
      const completed = outcomes.filter((o) => !("error" in o)).map((o) => o.job.id);
      const failed = outcomes.filter((o) => "error" in o).map((o) => (o.job.data as Envelope).id);
      const results = (await client.query(commitRuns(schema, queue, subscriber, completed, failed))) as unknown as {
        command: string;
      }[];
      // COMMIT on a transaction that an error aborted answers ROLLBACK, not an error
      if (results[results.length - 1]?.command !== "COMMIT")
        throw new Error(`${subscriber}: the batch's transaction was aborted by an error, so it rolled back`);
    } catch (error) {
      const poison = turns.poisoned();
      if (poison !== undefined) {
        // a timed-out handler may still hold ctx.tx with a statement running: a ROLLBACK would wait
        // behind it. Dropping the connection rolls the whole batch back at once; every job is retried.
        broken = poison;
      } else {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
      }
      // nothing of the batch committed: every job is retried
      outcomes.length = 0;
      for (const job of jobs) outcomes.push({ job, error });
    } finally {
      // a lost connection can emit twice (socket error, then end): a dropped client keeps its listener
      if (broken === undefined) client.off?.("error", lost);
      client.release(broken);
    }
    const failures = outcomes.filter((o) => "error" in o);
    // a batch handler's failure for good may be one event's (one the relay cannot route): the jobs
    // then run one by one, so only that event fails for good; a retryable one fails every job
    if ("batch" in run && jobs.length > 1 && failures.length === jobs.length) {
      const error = failures[0]!.error;
      if (!isRetryable(error) && !stopped) {
        for (const job of jobs) await runBatch([job]);
        return;
      }
    }
    for (const outcome of failures) await recordFailure(outcome.job.id, outcome.error);
  };

  // the batch handler over every event at once, bounded by timeoutMs
  const runAll = async (jobs: readonly FetchedJob[], handleBatch: HandleBatch): Promise<unknown> => {
    const controller = new AbortController();
    running.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HandlerTimeoutError(
          `${subscriber}: a batch of ${jobs.length} took over ${timeoutMs} ms`,
          timeoutMs,
        );
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      await Promise.race([
        Promise.resolve().then(() =>
          handleBatch(
            jobs.map((job) => job.data as Envelope),
            controller.signal,
          ),
        ),
        timeout,
      ]);
      return undefined;
    } catch (error) {
      return error ?? new Error("the batch handler threw a nullish value");
    } finally {
      clearTimeout(timer);
      running.delete(controller);
    }
  };

  // one attempt, bounded by timeoutMs; its writes through tx roll back to its savepoint when it fails
  const runOne = async (handler: DeliveryHandler, job: FetchedJob, envelope: Envelope, tx: RunTx): Promise<unknown> => {
    const attempt = job.retryCount + 1;
    const controller = new AbortController();
    running.add(controller);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HandlerTimeoutError(`${subscriber}: attempt ${attempt} took over ${timeoutMs} ms`, timeoutMs);
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    let failure: unknown;
    try {
      await Promise.race([
        Promise.resolve().then(() => handler({ envelope, attempt, signal: controller.signal, tx: tx.client })),
        timeout,
      ]);
    } catch (error) {
      failure = error ?? new Error("the handler threw a nullish value");
    } finally {
      clearTimeout(timer);
      running.delete(controller);
    }
    return tx.end(failure, failure !== undefined && controller.signal.reason === failure);
  };

  // pg-boss retries the job with its queue's delay and backoff, or moves it to failed (and to its
  // dead letter queue) after the last attempt; an error that says it is not retryable ends it now,
  // and one that says when to try again (a 429's retry-after) holds the retry back until then
  const recordFailure = async (jobId: string, error: unknown): Promise<void> => {
    try {
      const retryable = isRetryable(error);
      if (!retryable) await pool.query(noMoreRetries(schema), [queue, jobId]);
      await boss.fail(queue, jobId, toRunError(error));
      const wait = retryable ? retryAfterOf(error) : undefined;
      if (wait !== undefined) await pool.query(delayRetry(schema), [queue, jobId, wait]);
    } catch (failError) {
      // the job stays active and is retried when it expires
      onError(databaseError(`recording the failure of ${subscriber}`, failError));
    }
  };

  const pause = (): Promise<void> =>
    new Promise((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, pollingIntervalMs);
      function done(): void {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  const loop = async (): Promise<void> => {
    while (!stopped) {
      woken = false;
      let jobs: FetchedJob[] = [];
      try {
        jobs = (await boss.fetch(queue, { batchSize: concurrency, includeMetadata: true })) ?? [];
      } catch (error) {
        onError(databaseError(`fetching jobs of ${subscriber}`, error));
      }
      if (stopped) {
        // fetched while stopping: give them back at once rather than leave them active until they expire
        if (jobs.length > 0)
          await boss
            .fail(
              queue,
              jobs.map((job) => job.id),
              { message: "worker stopped" },
            )
            .catch(() => {});
        break;
      }
      if (jobs.length > 0) {
        await runBatch(jobs);
        continue;
      }
      await pause();
    }
  };
  const done = loop().catch(onError);

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      for (const controller of running) controller.abort(new Error("postgres transport closed"));
      await done;
    },
  };
}

/** A run's view of the batch transaction: `client` for the handler, `end` once it settled. */
interface RunTx {
  readonly client: SqlClient;
  /**
   * Releases (on success) or rolls back to (on `failure`) the run's savepoint; the run's error, if
   * any. A run that `timedOut` holding the transaction poisons the batch instead (no statement is
   * sent: one of its own may still be running).
   */
  end(failure: unknown, timedOut: boolean): Promise<unknown>;
}

// The batch's client is shared: a run takes it on its first query (after a SAVEPOINT) and holds it
// until it ends, so two handlers' statements never interleave in one savepoint. The handler sees
// the pg client itself (an ORM may wrap it), through a Proxy: statements after the run ended (a
// handler that outlived its time limit) are refused, never written into another run, and the
// client cannot be released from under the batch.
function createTurns(
  client: PoolClientLike,
  subscriber: string,
): { tx(savepoint: string): RunTx; poisoned(): Error | undefined } {
  let queue: Promise<void> = Promise.resolve();
  let poison: Error | undefined;
  return {
    poisoned: () => poison,
    tx(savepoint) {
      let taken: Promise<void> | undefined;
      let release: (() => void) | undefined;
      let ended = false;
      const take = (): Promise<void> => {
        if (taken === undefined) {
          const previous = queue;
          const turn = new Promise<void>((resolve) => (release = resolve));
          queue = previous.then(() => turn);
          taken = previous
            .then(() => {
              if (poison !== undefined) throw poison;
              return client.query(`SAVEPOINT ${savepoint}`);
            })
            .then(() => {});
        }
        return taken;
      };
      const query = async (...args: unknown[]): Promise<unknown> => {
        if (ended)
          throw new TransportError(
            `postgres transport: ${subscriber}'s attempt is over (it timed out or failed): its transaction (ctx.tx) takes no more statements`,
            { retryable: false },
          );
        if (poison !== undefined) throw poison;
        await take();
        if (poison !== undefined) throw poison;
        return (client.query as (...args: unknown[]) => Promise<unknown>)(...args);
      };
      const guarded = new Proxy(client, {
        get(target, property) {
          if (property === "query") return query;
          if (property === "release")
            return () => {
              throw new TransportError("postgres transport: ctx.tx belongs to the run; herald releases it", {
                retryable: false,
              });
            };
          const value: unknown = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      return {
        client: guarded,
        async end(failure, timedOut) {
          ended = true;
          if (taken === undefined) return failure;
          if (timedOut || poison !== undefined) {
            poison ??= failure instanceof Error ? failure : new Error(String(failure));
            release?.();
            return failure;
          }
          try {
            await taken;
            if (failure === undefined) {
              // fails when the handler swallowed an SQL error: the savepoint's work is lost, so is the run
              try {
                await client.query(`RELEASE SAVEPOINT ${savepoint}`);
                return undefined;
              } catch (error) {
                failure = error;
              }
            }
            await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
            await client.query(`RELEASE SAVEPOINT ${savepoint}`);
            return failure;
          } finally {
            release?.();
          }
        },
      };
    },
  };
}
