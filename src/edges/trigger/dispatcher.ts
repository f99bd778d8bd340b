import { AbortTaskRunError, type Context, type Task, task, type TaskOptions } from "@trigger.dev/sdk";
import { runtimeOf } from "../../catalog/runtime.js";
import type { AnyCatalog } from "../../catalog/types.js";
import { InvalidOptionsError, isHeraldError, TransportError } from "../../core/errors.js";
import {
  resolveTriggerApi,
  type TriggerClientOptions,
  type TriggerRequestOptions,
} from "../../delivery/trigger/client.js";
import { planRuns } from "../../delivery/trigger/plan.js";
import { sendRuns } from "../../delivery/trigger/send.js";
import { DEFAULT_DISPATCHER_ID } from "../../delivery/trigger/transport.js";
import { fromWireEvent, isWireEvent, type WireEvent } from "../../delivery/trigger/wire.js";
import type { AnyEventTask } from "./event-task.js";

/** Options of {@link createDispatcher}. */
export interface DispatcherOptions<TId extends string>
  extends
    TriggerClientOptions,
    Pick<TaskOptions<string>, "description" | "retry" | "queue" | "machine" | "maxDuration"> {
  /** The task id; the transport's `dispatcher` option must match. Default `"herald-dispatch"`. */
  readonly id?: TId;
  /** The SDK's retry settings for the fan-out requests (`retry` is the task's own, as in Trigger.dev). */
  readonly requestRetry?: TriggerRequestOptions["retry"];
  /**
   * `idempotencyKeyTTL` of the subscriber runs, like `"30d"`: give the transport's value. A run's
   * context does not carry its key's TTL, so the dispatcher cannot take it from its own run as it
   * takes the tags (Trigger.dev's default applies when absent).
   */
  readonly idempotencyKeyTTL?: string;
}

/** What a dispatcher run returns: which tasks it started for which event. */
export interface DispatchResult {
  readonly eventId: string;
  readonly event: string;
  readonly tasks: readonly string[];
  readonly batchId?: string;
  readonly runIds?: readonly string[];
}

/** The dispatcher task: receives every event sent without a route and starts its subscribers. */
export type DispatcherTask<TId extends string> = Task<TId, WireEvent, DispatchResult>;

/**
 * Defines the dispatcher task. Give it your event tasks (a list, or a module namespace: values that
 * are not event tasks are skipped); it knows from each which event it receives. A run starts every
 * subscriber of its event with one `batch.trigger` (one `tasks.trigger` for a single subscriber),
 * with idempotency keys `${eventId}:${taskId}`, so a retried dispatcher never starts a task twice.
 * Each subscriber run gets the dispatcher run's tags (herald's and the transport's `tags`, at most 10).
 * Trigger.dev imports only the file of the task that runs, so the list, not a registry, is what
 * tells the dispatcher about tasks in other files.
 * @throws InvalidOptionsError for a list entry that is not an event task of this catalog, or two tasks with one id
 * @example
 * // trigger/dispatch.ts
 * export const dispatch = createDispatcher(events, [sendWelcomeEmail, syncCrm, processUpload]);
 * @see README.md#going-to-production-with-triggerdev
 */
export function createDispatcher<TId extends string = typeof DEFAULT_DISPATCHER_ID>(
  events: AnyCatalog,
  tasks: readonly AnyEventTask[] | Readonly<Record<string, unknown>>,
  options: DispatcherOptions<TId> = {},
): DispatcherTask<TId> {
  const runtime = runtimeOf(events);
  const subscribers = collectSubscribers(events.names, tasks);
  const {
    id = DEFAULT_DISPATCHER_ID,
    client,
    baseURL,
    accessToken,
    requestRetry,
    idempotencyKeyTTL,
    ...settings
  } = options;
  const requestOptions = requestRetry === undefined ? undefined : { retry: requestRetry };
  const api = resolveTriggerApi(
    {
      ...(client ? { client } : {}),
      ...(baseURL === undefined ? {} : { baseURL }),
      ...(accessToken === undefined ? {} : { accessToken }),
    },
    requestOptions,
  );
  return task({
    ...settings,
    id: id as TId,
    run: async (payload: WireEvent, { ctx }): Promise<DispatchResult> => {
      // a payload herald did not send, or an event this worker does not know, fails the same way on every attempt
      if (!isWireEvent(payload))
        throw new AbortTaskRunError("herald-dispatch received a payload that is not a herald event");
      const envelope = fromWireEvent(payload);
      try {
        runtime.event(envelope.name);
      } catch (error) {
        throw new AbortTaskRunError((error as Error).message);
      }
      const runs = await planRuns([envelope], (event) => subscribers.get(event.name) ?? [], {
        delay: false,
        // the run's own tags are herald's (the same again for its subscribers: eventTags dedupes) plus the sender's `tags`
        tags: runTags(ctx),
        ...(idempotencyKeyTTL === undefined ? {} : { idempotencyKeyTTL }),
      });
      try {
        const results = await sendRuns(api, runs, { requestOptions });
        const runIds = results.flatMap((result) => (result.runId === undefined ? [] : [result.runId]));
        const batchId = results[0]?.batchId;
        return {
          eventId: envelope.id,
          event: envelope.name,
          tasks: runs.map((run) => run.taskId),
          ...(batchId === undefined ? {} : { batchId }),
          ...(runIds.length > 0 ? { runIds } : {}),
        };
      } catch (error) {
        if (isHeraldError(error) && error instanceof TransportError && !error.retryable)
          throw new AbortTaskRunError(error.message);
        throw error;
      }
    },
  });
}

// the platform sets ctx.run.tags; a context without them (an older worker, a test harness) forwards none
function runTags(ctx: Context): readonly string[] {
  const tags: unknown = ctx.run?.tags;
  return Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === "string") : [];
}

function collectSubscribers(
  names: readonly string[],
  tasks: readonly AnyEventTask[] | Readonly<Record<string, unknown>>,
): Map<string, string[]> {
  const list = Array.isArray(tasks);
  const candidates: unknown[] = list ? [...tasks] : Object.values(tasks ?? {});
  const subscribers = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (!isEventTask(candidate, names)) {
      if (list)
        throw new InvalidOptionsError(
          `createDispatcher: ${describe(candidate)} is not an event task of this catalog (make it with eventTask)`,
        );
      continue;
    }
    if (seen.has(candidate.id))
      throw new InvalidOptionsError(`createDispatcher: two tasks have the id ${JSON.stringify(candidate.id)}`);
    seen.add(candidate.id);
    subscribers.set(candidate.event, [...(subscribers.get(candidate.event) ?? []), candidate.id]);
  }
  return subscribers;
}

function isEventTask(value: unknown, names: readonly string[]): value is AnyEventTask {
  const candidate = value as Partial<AnyEventTask> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.id === "string" &&
    typeof candidate.event === "string" &&
    names.includes(candidate.event)
  );
}

function describe(value: unknown): string {
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === "string" ? `task ${JSON.stringify(id)}` : typeof value;
}
