import { type Context, schemaTask, type Task, type TaskOptions } from "@trigger.dev/sdk";
import { runtimeOf, type RuntimeHandler } from "../../catalog/runtime.js";
import type { AnyCatalog, EventData, EventName, EventPayload, HandlerContext } from "../../catalog/types.js";
import { recordEventTask } from "./subscriber-check.js";
import { adaptHooks, type EventTaskHooks } from "./task-hooks.js";
import { taskJsonSchema } from "./task-json-schema.js";
import { createEventUnwrapper, createPayloadParser, type TaskPayload } from "./task-payload.js";

/** Trigger.dev task settings an event task passes through as they are. Lifecycle hooks are in {@link EventTaskHooks}, typed for the event. */
export type EventTaskSettings = Pick<
  TaskOptions<string>,
  "description" | "retry" | "queue" | "concurrency" | "machine" | "maxDuration" | "ttl"
>;

/** What an event task's `run` gets beside its payload: herald's context plus Trigger.dev's. */
export interface EventTaskContext<
  TCatalog extends AnyCatalog,
  TName extends EventName<TCatalog>,
> extends HandlerContext<TName, EventData<TCatalog, TName>, TCatalog["~types"]["payloads"]> {
  /** Trigger.dev's run context: run id, attempt, environment, … */
  readonly ctx: Context;
  /** What the task's `init` returned, if Trigger.dev ran one. */
  readonly init?: unknown;
}

/** Options of {@link eventTask}: a task id, a run function, Trigger.dev task settings, and lifecycle hooks typed for the event. */
export interface EventTaskOptions<
  TCatalog extends AnyCatalog,
  TName extends EventName<TCatalog>,
  TId extends string,
  TOutput,
>
  extends EventTaskSettings, EventTaskHooks<TCatalog, TName, TOutput> {
  /** The Trigger.dev task id: unique in the project, stable across versions. */
  readonly id: TId;
  /** Handles one event: the schema's output type, and a context whose `sendEvent` chains with lineage. */
  run(payload: EventData<TCatalog, TName>, ctx: EventTaskContext<TCatalog, TName>): TOutput | Promise<TOutput>;
}

/** A Trigger.dev task subscribed to event `TName`. `trigger()` takes the event's input type and validates it first. */
export type EventTask<TId extends string, TName extends string, TInput, TOutput> = Task<
  TId,
  TInput,
  Awaited<TOutput>
> & {
  /** The event this task receives. */
  readonly event: TName;
};

/** Any event task, whatever its event and types. */
export type AnyEventTask = EventTask<string, string, any, any>;

/**
 * Defines a Trigger.dev task (a `schemaTask`, checked with the event's schema) that receives event
 * `name`. Export it from your trigger folder and list its id in the dispatcher's subscribers, or in
 * the sender's routes (a dispatcher that leaves it out fails Trigger.dev's index). The payload arrives
 * already validated by the sender, so the schema's transforms run once; a payload from a dashboard test run is validated here. An envelope of an older schema
 * version is upcast before `run` sees it. The task's `jsonSchema` is the event's input schema with
 * its metadata, so the dashboard's test form knows the payload. Lifecycle hooks (`onSuccess`,
 * `onFailure`, `catchError`, …) get the event's data as `run` does; see {@link EventTaskHooks}.
 * @throws UnknownEventError when `name` is not in the catalog; InvalidOptionsError for `onStart`, `handleError` or `init` (deprecated by Trigger.dev: use `onStartAttempt`, `catchError`, `middleware`)
 * @example
 * export const sendWelcomeEmail = eventTask(events, "user.created", {
 *   id: "send-welcome-email",
 *   run: async (user, { sendEvent }) => { await mailer.send(user.email); },
 * });
 * @see docs/trigger.md#2-subscribe-tasks-to-events
 */
export function eventTask<TCatalog extends AnyCatalog, TName extends EventName<TCatalog>, TId extends string, TOutput>(
  events: TCatalog,
  name: TName,
  options: EventTaskOptions<TCatalog, TName, TId, TOutput>,
): EventTask<TId, TName, EventPayload<TCatalog, TName>, TOutput> {
  const runtime = runtimeOf(events);
  runtime.event(name);
  const { run, ...rest } = options;
  const handler = run as RuntimeHandler;
  const jsonSchema = taskJsonSchema(events, name);
  const parser = createPayloadParser(events, name);
  const unwrap = createEventUnwrapper(events, name);
  const { settings, hooks } = adaptHooks(rest, unwrap);
  const task = schemaTask({
    ...(settings as EventTaskSettings & { id: TId }),
    ...hooks,
    ...(jsonSchema === undefined ? {} : { jsonSchema }),
    // schemaTask 4.8 does not register `jsonSchema`; the CLI's indexer converts the task's schema, and asks a function for toJsonSchema() first
    schema: jsonSchema === undefined ? parser : Object.assign(parser, { toJsonSchema: () => jsonSchema }),
    run: async (payload: TaskPayload, params) => {
      const envelope = await unwrap(payload, params.ctx.run);
      const extra = params.init === undefined ? { ctx: params.ctx } : { ctx: params.ctx, init: params.init };
      const delivery = { envelope, attempt: params.ctx.attempt.number, signal: params.signal };
      return (await runtime.handle(handler, delivery, extra)) as Awaited<TOutput>;
    },
  });
  // while Trigger.dev indexes, a dispatcher of this catalog that leaves this task out fails the index here
  recordEventTask(events, options.id, name);
  return Object.assign(task, { event: name }, jsonSchema === undefined ? {} : { jsonSchema }) as unknown as EventTask<
    TId,
    TName,
    EventPayload<TCatalog, TName>,
    TOutput
  >;
}
