import type { Context, RetryOptions, TaskCompleteResult, TaskOptions } from "@trigger.dev/sdk";
import type { AnyCatalog, EventData, EventName } from "../../catalog/types.js";
import type { Envelope } from "../../core/envelope.js";
import { InvalidOptionsError } from "../../core/errors.js";
import type { EventUnwrapper } from "./task-payload.js";

// Trigger.dev's own hook types, read off TaskOptions so return types (catchError's retry decision) stay the SDK's
type SdkHooks = Required<TaskOptions<string>>;
type SdkResult<THook extends EventTaskHookName> = ReturnType<SdkHooks[THook]>;
type TaskWait = Parameters<SdkHooks["onWait"]>[0]["wait"];

/** What every hook of an event task gets beside the event's data. No `sendEvent`: see {@link EventTaskHooks}. */
export interface EventHookContext<TCatalog extends AnyCatalog, TName extends EventName<TCatalog>> {
  /** The envelope, upcast to the newest version as `run` sees it: id, timestamp, lineage. */
  readonly event: Envelope<TName, EventData<TCatalog, TName>>;
  /** Trigger.dev's run context: run id, attempt, environment, … */
  readonly ctx: Context;
  /** The task id. */
  readonly task: string;
  /** Aborted when the run exceeds its maxDuration or is cancelled. */
  readonly signal: AbortSignal;
}

/** A hook: the event's data (as `run` gets it), and the context with the hook's own fields. */
export type EventHook<TCatalog extends AnyCatalog, TName extends EventName<TCatalog>, TExtra, TResult> = (
  payload: EventData<TCatalog, TName>,
  context: EventHookContext<TCatalog, TName> & TExtra,
) => TResult;

/**
 * Trigger.dev lifecycle hooks, typed for the event: each gets what `run` gets (the event's data,
 * upcast to the newest version) and the envelope as `event`, with Trigger.dev's `ctx` and the
 * hook's own fields (`output`, `error`, `result`, …); return values go back to Trigger.dev as is.
 * Hooks run only for a payload that unwraps to the event's data. When it does not (an envelope of
 * a version newer than this worker, an upcaster that throws), they are skipped, `middleware`
 * calls `next()` itself, and the run fails with the typed error (`UNKNOWN_VERSION`,
 * `VALIDATION_FAILED`), as it does without hooks; global hooks in trigger.config.ts still see the
 * raw payload. A payload that fails the schema never reaches a hook: Trigger.dev fails the run
 * before any. Hooks get no `sendEvent`: a child id is derived from the parent's id and a counter,
 * so a hook's send would take the id of `run`'s first send and be dropped as a duplicate; send
 * from a hook with the catalog's `sendEvent` and an `id` of your own. Write `run` before the hooks
 * that read its output (`onSuccess`, `onComplete`, `onCancel`): TypeScript infers it in property
 * order, and a hook above `run` sees `unknown`.
 * @see docs/trigger.md#2-subscribe-tasks-to-events
 */
export interface EventTaskHooks<TCatalog extends AnyCatalog, TName extends EventName<TCatalog>, TOutput> {
  /** Before each attempt's `run` (`ctx.ctx.attempt.number` tells the first). Trigger.dev's `onStart` is deprecated for this one. */
  onStartAttempt?: EventHook<TCatalog, TName, unknown, SdkResult<"onStartAttempt">>;
  /** After `run` returned. */
  onSuccess?: EventHook<TCatalog, TName, { readonly output: Awaited<TOutput> }, SdkResult<"onSuccess">>;
  /** After the last attempt failed (no retry follows). */
  onFailure?: EventHook<TCatalog, TName, { readonly error: unknown }, SdkResult<"onFailure">>;
  /** After `onSuccess` or `onFailure`, with either outcome. */
  onComplete?: EventHook<
    TCatalog,
    TName,
    { readonly result: TaskCompleteResult<Awaited<TOutput>> },
    SdkResult<"onComplete">
  >;
  /** When an attempt throws: return `{ skipRetrying }`, `{ retryAt }`, `{ retryDelayInMs }`, `{ retry }` or `{ error }`, or nothing for the default. */
  catchError?: EventHook<
    TCatalog,
    TName,
    {
      readonly error: unknown;
      readonly retry?: RetryOptions;
      readonly retryAt?: Date;
      readonly retryDelayInMs?: number;
    },
    SdkResult<"catchError">
  >;
  /** Around the attempt (its hooks and `run`): call `next()` to go on. */
  middleware?: EventHook<TCatalog, TName, { readonly next: () => Promise<void> }, SdkResult<"middleware">>;
  /** When `run` starts to wait (`wait.for`, `triggerAndWait`, …). */
  onWait?: EventHook<TCatalog, TName, { readonly wait: TaskWait }, SdkResult<"onWait">>;
  /** When `run` resumes after a wait. */
  onResume?: EventHook<TCatalog, TName, { readonly wait: TaskWait }, SdkResult<"onResume">>;
  /** When the run is cancelled while `run` is going. */
  onCancel?: EventHook<TCatalog, TName, { readonly runPromise: Promise<Awaited<TOutput>> }, SdkResult<"onCancel">>;
  /**
   * After each attempt, whatever its outcome.
   * @deprecated Trigger.dev deprecates `cleanup` for `middleware`: code after `await next()`
   */
  cleanup?: EventHook<TCatalog, TName, unknown, SdkResult<"cleanup">>;
}

/** The name of a hook an event task takes. */
export type EventTaskHookName = (typeof HOOK_NAMES)[number];

const HOOK_NAMES = [
  "onStartAttempt",
  "onSuccess",
  "onFailure",
  "onComplete",
  "catchError",
  "middleware",
  "onWait",
  "onResume",
  "onCancel",
  "cleanup",
] as const;

// Trigger.dev hooks eventTask does not take (all deprecated there), and what to use instead
const REFUSED: Readonly<Record<string, string>> = {
  onStart: "onStartAttempt",
  handleError: "catchError",
  init: "middleware",
};

type AnyHook = (payload: unknown, context: object) => unknown;
type SdkParams = { readonly payload: unknown; readonly ctx: Context; readonly next?: () => Promise<void> };

/**
 * Splits an event task's options into Trigger.dev settings and hooks adapted for Trigger.dev: each
 * adapted hook unwraps the payload with `unwrap` (the path `run` takes) and calls the user's hook
 * with the event's data, or skips it when the payload does not unwrap.
 * @throws InvalidOptionsError for a hook eventTask does not take (`onStart`, `handleError`, `init`)
 */
export function adaptHooks(
  options: Readonly<Record<string, unknown>>,
  unwrap: EventUnwrapper,
): { settings: Record<string, unknown>; hooks: Record<string, unknown> } {
  const settings: Record<string, unknown> = {};
  const hooks: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (key in REFUSED) throw new InvalidOptionsError(`eventTask does not take ${key}: use ${REFUSED[key]}`);
    if (!(HOOK_NAMES as readonly string[]).includes(key)) settings[key] = value;
    else if (value !== undefined) {
      if (typeof value !== "function") throw new InvalidOptionsError(`eventTask: ${key} must be a function`);
      hooks[key] = adaptHook(value as AnyHook, unwrap);
    }
  }
  return { settings, hooks };
}

function adaptHook(hook: AnyHook, unwrap: EventUnwrapper): (params: SdkParams) => Promise<unknown> {
  return async ({ payload, ...params }) => {
    let event;
    try {
      event = await unwrap(payload, params.ctx.run);
    } catch {
      // run unwraps through the same memo and fails with this error; a middleware must still let it run
      return params.next?.();
    }
    return hook(event.payload, { ...params, event });
  };
}
