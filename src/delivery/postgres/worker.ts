import type { Envelope } from "../../core/envelope.js";
import { HandlerTimeoutError, isHeraldError, TransportError } from "../../core/errors.js";
import { isRetryable, toRunError } from "../embedded/engine.js";
import type { DeliveryHandler } from "../transport.js";
import { databaseError } from "./errors.js";
import { completeJob, delayRetry, insertRun, noMoreRetries } from "./sql.js";
import type { FetchedJob, PgBossLike, PoolClientLike, PoolLike } from "./types.js";

type HandleBatch = NonNullable<WorkerOptions["handleBatch"]>;

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

/** One subscriber's loop in this process: fetch due jobs of its queue, run each in a transaction. */
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
  readonly handler: DeliveryHandler;
  /** Jobs fetched and run at once. */
  readonly concurrency: number;
  readonly pollingIntervalMs: number;
  readonly timeoutMs: number;
  readonly onError: (error: unknown) => void;
  /**
   * Takes the due events of several jobs at once (the relay's `deliver(envelopes)`), all or
   * nothing. Without it, or for a single job, each job runs alone through `handler`.
   */
  readonly handleBatch?: (envelopes: readonly Envelope[], signal: AbortSignal) => Promise<unknown>;
}

/**
 * Starts the loop. Each job runs as: BEGIN; mark the run done (herald_run, primary key (event,
 * subscriber)); the handler, with the transaction as `tx`; complete the job; COMMIT. A crash
 * anywhere before COMMIT leaves no mark and no writes, and pg-boss retries the job once it
 * expires. A second run of the same (event, subscriber), after an expiry, waits on the first
 * one's mark and then finds it: the handler's writes happen once.
 */
export function startWorker(options: WorkerOptions): Worker {
  const { boss, pool, schema, queue, subscriber, handler, concurrency, pollingIntervalMs, timeoutMs, onError } =
    options;
  const running = new Set<AbortController>();
  const settled = new Set<Promise<void>>();
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  const runJob = async (job: FetchedJob): Promise<void> => {
    const envelope = job.data as Envelope;
    const attempt = job.retryCount + 1;
    let client: Awaited<ReturnType<PoolLike["connect"]>>;
    try {
      client = await pool.connect();
    } catch (error) {
      // the job stays active and pg-boss retries it when it expires
      onError(databaseError(`connecting for ${subscriber}`, error));
      return;
    }
    let broken: Error | undefined;
    const controller = new AbortController();
    running.add(controller);
    let timer: NodeJS.Timeout | undefined;
    // a handler that outlives its attempt (its time limit passed) must not write through ctx.tx:
    // after ROLLBACK the client runs each statement on its own (autocommit), and once released it
    // serves another run
    let ended = false;
    const guarded = (raw: PoolClientLike): PoolClientLike =>
      new Proxy(raw, {
        get(target, property) {
          if (property === "query")
            return (...args: unknown[]) =>
              ended
                ? Promise.reject(
                    new TransportError(
                      `postgres transport: ${subscriber}'s attempt ${attempt} is over (it timed out or failed): its transaction (ctx.tx) takes no more statements`,
                      { retryable: false },
                    ),
                  )
                : (target.query as (...args: unknown[]) => unknown)(...args);
          const value: unknown = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    try {
      await client.query("BEGIN");
      const marked = await client.query(insertRun(schema), [envelope.id, subscriber, attempt]);
      if (marked.rows.length === 0) {
        // done before (a run that outlived its expiry, or a crash after COMMIT): only the job is left to close
        await client.query(completeJob(schema), [queue, job.id]);
        await client.query("COMMIT");
        return;
      }
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const error = new HandlerTimeoutError(
            `${subscriber}: attempt ${attempt} took over ${timeoutMs} ms`,
            timeoutMs,
          );
          controller.abort(error);
          reject(error);
        }, timeoutMs);
      });
      await Promise.race([
        Promise.resolve().then(() => handler({ envelope, attempt, signal: controller.signal, tx: guarded(client) })),
        timeout,
      ]);
      ended = true;
      await client.query(completeJob(schema), [queue, job.id]);
      await client.query("COMMIT");
    } catch (error) {
      ended = true;
      clearTimeout(timer);
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      await recordFailure(job.id, error);
    } finally {
      clearTimeout(timer);
      running.delete(controller);
      client.release(broken);
    }
  };

  // Several jobs in one transaction: BEGIN; mark each run (in event id order, so two workers that
  // share events never deadlock); the batch handler with the events not done before; complete
  // every job; COMMIT. All or nothing, like the handler. A failure that will never succeed may be
  // one event's (say, an event the relay cannot route): the jobs then run one by one, so only
  // that event fails for good; a retryable one fails every job, and pg-boss retries each.
  const runBatch = async (jobs: readonly FetchedJob[], handleBatch: HandleBatch): Promise<void> => {
    const sorted = [...jobs].sort((a, b) => ((a.data as Envelope).id < (b.data as Envelope).id ? -1 : 1));
    let client: Awaited<ReturnType<PoolLike["connect"]>>;
    try {
      client = await pool.connect();
    } catch (error) {
      onError(databaseError(`connecting for ${subscriber}`, error));
      return;
    }
    let broken: Error | undefined;
    const controller = new AbortController();
    running.add(controller);
    let timer: NodeJS.Timeout | undefined;
    let failure: { error: unknown } | undefined;
    try {
      await client.query("BEGIN");
      const todo: Envelope[] = [];
      for (const job of sorted) {
        const envelope = job.data as Envelope;
        const marked = await client.query(insertRun(schema), [envelope.id, subscriber, job.retryCount + 1]);
        if (marked.rows.length > 0) todo.push(envelope);
      }
      if (todo.length > 0) {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new HandlerTimeoutError(
              `${subscriber}: a batch of ${todo.length} took over ${timeoutMs} ms`,
              timeoutMs,
            );
            controller.abort(error);
            reject(error);
          }, timeoutMs);
        });
        await Promise.race([Promise.resolve().then(() => handleBatch(todo, controller.signal)), timeout]);
      }
      for (const job of sorted) await client.query(completeJob(schema), [queue, job.id]);
      await client.query("COMMIT");
    } catch (error) {
      clearTimeout(timer);
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      failure = { error };
    } finally {
      clearTimeout(timer);
      running.delete(controller);
      client.release(broken);
    }
    if (failure === undefined) return;
    if (isRetryable(failure.error)) await Promise.all(jobs.map((job) => recordFailure(job.id, failure.error)));
    else if (!stopped) await Promise.all(jobs.map(runJob));
    // stopping: no time to find the one event at fault, and the others must not end with it
    else await Promise.all(jobs.map((job) => recordFailure(job.id, new Error("worker stopped"))));
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
        const { handleBatch } = options;
        const batch = (
          handleBatch !== undefined && jobs.length > 1 ? runBatch(jobs, handleBatch) : Promise.all(jobs.map(runJob))
        ).then(() => {});
        settled.add(batch);
        await batch;
        settled.delete(batch);
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
