import { TransportError } from "../../core/errors.js";
import type { TriggerApi, TriggerRequestOptions } from "./client.js";
import { toTransportError } from "./errors.js";
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
export interface SendOptions {
  readonly requestOptions?: TriggerRequestOptions | undefined;
  readonly maxBatchSize?: number | undefined;
}

/**
 * Starts the runs: one `tasks.trigger` for a single run (one HTTP request), else one
 * `batch.trigger` (create + items: two requests) per 1,000 runs.
 * @throws TransportError with the SDK's error as `cause`
 */
export async function sendRuns(
  api: TriggerApi,
  runs: readonly RunRequest[],
  options: SendOptions = {},
): Promise<RunResult[]> {
  if (runs.length === 0) return [];
  const { requestOptions } = options;
  if (runs.length === 1) {
    const [run] = runs as [RunRequest];
    try {
      const handle = await api.tasks.trigger(run.taskId, run.payload, run.options, requestOptions);
      return [{ runId: handle.id, cached: (handle as { isCached?: boolean }).isCached === true }];
    } catch (error) {
      throw toTransportError(error, `trigger of ${run.taskId} for ${run.envelope.name} ${run.envelope.id}`);
    }
  }
  const size = options.maxBatchSize ?? MAX_BATCH_SIZE;
  const results: RunResult[] = [];
  for (let start = 0; start < runs.length; start += size) {
    const chunk = runs.slice(start, start + size);
    const items = chunk.map((run) => ({ id: run.taskId, payload: run.payload, options: run.options }));
    try {
      const handle = await api.batch.trigger(items, undefined, requestOptions);
      for (const _run of chunk) results.push({ batchId: handle.batchId, cached: false });
    } catch (error) {
      const cause = toTransportError(error, `batch trigger of ${chunk.length} runs`);
      if (start === 0) throw cause;
      // earlier chunks were accepted: say so, and keep the cause's verdict on retrying
      throw new TransportError(
        `${cause.message} (${start} of ${runs.length} runs were accepted; sending the same events again is safe)`,
        {
          cause: error,
          retryable: cause.retryable,
          ...(cause.status === undefined ? {} : { status: cause.status }),
        },
      );
    }
  }
  return results;
}
