/**
 * herald/trigger: deliver a catalog's events as Trigger.dev v4 runs. `triggerTransport` (or
 * `withTrigger`) sends; `eventTask` defines a task subscribed to one event; `createDispatcher`
 * defines the task that fans each event out to its subscribers. Needs `@trigger.dev/sdk` 4.x.
 * @module
 */
export {
  DEFAULT_DISPATCHER_ID,
  triggerTransport,
  type TriggerReceipt,
  type TriggerRoutes,
  type TriggerTransport,
  type TriggerTransportOptions,
} from "./delivery/trigger/transport.js";
export type { TriggerApi, TriggerClientOptions, TriggerRequestOptions } from "./delivery/trigger/client.js";
export { MAX_TAG_LENGTH, MAX_TAGS } from "./delivery/trigger/run-options.js";
export { MAX_BATCH_SIZE } from "./delivery/trigger/send.js";
export type { WireEvent } from "./delivery/trigger/wire.js";
export {
  type AnyEventTask,
  type EventTask,
  type EventTaskContext,
  type EventTaskOptions,
  type EventTaskSettings,
  eventTask,
} from "./edges/trigger/event-task.js";
export {
  createDispatcher,
  type DispatcherOptions,
  type DispatcherSubscribers,
  type DispatcherTask,
  type DispatchResult,
  type EventTaskModule,
} from "./edges/trigger/dispatcher.js";
export type { EventHook, EventHookContext, EventTaskHookName, EventTaskHooks } from "./edges/trigger/task-hooks.js";
export { withTrigger } from "./edges/trigger/with-trigger.js";
