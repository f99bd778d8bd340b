import { TransportError } from "../../core/errors.js";
import { type Deadline, type RetryOptions, SDK_REQUEST_OPTIONS, withRetries } from "./attempts.js";
import type { TriggerApi } from "./client.js";
import type { RunRequest } from "./plan.js";

/** Trigger.dev takes at most 1,000 items per batch (SDK 4.3.1 and later). */
export const MAX_BATCH_SIZE = 1000;

/** What Trigger.dev answered for one run request. */
export interface RunResult {
  /** Known for a single trigger; a batch answers with its id only. */
  readonly runId?: string;
  readonly batchId?: string;
  /** True when Trigger.dev already had a run with this idempotency key. */
  readonly cached: boolean;
}

/** How {@link sendRuns} talks to Trigger.dev. */
export interface SendRunsOptions {
  /** herald's retry settings (the SDK itself is told not to retry). */
  readonly retry?: RetryOptions | undefined;
  readonly maxBatchSize?: number | undefined;
  /** When every request and retry of this call must be done. */
  readonly deadline: Deadline;
}

/**
 * Starts the runs: one `tasks.trigger` for a single run (one HTTP request), else one
 * `batch.trigger` (create + items: two requests) per 1,000 runs, each retried within the
 * deadline (see {@link withRetries}).
 * @throws TransportError with the SDK's error as `cause`
 */
export async function sendRuns(
  api: TriggerApi,
  runs: readonly RunRequest[],
  options: SendRunsOptions,
): Promise<RunResult[]> {
  if (runs.length === 0) return [];
  const { retry, deadline } = options;
  if (runs.length === 1) {
    const [run] = runs as [RunRequest];
    const what = `trigger of ${run.taskId} for ${run.envelope.name} ${run.envelope.id}`;
    const handle = await withRetries(
      () => api.tasks.trigger(run.taskId, run.payload, run.options, SDK_REQUEST_OPTIONS),
      what,
      retry,
      deadline,
    );
    return [{ runId: handle.id, cached: (handle as { isCached?: boolean }).isCached === true }];
  }
  const size = options.maxBatchSize ?? MAX_BATCH_SIZE;
  const results: RunResult[] = [];
  for (let start = 0; start < runs.length; start += size) {
    const chunk = runs.slice(start, start + size);
    const items = chunk.map((run) => ({ id: run.taskId, payload: run.payload, options: run.options }));
    try {
      const handle = await withRetries(
        () => api.batch.trigger(items, undefined, SDK_REQUEST_OPTIONS),
        `batch trigger of ${chunk.length} runs`,
        retry,
        deadline,
      );
      for (const _run of chunk) results.push({ batchId: handle.batchId, cached: false });
    } catch (error) {
      const cause = error as TransportError;
      if (start === 0) throw cause;
      // earlier chunks were accepted: say so, and keep the cause's verdict on retrying
      throw new TransportError(
        `${cause.message} (${start} of ${runs.length} runs were accepted; sending the same events again is safe)`,
        {
          cause: error,
          retryable: cause.retryable,
          ...(cause.status === undefined ? {} : { status: cause.status }),
          ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
        },
      );
    }
  }
  return results;
}
