import type { StandardSchemaV1 } from "@standard-schema/spec";
import type { Delay } from "../core/delay.js";
import type { CloudEventAttributes, Envelope } from "../core/envelope.js";
import type { BadEventName, DottedName } from "../core/names.js";
import type { Receipt, SubscribeOptions, Transport } from "../delivery/transport.js";
import type { SqlClient, Transaction } from "../delivery/transaction.js";
import type { AsyncAPIDocument, AsyncAPIOptions } from "./async-api.js";
import type { EventMeta } from "./define-event.js";
import type { CatalogJSONSchema, JSONSchemaOptions, OlderVersionSchemas } from "./json-schema.js";

/**
 * A schema as the catalog's constraint sees it. Only `~standard` is required, and its type is left
 * unread: checking 1,000 zod schemas against the full `StandardSchemaV1` costs ~200 instantiations
 * each (measured), so the full check happens at run time in defineEvents instead.
 */
export interface SchemaLike {
  readonly "~standard": unknown;
}

/**
 * The widest schema map a catalog is built from: event name -> Standard Schema. Values are only
 * `object` here: even `SchemaLike` makes the checker resolve each zod schema's `~standard` type,
 * ~17 instantiations a schema (17k of a 1,000-event catalog's 63k, measured); defineEvents checks
 * `~standard` at run time (InvalidOptionsError).
 */
export type AnySchemas = { readonly [name: string]: object };

// zod first, read from its `_zod` slot as `z.input` does: the Standard Schema path instantiates zod's
// `~standard` member per schema and cost 1.6x as much per send (measured, bench/types). Nothing imports zod.
type ZodSlot = { _zod: { input: any; output: any } };

/** A Standard Schema's input type; read only for the events a call site uses. */
export type InferInput<TSchema> = TSchema extends ZodSlot
  ? TSchema["_zod"]["input"]
  : TSchema extends { readonly "~standard": { readonly types?: infer $Types } }
    ? NonNullable<$Types> extends { readonly input: infer $Input }
      ? $Input
      : unknown
    : unknown;

/** A Standard Schema's output type; read only for the events a call site uses. */
export type InferOutput<TSchema> = TSchema extends ZodSlot
  ? TSchema["_zod"]["output"]
  : TSchema extends { readonly "~standard": { readonly types?: infer $Types } }
    ? NonNullable<$Types> extends { readonly output: infer $Output }
      ? $Output
      : unknown
    : unknown;

/**
 * What a sender writes for each event of a schema map: the schema's input type. A catalog's first
 * type argument: `EventCatalog<PayloadMap<typeof schemas>, DataMap<typeof schemas>>`.
 */
export type PayloadMap<TSchemas extends AnySchemas> = {
  [K in keyof TSchemas]: InferInput<TSchemas[K]>;
};

/** What a handler receives for each event of a schema map: the schema's output type. A catalog's second type argument. */
export type DataMap<TSchemas extends AnySchemas> = {
  [K in keyof TSchemas]: InferOutput<TSchemas[K]>;
};

/**
 * One event's schema as `events.schemas` types it: a Standard Schema of the event's input and
 * output (the value is the schema the catalog was built with; import your own to use its
 * validator's API).
 */
export interface EventSchema<TInput, TOutput> extends StandardSchemaV1<TInput, TOutput> {}

/** Shown where a catalog key breaks the naming rules. */
export interface InvalidEventName<TName> {
  readonly "~error: not a valid event name; use two or more dot-separated segments of lowercase letters, digits and _, each starting with a letter, like user.created": TName;
}

/**
 * The keys of a schema map that break the naming rules: one distributive pass over the keys, about
 * one instantiation a key (a conditional mapped over every key cost ~5; `Exclude | Extract`, two
 * passes, ~2: measured at 1,000 events).
 */
export type BadKeys<TSchemas> = keyof TSchemas extends infer K extends PropertyKey
  ? K extends DottedName
    ? K extends BadEventName
      ? K
      : never
    : K
  : never;

/** The rule check on a catalog's keys: an {@link InvalidEventName} for each key that breaks the rules. */
export type CheckedNames<TSchemas> =
  BadKeys<TSchemas> extends never ? unknown : { [K in BadKeys<TSchemas>]: InvalidEventName<K> };

declare const oneName: unique symbol;
/** Shown where a send's name is a union: one payload cannot be checked against several events. */
export interface OneEventNameRequired<TNames> {
  readonly [oneName]: `Pass one event name, not a union: ${TNames & string}`;
}

/** What every send may carry beside when it is delivered. */
export interface SendIdentity {
  /**
   * The event id and idempotency key: sending the same id again runs no subscriber twice. 1 to
   * 255 visible ASCII characters, else InvalidEventIdError. Reusing an id for another event
   * name or payload is refused by the embedded engine with IdempotencyConflictError.
   */
  readonly id?: string;
  /**
   * Aborts the send where the transport waits on a network (Trigger.dev): it rejects with a
   * retryable TransportError. In `sendEvents`, the batch is one request: any message's signal aborts it.
   */
  readonly signal?: AbortSignal;
  /**
   * The database transaction to write the event in (herald/postgres): it is delivered if and only
   * if that transaction commits. A node-postgres client inside `BEGIN`, or `{ executeSql }` over
   * an ORM's transaction (docs/postgres.md). Other transports refuse it with InvalidOptionsError.
   * In a handler on herald/postgres, sends join the run's `ctx.tx` unless given another.
   */
  readonly tx?: Transaction;
}

/** Delivery after a wait. */
export interface SendDelay {
  /** Wait before delivery: `{ hours: 24 }` or `"24h"`. */
  readonly delay?: Delay;
  /** Give `delay` or `deliverAt`, not both. */
  readonly deliverAt?: never;
}

/** Delivery at a time. */
export interface SendAt {
  /** Deliver at this time (a time in the past means now). */
  readonly deliverAt?: Date | string;
  /** Give `delay` or `deliverAt`, not both. */
  readonly delay?: never;
}

/** Options of one send: an `id`, and `delay` or `deliverAt` (not both: that is a compile error). */
export type SendOptions = SendIdentity & (SendDelay | SendAt);

/**
 * Options of a send whose name is known only at run time (HTTP, a queue, a replay): beside
 * {@link SendOptions}, the schema version the payload is written in. An older version is
 * validated as that version and upcast to the newest before it is sent. Typed sends write the
 * newest version and take no `version`.
 */
export type LooseSendOptions = SendOptions & {
  /** The payload's schema version, from 1. Default: the newest. */
  readonly version?: number;
  /**
   * CloudEvents attributes to keep on the envelope (a producer's `source`, `time`, `subject`,
   * extensions), as the HTTP edge passes them on; `toCloudEvent` gives them back.
   */
  readonly attributes?: CloudEventAttributes;
};

// a payload that accepts `undefined` may be left out
type PayloadArgs<TPayload> = undefined extends TPayload
  ? [payload?: TPayload, options?: SendOptions]
  : [payload: TPayload, options?: SendOptions];

/**
 * The arguments after the name. A top-level distributive conditional on `TName`: while the name is
 * still `string` (the editor's completion pass, or an unresolved call) the payload is `unknown`, so
 * no event's type is computed (measured at 1,000 events: 67k instantiations for a call, against
 * 510k when the first check is `TName extends keyof TPayloads`, whose constraint drags in every
 * payload). An `any` or union name is rejected; a single known name reads that one event's input.
 */
export type SendArgs<TPayloads, TName, TAll = TName> = TName extends string
  ? 0 extends 1 & TName
    ? [payload: OneEventNameRequired<"any">, options?: SendOptions]
    : string extends TName
      ? [payload?: unknown, options?: LooseSendOptions]
      : TName extends keyof TPayloads
        ? [TAll] extends [TName]
          ? PayloadArgs<TPayloads[TName]>
          : [payload: OneEventNameRequired<TAll & string>, options?: SendOptions]
        : [payload?: unknown, options?: SendOptions]
  : never;

/** `sendEvent(name, payload, options?)`: validates, then hands the event to the transport. */
export interface SendEvent<TPayloads> {
  /**
   * Sends one event: validates `payload` against the event's schema, then delivers it.
   * @throws EventValidationError (nothing is sent), UnknownEventError, InvalidDelayError, TransportError
   * @example await sendEvent("user.created", { email: "a@b.co", userId: "u1" }, { delay: "1h" })
   */
  <TName extends string>(
    name: TName extends keyof TPayloads ? TName : keyof TPayloads & string,
    ...args: SendArgs<TPayloads, TName>
  ): Promise<Receipt>;
}

/** One event in object form: `{ name, payload, delay?, deliverAt?, id? }`. Shaped like {@link SendArgs}. */
export type EventMessage<TPayloads, TName, TAll = TName> = TName extends string
  ? 0 extends 1 & TName
    ? { readonly name: TName; readonly payload: OneEventNameRequired<"any"> }
    : string extends TName
      ? { readonly name: keyof TPayloads & string; readonly payload?: unknown } & LooseSendOptions
      : TName extends keyof TPayloads
        ? [TAll] extends [TName]
          ? MessageOf<TName, TPayloads[TName]>
          : { readonly name: TName; readonly payload: OneEventNameRequired<TAll & string> }
        : { readonly name: keyof TPayloads & string; readonly payload?: unknown } & SendOptions
  : never;

type MessageOf<TName, TPayload> = undefined extends TPayload
  ? { readonly name: TName; readonly payload?: TPayload } & SendOptions
  : { readonly name: TName; readonly payload: TPayload } & SendOptions;

/** `send({ name, payload, ...options })`: the object form of {@link SendEvent}. */
export interface Send<TPayloads> {
  /**
   * Sends one event given as an object.
   * @throws EventValidationError (nothing is sent), UnknownEventError, InvalidDelayError, TransportError
   * @example await send({ name: "reminder.send", payload: { userId: "u1" }, delay: "24h" })
   */
  <TName extends string>(event: EventMessage<TPayloads, TName>): Promise<Receipt>;
}

/** `sendEvents([...])`: a batch, validated whole before anything is sent. */
export interface SendEvents<TPayloads> {
  /**
   * Sends several events: every one is validated first, and if any fails, none is sent.
   * @throws EventValidationError for the first invalid event (nothing is sent)
   */
  <const TNames extends readonly string[]>(events: {
    readonly [I in keyof TNames]: EventMessage<TPayloads, TNames[I]>;
  }): Promise<readonly Receipt[]>;
}

/**
 * What a handler of event `TName` gets beside its payload, typed for that event: its name and data
 * come first, so an editor's hover reads `HandlerContext<"order.placed", { orderId: string }, …>`.
 * `TPayloads` is the catalog's name -> input map, for the senders.
 */
export interface HandlerContext<TName extends string, TData, TPayloads> {
  /** The envelope: id, name, timestamp, lineage, and the payload again. */
  readonly event: Envelope<TName, TData>;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** Aborted when the transport shuts down during this attempt. */
  readonly signal: AbortSignal;
  /**
   * On herald/postgres: the transaction this run is marked complete in. Writes through it commit
   * together with that mark, so they happen once; a crash before the commit rolls them back and
   * the run is retried. Events sent from this context join it. Absent on other transports.
   * @example await ctx.tx?.query("insert into audit(event_id) values ($1)", [ctx.event.id])
   */
  readonly tx?: SqlClient;
  /** Sends the next event of the chain: it carries this event's id as `causationId` and its `correlationId`. */
  readonly sendEvent: SendEvent<TPayloads>;
  /** The object form of `sendEvent`, with lineage. */
  readonly send: Send<TPayloads>;
  /** A batch, with lineage. */
  readonly sendEvents: SendEvents<TPayloads>;
}

// Written out, not as PayloadMap<TSchemas>: an alias's instantiation keeps its name, and a hover
// then prints `PayloadMap<{ …every schema's zod type… }>`; this anonymous form prints each event's
// payload instead, computed only for the members the hover shows.
/** What a handler gets beside its payload: {@link HandlerContext} for event `TName` of the schema map. */
export type EventContext<TSchemas extends AnySchemas, TName extends keyof TSchemas> = HandlerContext<
  TName & string,
  DataMap<TSchemas>[TName],
  { [K in keyof TSchemas]: InferInput<TSchemas[K]> }
>;

/** A subscriber of event `TName` of the schema map: receives the schema's output type. */
export type EventHandler<TSchemas extends AnySchemas, TName extends keyof TSchemas> = (
  payload: DataMap<TSchemas>[TName],
  ctx: HandlerContext<TName & string, DataMap<TSchemas>[TName], { [K in keyof TSchemas]: InferInput<TSchemas[K]> }>,
) => unknown;

/** One event's metadata as data: what `events.describe(name)` returns. */
export interface EventDescription<TInput = unknown> extends EventMeta<TInput> {
  readonly name: string;
  /** The newest schema version: 1 for an event without versions. */
  readonly version: number;
}

/** Options of {@link EventCatalog.on} and {@link EventCatalog.chain}. */
export type OnOptions = SubscribeOptions;

/**
 * A catalog of typed events, made by `defineEvents`. Every method is bound: destructure freely.
 * Generic over two maps of event name -> type, not over the schemas, so an editor's hover of
 * `events` prints payloads rather than the validator's schema types: `TPayloads`, what a sender
 * writes (each schema's input), and `TData`, what a handler receives (its output).
 * `EventCatalog<PayloadMap<typeof schemas>, DataMap<typeof schemas>>` is the type of
 * `defineEvents(schemas)`.
 * @see docs/catalog.md
 */
export interface EventCatalog<TPayloads, TData extends { readonly [K in keyof TPayloads]: unknown }> {
  /** Type-only: the maps the helper types read by index. `undefined` at run time. */
  readonly "~types": {
    readonly payloads: TPayloads;
    readonly data: TData;
  };
  /** The catalog's event names, in definition order. */
  readonly names: readonly (keyof TPayloads & string)[];
  /**
   * The schemas the catalog was built with, typed as Standard Schemas of each event's input and
   * output (import your own schemas to use a validator's API, such as zod's `.extend`).
   */
  readonly schemas: { readonly [K in keyof TPayloads]: EventSchema<TPayloads[K], TData[K]> };
  /** Where events go: the embedded engine unless another was given. */
  readonly transport: Transport;
  readonly sendEvent: SendEvent<TPayloads>;
  readonly send: Send<TPayloads>;
  readonly sendEvents: SendEvents<TPayloads>;
  /**
   * Validates `value` as event `name` and returns the schema's output.
   * @throws EventValidationError, UnknownEventError; InvalidOptionsError for a schema that only validates asynchronously
   */
  parse<TName extends keyof TPayloads & string>(name: TName, value: unknown): TData[TName];
  /**
   * Subscribes `handler` to event `name` on a transport that runs subscribers in this process.
   * Returns a function that unsubscribes.
   * @throws UnknownEventError; TransportError where the transport runs subscribers elsewhere (Trigger.dev: use eventTask)
   * @example events.on("file.uploaded", async (file, ctx) => ctx.sendEvent("file.processed", { fileId: file.fileId, processingResult: "success" }))
   */
  on<TName extends keyof TPayloads & string>(
    name: TName,
    handler: (payload: TData[TName], ctx: HandlerContext<TName, TData[TName], TPayloads>) => unknown,
    options?: OnOptions,
  ): () => void;
  /**
   * When `from` happens, sends `to` with the payload `map` builds (type-checked against `to`'s
   * input). The chained event carries lineage, and its id is derived from the parent's, so a
   * retried run does not send it twice. Returns a function that unsubscribes.
   */
  chain<TFrom extends keyof TPayloads & string, TTo extends keyof TPayloads & string>(
    from: TFrom,
    to: TTo,
    map: (
      payload: TData[TFrom],
      ctx: HandlerContext<TFrom, TData[TFrom], TPayloads>,
    ) => TPayloads[TTo] | Promise<TPayloads[TTo]>,
    options?: OnOptions,
  ): () => void;
  /**
   * Validates `payload` as schema version `version` of event `name` and upcasts it to the newest:
   * returns what a handler of the newest version receives. For old payloads from outside (a file,
   * a queue); `send({ name, payload, version })` does the same before it sends.
   * @throws UnknownVersionError, EventValidationError, UnknownEventError; InvalidOptionsError for a schema that only validates asynchronously
   */
  upcast<TName extends keyof TPayloads & string>(name: TName, version: number, payload: unknown): TData[TName];
  /**
   * The event's metadata (`description`, `owner`, `deprecated`, `examples`) and newest version.
   * @throws UnknownEventError
   */
  describe<TName extends keyof TPayloads & string>(name: TName): EventDescription<TPayloads[TName]>;
  /**
   * One JSON Schema (draft 2020-12) per event, of what a sender writes (`io: "input"`, the default)
   * or what a handler receives (`"output"`), with the event's metadata as `title`, `description`,
   * `deprecated` and `examples`. Uses the validator's Standard JSON Schema, else zod's converter.
   * With `versions: "all"`, each older version of a versioned event is added as `<name>-v<N>`.
   * @throws UnsupportedSchemaError for a schema JSON Schema cannot express, or a validator with no converter
   * @see docs/contract.md#json-schema
   */
  toJSONSchema(
    options: JSONSchemaOptions & { readonly versions: "all" },
  ): Promise<CatalogJSONSchema<keyof TPayloads & string> & OlderVersionSchemas>;
  /** One JSON Schema per event, of its newest version, as the overload above describes. */
  toJSONSchema(options?: JSONSchemaOptions): Promise<CatalogJSONSchema<keyof TPayloads & string>>;
  /**
   * An AsyncAPI 3.0 document of the catalog: a channel, a message and send/receive operations per event.
   * @throws UnsupportedSchemaError as {@link EventCatalog.toJSONSchema}; InvalidOptionsError without a title and version
   * @see docs/contract.md#asyncapi-30
   */
  toAsyncAPI(options: AsyncAPIOptions): Promise<AsyncAPIDocument>;
  /** The same catalog delivering through `transport`: one catalog module for sender and worker. */
  withTransport(transport: Transport): EventCatalog<TPayloads, TData>;
  /** Resolves when the transport has nothing pending. */
  drain(): Promise<void>;
  /** Closes the transport (the embedded engine cancels scheduled events). */
  close(): Promise<void>;
}

/** Any catalog, whatever its events. */
export type AnyCatalog = EventCatalog<any, any>;

/** The union of a catalog's event names. */
export type EventName<TCatalog extends AnyCatalog> = keyof TCatalog["~types"]["payloads"] & string;

/** What a sender writes for event `TName`: the schema's input type. */
export type EventPayload<
  TCatalog extends AnyCatalog,
  TName extends EventName<TCatalog>,
> = TCatalog["~types"]["payloads"][TName];

/** What a handler receives for event `TName`: the schema's output type. */
export type EventData<
  TCatalog extends AnyCatalog,
  TName extends EventName<TCatalog>,
> = TCatalog["~types"]["data"][TName];

/** The name -> payload (input type) map of a catalog, for `import type` in other packages. */
export type InferEvents<TCatalog extends AnyCatalog> = TCatalog["~types"]["payloads"];
