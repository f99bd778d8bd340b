/**
 * herald: a typed event catalog. Define events once with schemas, send them checked at compile
 * time and at run time, and deliver them through the embedded engine or Trigger.dev.
 * @module
 */
export type { AsyncAPIDocument, AsyncAPIOptions, AsyncAPIServer } from "./catalog/async-api.js";
export { type DefinedEvent, defineEvent, type EventMeta } from "./catalog/define-event.js";
export { defineEvents, type DefineEventsOptions } from "./catalog/define-events.js";
export type {
  CatalogJSONSchema,
  JSONSchemaObject,
  JSONSchemaOptions,
  OlderVersionSchemas,
} from "./catalog/json-schema.js";
// what users write, plus the types their inferred `events` names in emitted declarations
// (SendEvent, Send, SendEvents, PayloadMap, DataMap: the pack test emits a consumer's, against TS2742);
// the checks behind them (CheckedNames, SendArgs, …) stay inside herald's own .d.ts
export type {
  AnyCatalog,
  DataMap,
  EventCatalog,
  EventContext,
  EventData,
  EventDescription,
  EventHandler,
  EventName,
  EventPayload,
  EventSchema,
  HandlerContext,
  InferEvents,
  OnOptions,
  PayloadMap,
  Send,
  SendEvent,
  SendEvents,
  SendOptions,
} from "./catalog/types.js";
export { MAX_DELAY_MS, parseDelay, type Delay } from "./core/delay.js";
export type { Envelope } from "./core/envelope.js";
export {
  EventValidationError,
  eventIdProblem,
  HandlerTimeoutError,
  HERALD_ERROR_CODES,
  HeraldError,
  type HeraldErrorCode,
  InvalidCloudEventError,
  IdempotencyConflictError,
  InvalidDelayError,
  InvalidEventIdError,
  InvalidEventNameError,
  InvalidOptionsError,
  isHeraldError,
  MAX_EVENT_ID_LENGTH,
  TransportError,
  UnknownEventError,
  UnknownVersionError,
  UnsupportedSchemaError,
} from "./core/errors.js";
export { isEventName } from "./core/names.js";
export { type Clock, systemClock } from "./delivery/embedded/clock.js";
export {
  createEmbeddedEngine,
  type EmbeddedEngine,
  type EmbeddedEngineOptions,
  type EngineActivity,
} from "./delivery/embedded/engine.js";
export type {
  EventRecord,
  EventStats,
  EventStatus,
  History,
  HistoryQuery,
  HistoryStats,
  RunError,
  RunRecord,
  RunStatus,
} from "./delivery/embedded/history.js";
export type { Monitor } from "./delivery/monitor.js";
export type { Delivery, DeliveryHandler, Receipt, SubscribeOptions, Transport } from "./delivery/transport.js";
