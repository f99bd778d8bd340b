import type { Envelope } from "../core/envelope.js";
import { describeError, InvalidOptionsError, isHeraldError, TransportError } from "../core/errors.js";
import { assertEventName } from "../core/names.js";
import { isSchema, validate } from "../core/schema.js";
import { createEmbeddedEngine } from "../delivery/embedded/engine.js";
import type { DeliverOptions, Receipt, Transport } from "../delivery/transport.js";
import { checkExamples, contractMethods, requireSync } from "./contract.js";
import { readDefinition } from "./define-event.js";
import { type Compiled, type CompiledEvent, deliverOptionsOf, eventOf, type Origin, prepare } from "./prepare.js";
import type { AnySchemas, CheckedNames, EventCatalog, SendOptions } from "./types.js";
import { latestVersion, upcastEnvelope } from "./versions.js";

/** Options of {@link defineEvents}. */
export interface DefineEventsOptions {
  /** Where events go. Default: a new embedded engine (`createEmbeddedEngine()`). */
  readonly transport?: Transport;
}

/**
 * Defines a catalog: dot-notation event names mapped to schemas (zod 4, or any Standard Schema).
 * Names are checked at compile time on the keys and again here at run time. A schema made by
 * `defineEvent` brings its metadata and versions; its examples are checked here.
 * @throws InvalidEventNameError for a name that breaks the rules; InvalidOptionsError for a value that is not a schema, or an example that fails its schema
 * @example
 * export const events = defineEvents({
 *   "user.created": z.object({ email: z.email(), userId: z.string() }),
 * });
 * await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" });
 * @see docs/catalog.md
 */
export function defineEvents<TSchemas extends AnySchemas>(
  schemas: TSchemas & CheckedNames<TSchemas>,
  options: DefineEventsOptions = {},
): EventCatalog<TSchemas> {
  if (typeof schemas !== "object" || schemas === null)
    throw new InvalidOptionsError("defineEvents expects an object of event name -> schema");
  const events = new Map<string, CompiledEvent>();
  for (const [name, schema] of Object.entries(schemas)) {
    assertEventName(name);
    if (!isSchema(schema))
      throw new InvalidOptionsError(
        `Event ${name}: expected a Standard Schema (zod 4, valibot, …), got ${typeof schema}`,
      );
    const found = readDefinition(schema);
    const definition = found && checkExamples(name, schema, found);
    // only a versioned event's envelopes carry a version, so a plain catalog's envelopes are unchanged
    const latest = latestVersion(definition);
    events.set(name, { schema, definition, version: latest > 1 ? latest : undefined });
  }
  const compiled: Compiled = { events, names: Object.freeze([...events.keys()]), now: Date.now };
  return build<TSchemas>(schemas, compiled, options.transport ?? createEmbeddedEngine());
}

// the refused event's position in its batch, on the error prepare() made for it (fresh, herald's own)
function atIndex(error: unknown, index: number): unknown {
  if (isHeraldError(error)) (error as { index?: number }).index = index;
  return error;
}

// a chosen id is checked for reuse, a signal aborts the send; the options were validated by prepare()
function howOf(options: readonly SendOptions[]): DeliverOptions | undefined {
  let chosenIds = false;
  const signals: AbortSignal[] = [];
  for (const option of options) {
    if (option.id !== undefined) chosenIds = true;
    if (option.signal !== undefined) signals.push(option.signal);
  }
  return deliverOptionsOf(chosenIds, signals);
}

function build<TSchemas extends AnySchemas>(
  schemas: TSchemas,
  compiled: Compiled,
  transport: Transport,
): EventCatalog<TSchemas> {
  // the transport's clock where it has one: a delay measured on Date.now() never fires on a manual clock
  const timed: Compiled = transport.now ? { ...compiled, now: () => transport.now!() } : compiled;
  // a herald error (from this copy or another) already says what went wrong: keep its code
  const toTransportError = (error: unknown): unknown =>
    isHeraldError(error)
      ? error
      : new TransportError(`${transport.name} transport failed: ${describeError(error)}`, {
          cause: error,
          retryable: true,
        });
  const failed = (error: unknown): Promise<never> => Promise.reject(toTransportError(error));
  // one `then` from the transport's promise to the caller's: it maps the result and the failure
  const deliver = <T>(
    envelopes: Envelope[],
    result: (receipts: readonly Receipt[]) => T,
    how?: DeliverOptions,
  ): Promise<T> => {
    try {
      return (how === undefined ? transport.deliver(envelopes) : transport.deliver(envelopes, how)).then(
        result,
        failed,
      );
    } catch (error) {
      return failed(error);
    }
  };
  const all = (receipts: readonly Receipt[]): readonly Receipt[] => receipts;
  const first = (receipts: readonly Receipt[]): Receipt => receipts[0]!;
  const deliverOne = (envelope: Envelope): Promise<Receipt> => deliver([envelope], first);
  // the hot path: no await on a synchronous validation, one promise chain from envelope to receipt
  const sendOne = (
    prepared: () => Envelope | Promise<Envelope>,
    options: SendOptions | undefined,
  ): Promise<Receipt> => {
    try {
      const envelope = prepared();
      if (options === undefined) return envelope instanceof Promise ? envelope.then(deliverOne) : deliverOne(envelope);
      const how = howOf([options]);
      const deliverWith = (ready: Envelope): Promise<Receipt> => deliver([ready], first, how);
      return envelope instanceof Promise ? envelope.then(deliverWith) : deliverWith(envelope);
    } catch (error) {
      return Promise.reject(error);
    }
  };

  const senders = (origin: Origin | undefined) => ({
    sendEvent: (name: string, payload?: unknown, options?: SendOptions): Promise<Receipt> =>
      sendOne(() => prepare(timed, name, payload, options, origin), options),
    send: (message: { name: string; payload?: unknown } & SendOptions): Promise<Receipt> =>
      sendOne(() => prepareMessage(message, origin), message),
    sendEvents: async (
      messages: readonly ({ name: string; payload?: unknown } & SendOptions)[],
    ): Promise<readonly Receipt[]> => {
      if (!Array.isArray(messages))
        throw new InvalidOptionsError("sendEvents expects an array of { name, payload } objects");
      // validate the whole batch before the first envelope leaves
      const settled = await Promise.allSettled(messages.map(async (message) => prepareMessage(message, origin)));
      const index = settled.findIndex((result) => result.status === "rejected");
      if (index !== -1) throw atIndex((settled[index] as PromiseRejectedResult).reason, index);
      const envelopes = settled.map((result) => (result as PromiseFulfilledResult<Envelope>).value);
      return envelopes.length === 0 ? [] : deliver(envelopes, all, howOf(messages));
    },
  });

  function prepareMessage(
    message: { name: string; payload?: unknown } & SendOptions,
    origin?: Origin,
  ): Envelope | Promise<Envelope> {
    if (typeof message !== "object" || message === null)
      throw new InvalidOptionsError("An event must be an object { name, payload, ...options }");
    const { name, payload, ...options } = message;
    return prepare(timed, name, payload, options, origin);
  }

  const root = senders(undefined);
  const on: EventCatalog<AnySchemas>["on"] = (name, handler, options) => {
    const { definition } = eventOf(compiled, name);
    if (!transport.subscribe) {
      throw new TransportError(
        `The ${transport.name} transport runs subscribers elsewhere; on() needs one that runs them in this process`,
        { retryable: false },
      );
    }
    return transport.subscribe(
      name,
      (delivery) => {
        const context = senders({
          lineage: { correlationId: delivery.envelope.correlationId, causationId: delivery.envelope.id },
          next: 0,
        });
        const run = (event: Envelope): unknown =>
          handler(event.payload, { event, attempt: delivery.attempt, signal: delivery.signal, ...context } as never);
        // an envelope of an older version (a queue, a replay, an older sender) is upcast before its handler sees it
        const event = upcastEnvelope(definition, delivery.envelope);
        return event instanceof Promise ? event.then(run) : run(event);
      },
      // the wrapper above is anonymous: name the subscriber after the user's handler
      handler.name && options?.id === undefined ? { ...options, id: handler.name } : options,
    );
  };

  const catalog: EventCatalog<AnySchemas> = {
    "~types": undefined as never,
    names: compiled.names,
    schemas,
    transport,
    sendEvent: root.sendEvent as never,
    send: root.send as never,
    sendEvents: root.sendEvents as never,
    parse(name, value) {
      return requireSync(name, validate(name, eventOf(compiled, name).schema, value), "parse()");
    },
    on,
    ...contractMethods(compiled),
    chain: (from, to, map, options) =>
      on(
        from,
        async (payload, ctx) =>
          (ctx.sendEvent as (name: string, payload: unknown) => Promise<Receipt>)(to, await map(payload, ctx)),
        { id: `${from}->${to}`, ...options },
      ),
    withTransport: (next) => build(schemas, compiled, next) as never,
    drain: () => transport.drain?.() ?? Promise.resolve(),
    close: () => transport.close?.() ?? Promise.resolve(),
  };
  return catalog as unknown as EventCatalog<TSchemas>;
}
