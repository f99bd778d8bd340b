import type { Envelope } from "../../core/envelope.js";
import { HandlerTimeoutError } from "../../core/errors.js";
import { isRetryable, toRunError } from "../embedded/engine.js";
import type { DeliveryHandler } from "../transport.js";
import { databaseError } from "./errors.js";
import { completeJob, insertRun, noMoreRetries } from "./sql.js";
import type { PgBossLike, PoolLike } from "./types.js";

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

  const runJob = async (job: { id: string; data: unknown; retryCount: number }): Promise<void> => {
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
    // a checked-out client has no listener of the pool's: a connection lost mid-run (a database
    // restart) emits 'error' on it, which unheard would crash the worker's process; the failing
    // query rejects as well, so the run fails (or expires) like any other, and the client is dropped
    const lost = (error: Error): void => {
      broken = error;
    };
    client.on?.("error", lost);
    const controller = new AbortController();
    running.add(controller);
    let timer: NodeJS.Timeout | undefined;
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
        Promise.resolve().then(() => handler({ envelope, attempt, signal: controller.signal, tx: client })),
        timeout,
      ]);
      await client.query(completeJob(schema), [queue, job.id]);
      await client.query("COMMIT");
    } catch (error) {
      clearTimeout(timer);
      if (controller.signal.aborted && controller.signal.reason === error) {
        // the timed-out handler may still be running and still hold ctx.tx: a ROLLBACK would wait
        // behind its queries and hand the client back to the pool, where its next write would
        // commit outside the run. Dropping the connection rolls the run back and refuses that write.
        broken = error as Error;
      } else {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
      }
      await recordFailure(job.id, error);
    } finally {
      clearTimeout(timer);
      running.delete(controller);
      // a lost connection can emit twice (socket error, then end): a dropped client keeps its listener
      if (broken === undefined) client.off?.("error", lost);
      client.release(broken);
    }
  };

  // pg-boss retries the job with its queue's delay and backoff, or moves it to failed (and to its
  // dead letter queue) after the last attempt; an error that says it is not retryable ends it now
  const recordFailure = async (jobId: string, error: unknown): Promise<void> => {
    try {
      if (!isRetryable(error)) await pool.query(noMoreRetries(schema), [queue, jobId]);
      await boss.fail(queue, jobId, toRunError(error));
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
      let jobs: { id: string; data: unknown; retryCount: number }[] = [];
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
        const batch = Promise.all(jobs.map(runJob)).then(() => {});
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
