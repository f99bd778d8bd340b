import type { Envelope } from "../../core/envelope.js";
import { InvalidOptionsError, TransportError } from "../../core/errors.js";
import { wholeNumber } from "../../core/whole-number.js";
import { createPendingCounter } from "../pending.js";
import { receiptOf } from "../receipt.js";
import type { DeliverOptions, Receipt, Transport } from "../transport.js";
import { DEFAULT_TIMEOUT_MS, type RetryOptions, SDK_REQUEST_OPTIONS } from "./attempts.js";
import { resolveTriggerApi, type TriggerClientOptions } from "./client.js";
import { planRuns } from "./plan.js";
import { MAX_BATCH_SIZE, type RunResult, sendRuns } from "./send.js";

/** The dispatcher task's id unless another is given, here and in `createDispatcher`. */
export const DEFAULT_DISPATCHER_ID = "herald-dispatch";

/** Event name -> the ids of the tasks that receive it. An empty list sends the event to nobody. */
export type TriggerRoutes<TName extends string = string> = { readonly [K in TName]?: readonly string[] };

/** Options of {@link triggerTransport}. `TName` checks the keys of `routes`: pass the catalog's event names. */
export interface TriggerTransportOptions<TName extends string = string> extends TriggerClientOptions {
  /** Fan out from the sender with one `batch.trigger`. Events not listed go to the dispatcher. */
  readonly routes?: TriggerRoutes<TName>;
  /** The dispatcher task's id (default `"herald-dispatch"`), or `false` when every event must have a route. */
  readonly dispatcher?: string | false;
  /**
   * Retry settings for each request, in the SDK's shape (default: 5 attempts, backoff from 1 s by
   * ×1.6, at most 30 s). herald retries, not the SDK: a `retry-after` or `x-ratelimit-reset` reply
   * sets the wait, and no wait runs past `timeoutMs`.
   */
  readonly retry?: RetryOptions;
  /**
   * The deadline of one send, in ms, every request and retry wait included (default 30,000). When
   * it passes, or the send's `signal` aborts, the send rejects with a retryable TransportError;
   * sending the same event id again later starts no task twice.
   */
  readonly timeoutMs?: number;
  /** Tags added to every run after herald's own (Trigger.dev keeps 10 at most); the dispatcher passes them on to its subscriber runs. */
  readonly tags?: readonly string[];
  /** How long Trigger.dev remembers an idempotency key, like `"30d"` (its default applies when absent); give the dispatcher the same. */
  readonly idempotencyKeyTTL?: string;
  /** Runs per `batch.trigger` call, at most 1,000 (Trigger.dev's limit). */
  readonly maxBatchSize?: number;
}

/** A receipt from Trigger.dev: `runIds` when a single run was triggered, `batchId` when a batch was. */
export interface TriggerReceipt extends Receipt {
  readonly batchId?: string;
}

/** herald's Trigger.dev transport: every subscriber is a Trigger.dev task, so `on()` is not available. */
export interface TriggerTransport extends Transport {
  readonly name: "trigger";
  deliver(envelopes: readonly Envelope[], options?: DeliverOptions): Promise<readonly TriggerReceipt[]>;
  /** Resolves when no delivery is in flight. */
  drain(): Promise<void>;
  /** New deliveries reject; resolves when those in flight have settled. */
  close(): Promise<void>;
}

/**
 * Delivers events as Trigger.dev runs. An event with a route is sent straight to its tasks; any
 * other goes to the dispatcher task, which fans out in the worker. All runs of one `deliver` go in
 * one request (`tasks.trigger` for a single run, else `batch.trigger`). Each run's idempotency key
 * is `${eventId}:${taskId}`, so sending an event again with the same id runs no task twice.
 * @throws InvalidOptionsError for malformed routes or limits
 * @example
 * const events = defineEvents(schemas, {
 *   transport: triggerTransport({ routes: { "user.created": ["send-welcome-email", "sync-crm"] } }),
 * });
 * @see docs/trigger.md#1-bind-the-catalog-to-triggerdev
 */
export function triggerTransport<TName extends string = string>(
  options: TriggerTransportOptions<TName> = {},
): TriggerTransport {
  const routes = checkRoutes(options.routes as TriggerRoutes | undefined);
  const dispatcher = options.dispatcher ?? DEFAULT_DISPATCHER_ID;
  if (dispatcher !== false && (typeof dispatcher !== "string" || dispatcher === "")) {
    throw new InvalidOptionsError("dispatcher must be a task id or false");
  }
  const maxBatchSize = wholeNumber("maxBatchSize", options.maxBatchSize ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
  const timeoutMs = wholeNumber("timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  if (options.retry?.maxAttempts !== undefined) wholeNumber("retry.maxAttempts", options.retry.maxAttempts);
  const api = resolveTriggerApi(options, SDK_REQUEST_OPTIONS);
  const targetsOf = (envelope: Envelope): readonly string[] => {
    const routed = routes.get(envelope.name);
    if (routed) return routed;
    if (dispatcher === false) {
      throw new TransportError(`${envelope.name} has no route and the dispatcher is off: add it to routes`, {
        retryable: false,
      });
    }
    return [dispatcher];
  };
  const inFlight = createPendingCounter();
  let closed = false;

  return {
    name: "trigger",
    async deliver(envelopes, deliverOptions) {
      if (closed) throw new TransportError("The trigger transport is closed", { retryable: false });
      const deadline = { at: Date.now() + timeoutMs, timeoutMs, signal: deliverOptions?.signal };
      inFlight.begin();
      try {
        const runs = await planRuns(envelopes, targetsOf, {
          delay: true,
          ...(options.tags ? { tags: options.tags } : {}),
          ...(options.idempotencyKeyTTL ? { idempotencyKeyTTL: options.idempotencyKeyTTL } : {}),
        });
        const results = await sendRuns(api, runs, { retry: options.retry, maxBatchSize, deadline });
        const byEvent = new Map<Envelope, RunResult[]>();
        runs.forEach((run, i) => byEvent.set(run.envelope, [...(byEvent.get(run.envelope) ?? []), results[i]!]));
        return envelopes.map((envelope) => toReceipt(envelope, byEvent.get(envelope) ?? []));
      } finally {
        inFlight.end();
      }
    },
    drain: () => inFlight.idle(),
    async close() {
      closed = true;
      await inFlight.idle();
    },
  };
}

function toReceipt(envelope: Envelope, results: readonly RunResult[]): TriggerReceipt {
  const runIds = results.flatMap((result) => (result.runId === undefined ? [] : [result.runId]));
  const batchId = results.find((result) => result.batchId !== undefined)?.batchId;
  return receiptOf(envelope, results.length > 0 && results.every((result) => result.cached), {
    ...(runIds.length > 0 ? { runIds } : {}),
    ...(batchId === undefined ? {} : { batchId }),
  });
}

function checkRoutes(routes: TriggerRoutes | undefined): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  if (routes === undefined) return map;
  if (typeof routes !== "object" || routes === null)
    throw new InvalidOptionsError("routes must be an object of event name -> task ids");
  for (const [name, ids] of Object.entries(routes)) {
    if (ids === undefined) continue;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string" || id === "")) {
      throw new InvalidOptionsError(`routes[${JSON.stringify(name)}] must be a list of task ids`);
    }
    if (new Set(ids).size !== ids.length)
      throw new InvalidOptionsError(`routes[${JSON.stringify(name)}] lists a task twice`);
    map.set(name, Object.freeze([...ids]));
  }
  return map;
}
