import { AbortTaskRunError, type Context, logger, type Task, task, type TaskOptions } from "@trigger.dev/sdk";
import type { AnyCatalog, EventName } from "../../catalog/types.js";
import { InvalidOptionsError, isHeraldError, TransportError, UnknownEventError } from "../../core/errors.js";
import {
  resolveTriggerApi,
  type TriggerClientOptions,
  type TriggerRequestOptions,
} from "../../delivery/trigger/client.js";
import { DEFAULT_TIMEOUT_MS, SDK_REQUEST_OPTIONS } from "../../delivery/trigger/attempts.js";
import { planRuns } from "../../delivery/trigger/plan.js";
import { sendRuns } from "../../delivery/trigger/send.js";
import { DEFAULT_DISPATCHER_ID } from "../../delivery/trigger/transport.js";
import { fromWireEvent, isWireEvent, type WireEvent } from "../../delivery/trigger/wire.js";
import type { AnyEventTask } from "./event-task.js";
import { recordDispatcher } from "./subscriber-check.js";

/**
 * Which tasks receive which event, by task id: `{ "file.uploaded": ["process-upload"] }`. Ids, not the task
 * objects, so the dispatcher's file imports no task file and Trigger.dev credits each task to its own file.
 */
export type DispatcherSubscribers<TCatalog extends AnyCatalog> = {
  readonly [TName in EventName<TCatalog>]?: readonly string[];
};

/**
 * A module namespace (`import * as tasks from "./tasks.js"`): its event tasks subscribe, other exports are
 * skipped. No export may be a list, so a subscriber map with a misspelt event name cannot pass for one.
 */
export type EventTaskModule<TModule> = {
  readonly [TExport in keyof TModule]: TModule[TExport] extends readonly unknown[] ? never : TModule[TExport];
};

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
 * Defines the dispatcher task: it receives every event sent without a route and starts the tasks that
 * subscribe to it. Give it its subscribers by task id, per event (`{ "file.uploaded": ["process-upload"] }`),
 * so its file imports no task file: Trigger.dev's indexer credits a task to the file being imported when the
 * task is created, and a dispatcher that imports every task file would be shown as the file of every task.
 * (A list of event tasks, or a module namespace, is still accepted, for tasks defined in the dispatcher's file.)
 * A run starts every subscriber of its event with one `batch.trigger` (one `tasks.trigger` for a single
 * subscriber), with idempotency keys `${eventId}:${taskId}`, so a retried dispatcher never starts a task twice.
 * Each subscriber run gets the dispatcher run's tags (herald's and the transport's `tags`, at most 10). An event
 * with no subscriber is logged as a warning and the run succeeds.
 *
 * Checked when Trigger.dev indexes the worker (`trigger dev`, `trigger deploy`): an `eventTask` of this catalog
 * that the dispatcher does not list under its event fails the index, naming the task and the event.
 * @throws UnknownEventError for a key that is not an event of the catalog; InvalidOptionsError for an id that is not a non-empty string or is listed twice, a list entry that is not an event task of this catalog, and, while Trigger.dev indexes, for an event task left out
 * @example
 * // trigger/dispatch.ts: imports the catalog, no task file
 * export const dispatch = createDispatcher(events, {
 *   "user.created": ["send-welcome-email", "sync-crm"],
 *   "file.uploaded": ["process-upload"],
 * });
 * @see docs/trigger.md#3-broadcast-the-dispatcher
 */
export function createDispatcher<TCatalog extends AnyCatalog, TId extends string = typeof DEFAULT_DISPATCHER_ID>(
  events: TCatalog,
  subscribers: DispatcherSubscribers<TCatalog>,
  options?: DispatcherOptions<TId>,
): DispatcherTask<TId>;
export function createDispatcher<TId extends string = typeof DEFAULT_DISPATCHER_ID>(
  events: AnyCatalog,
  tasks: readonly AnyEventTask[],
  options?: DispatcherOptions<TId>,
): DispatcherTask<TId>;
export function createDispatcher<TModule extends object, TId extends string = typeof DEFAULT_DISPATCHER_ID>(
  events: AnyCatalog,
  tasks: TModule & EventTaskModule<TModule>,
  options?: DispatcherOptions<TId>,
): DispatcherTask<TId>;
export function createDispatcher<TId extends string = typeof DEFAULT_DISPATCHER_ID>(
  events: AnyCatalog,
  tasks: readonly AnyEventTask[] | Readonly<Record<string, unknown>>,
  options: DispatcherOptions<TId> = {},
): DispatcherTask<TId> {
  const subscribers = isSubscriberMap(tasks)
    ? readSubscriberMap(events, tasks)
    : collectSubscribers(events.names, tasks);
  recordDispatcher(events, options.id ?? DEFAULT_DISPATCHER_ID, subscribers);
  const {
    id = DEFAULT_DISPATCHER_ID,
    client,
    baseURL,
    accessToken,
    requestRetry,
    idempotencyKeyTTL,
    ...settings
  } = options;
  const api = resolveTriggerApi(
    {
      ...(client ? { client } : {}),
      ...(baseURL === undefined ? {} : { baseURL }),
      ...(accessToken === undefined ? {} : { accessToken }),
    },
    SDK_REQUEST_OPTIONS,
  );
  return task({
    ...settings,
    id: id as TId,
    run: async (payload: WireEvent, { ctx }): Promise<DispatchResult> => {
      // a payload herald did not send, or an event this worker does not know, fails the same way on every attempt
      if (!isWireEvent(payload))
        throw new AbortTaskRunError("herald-dispatch received a payload that is not a herald event");
      const envelope = fromWireEvent(payload);
      if (!events.names.includes(envelope.name))
        throw new AbortTaskRunError(new UnknownEventError(envelope.name, events.names).message);
      const taskIds = subscribers.get(envelope.name) ?? [];
      // not an error (an event may have no subscriber yet), but never silent: the run's log says so
      if (taskIds.length === 0)
        logger.warn(`${id}: no task subscribes to ${envelope.name}; event ${envelope.id} started nothing`);
      const runs = await planRuns([envelope], () => taskIds, {
        delay: false,
        // the run's own tags are herald's (the same again for its subscribers: eventTags dedupes) plus the sender's `tags`
        tags: runTags(ctx),
        ...(idempotencyKeyTTL === undefined ? {} : { idempotencyKeyTTL }),
      });
      try {
        const deadline = { at: Date.now() + DEFAULT_TIMEOUT_MS, timeoutMs: DEFAULT_TIMEOUT_MS, signal: undefined };
        const results = await sendRuns(api, runs, { retry: requestRetry, deadline });
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

// { "event.name": ["task-id", ...] }: every value an array (a module namespace holds tasks, never arrays)
function isSubscriberMap(value: unknown): value is Readonly<Record<string, readonly unknown[]>> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const values = Object.values(value);
  return values.length > 0 && values.every((entry) => Array.isArray(entry));
}

function readSubscriberMap(
  events: AnyCatalog,
  map: Readonly<Record<string, readonly unknown[]>>,
): Map<string, string[]> {
  const subscribers = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const event of Object.keys(map)) {
    if (!events.names.includes(event)) throw new UnknownEventError(event, events.names);
    const ids: string[] = [];
    for (const id of map[event]!) {
      if (typeof id !== "string" || id === "")
        throw new InvalidOptionsError(
          `createDispatcher: ${event} lists ${typeof id === "string" ? "an empty id" : typeof id}; give task ids`,
        );
      // a task receives one event: an id listed twice would start it twice, or with another event's payload
      if (seen.has(id)) throw new InvalidOptionsError(`createDispatcher: ${JSON.stringify(id)} is listed twice`);
      seen.add(id);
      ids.push(id);
    }
    subscribers.set(event, ids);
  }
  return subscribers;
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
