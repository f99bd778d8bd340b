import type { Envelope, Lineage } from "../core/envelope.js";
import { InvalidOptionsError, toHeraldError, withIndex } from "../core/errors.js";
import { ACCEPT_NOW, type AcceptsNow } from "../delivery/accept-now.js";
import type { SqlClient, Transaction } from "../delivery/transaction.js";
import type { DeliverOptions, Delivery, Receipt, Transport } from "../delivery/transport.js";
import { type Compiled, type CompiledEvent, deliverOptionsOf, eventOf, prepare } from "./prepare.js";
import type { LooseSendOptions } from "./types.js";
import { upcastEnvelope } from "./versions.js";

// a global symbol: herald/trigger, herald/testing and the CLI are separate bundles (and a project
// may hold two copies of herald), yet each reads the runtime of a catalog any of them made
/** The key of a catalog's runtime: a symbol, so `Object.keys`, JSON and the public types never show it. */
export const RUNTIME: unique symbol = Symbol.for("herald.runtime") as never;

/** A handler as the runtime calls it: the payload (upcast to the newest version) and its context. */
export type RuntimeHandler = (payload: unknown, ctx: HandlerContext) => unknown;

/** A message of `send` and `sendEvents`: a name, a payload and send options. */
export type LooseMessage = { readonly name: string; readonly payload?: unknown } & LooseSendOptions;

/** The senders of a catalog, or of a handler's context (then with lineage and derived child ids). */
export interface Senders {
  sendEvent(name: string, payload?: unknown, options?: LooseSendOptions): Promise<Receipt>;
  send(message: LooseMessage): Promise<Receipt>;
  sendEvents(messages: readonly LooseMessage[]): Promise<readonly Receipt[]>;
}

/** What a handler gets beside its payload, untyped: the typed view is `EventContext`. */
export interface HandlerContext extends Senders {
  readonly event: Envelope;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly tx?: SqlClient;
}

/**
 * A catalog's per-event runtime, for herald's own edges (event tasks, the dispatcher, fixtures, the
 * dashboard): the one place an event is looked up, a send is prepared and a delivery is handled.
 * Internal: reached through {@link runtimeOf}, never part of the public types.
 */
export interface CatalogRuntime {
  /**
   * The record `defineEvents` compiled for event `name`: its schema, definition and version.
   * @throws UnknownEventError
   */
  event(name: unknown): CompiledEvent;
  /**
   * The catalog's senders: each checks and validates before anything is sent. With `lineage`, every
   * send is a child of it (a CloudEvent's `correlationid` and `causationid` keep their chain), and a
   * send without an `id` gets one derived from its parent's, so a retried handler sends the same ids.
   * With `tx` (a run's transaction), every send without its own `tx` joins it.
   */
  senders(lineage?: Lineage, tx?: SqlClient): Senders;
  /**
   * Runs `handler` for one delivery as `events.on` does: upcasts the envelope to the newest version,
   * then calls the handler with the payload and its context (the envelope, the attempt, senders
   * with lineage), plus `extra`'s fields (an event task's Trigger.dev `ctx`).
   * @throws (rejects) UnknownVersionError, EventValidationError where the upcast fails; whatever `handler` throws
   */
  handle(handler: RuntimeHandler, delivery: Delivery, extra?: object): unknown;
}

/**
 * The runtime of `events`, a catalog made by `defineEvents` (in this copy of herald or another).
 * @throws InvalidOptionsError for anything else
 */
export function runtimeOf(events: unknown): CatalogRuntime {
  const runtime = (events as { [RUNTIME]?: CatalogRuntime } | null)?.[RUNTIME];
  if (typeof runtime !== "object" || runtime === null)
    throw new InvalidOptionsError("Expected a catalog made by defineEvents");
  return runtime;
}

/** Builds the runtime of a compiled catalog delivering through `transport`. */
export function createRuntime(compiled: Compiled, transport: Transport): CatalogRuntime {
  // the transport's clock where it has one: a delay measured on Date.now() never fires on a manual clock
  const timed: Compiled = transport.now ? { ...compiled, now: () => transport.now!() } : compiled;
  const failed = (error: unknown): Promise<never> =>
    Promise.reject(toHeraldError(error, { context: `${transport.name} transport failed`, retryable: true }));
  // one `then` from the transport's promise to the caller's: it maps the result and the failure
  const deliver = <T>(
    envelopes: Envelope[],
    result: (receipts: readonly Receipt[]) => T,
    how?: DeliverOptions,
  ): Promise<T> => {
    try {
      if (how?.tx !== undefined && transport.joinsTransactions !== true)
        return Promise.reject(
          new InvalidOptionsError(
            `The ${transport.name} transport cannot write an event in a database transaction (tx): that needs postgresTransport from herald/postgres`,
          ),
        );
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
  // a transport that accepts in memory takes one envelope at once: no arrays, one promise
  const acceptNow = (transport as Partial<AcceptsNow>)[ACCEPT_NOW]?.bind(transport);
  const deliverOne = (envelope: Envelope, how: DeliverOptions | undefined, fresh: boolean): Promise<Receipt> => {
    // a tx goes through deliver(), which refuses it unless the transport joins transactions
    if (acceptNow === undefined || how?.tx !== undefined) return deliver([envelope], first, how);
    let receipt: Receipt | undefined;
    try {
      receipt = acceptNow(envelope, how, fresh);
    } catch (error) {
      return failed(error);
    }
    // undefined: not at once (the engine's first chosen id, which loads its conflict check)
    return receipt === undefined ? deliver([envelope], first, how) : Promise.resolve(receipt);
  };
  // the hot path: no await on a synchronous validation, no closure for a send that validated at once
  // `derived`: a handler's send, whose id (unless chosen) derives from its parent's and may repeat
  const sendOne = (
    envelope: Envelope | Promise<Envelope>,
    options: LooseSendOptions | undefined,
    derived: boolean,
    tx: Transaction | undefined,
  ): Promise<Receipt> => {
    let how: DeliverOptions | undefined;
    try {
      how = options === undefined && tx === undefined ? undefined : howOfOne(options, tx);
    } catch (error) {
      return Promise.reject(error);
    }
    // prepare() generated the id: no chosen one (how would say so), and no parent to derive it from
    const fresh = !derived && how?.chosenIds !== true;
    return envelope instanceof Promise
      ? envelope.then((ready) => deliverOne(ready, how, fresh))
      : deliverOne(envelope, how, fresh);
  };

  const senders = (lineage?: Lineage, tx?: SqlClient): Senders => {
    // children get ids derived from the parent's, so a retried handler re-sends the same ids and dedupes
    const origin = lineage && { lineage, next: 0 };
    const prepareMessage = (message: LooseMessage): Envelope | Promise<Envelope> => {
      if (typeof message !== "object" || message === null)
        throw new InvalidOptionsError("An event must be an object { name, payload, ...options }");
      const { name, payload, ...options } = message;
      return prepare(timed, name, payload, options, origin);
    };
    return {
      sendEvent(name, payload, options) {
        let envelope: Envelope | Promise<Envelope>;
        try {
          envelope = prepare(timed, name, payload, options, origin);
        } catch (error) {
          return Promise.reject(error);
        }
        return sendOne(envelope, options, origin !== undefined, tx);
      },
      send(message) {
        let envelope: Envelope | Promise<Envelope>;
        try {
          envelope = prepareMessage(message);
        } catch (error) {
          return Promise.reject(error);
        }
        return sendOne(envelope, message, origin !== undefined, tx);
      },
      async sendEvents(messages) {
        if (!Array.isArray(messages))
          throw new InvalidOptionsError("sendEvents expects an array of { name, payload } objects");
        // validate the whole batch before the first envelope leaves
        const settled = await Promise.allSettled(messages.map(async (message) => prepareMessage(message)));
        const index = settled.findIndex((result) => result.status === "rejected");
        if (index !== -1) throw withIndex((settled[index] as PromiseRejectedResult).reason, index);
        const envelopes = settled.map((result) => (result as PromiseFulfilledResult<Envelope>).value);
        return envelopes.length === 0 ? [] : deliver(envelopes, all, howOf(messages, tx));
      },
    };
  };

  const callHandler = (handler: RuntimeHandler, event: Envelope, delivery: Delivery, extra?: object): unknown => {
    const context = new Context(event, delivery, senders);
    return handler(event.payload, extra === undefined ? context : Object.assign(context, extra));
  };

  return {
    event: (name) => eventOf(compiled, name),
    senders,
    handle(handler, delivery, extra) {
      const { definition } = eventOf(compiled, delivery.envelope.name);
      // an envelope of an older version (a queue, a replay, an older sender) is upcast before its handler sees it
      const event = upcastEnvelope(definition, delivery.envelope);
      return event instanceof Promise
        ? event.then((upcast) => callHandler(handler, upcast, delivery, extra))
        : callHandler(handler, event, delivery, extra);
    },
  };
}

/**
 * A handler's context. Its senders are made on first use (getters, so `const { sendEvent } = ctx`
 * still works): a handler that sends nothing pays for no closures, which were most of the cost of
 * calling a handler (measured, bench/runtime/emittery.ts).
 */
class Context implements HandlerContext {
  readonly event: Envelope;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly tx?: SqlClient;
  #senders: Senders | undefined;
  readonly #make: (lineage: Lineage, tx?: SqlClient) => Senders;

  constructor(event: Envelope, delivery: Delivery, make: (lineage: Lineage, tx?: SqlClient) => Senders) {
    this.event = event;
    this.attempt = delivery.attempt;
    this.signal = delivery.signal;
    if (delivery.tx !== undefined) this.tx = delivery.tx;
    this.#make = make;
  }

  // every send of this handler is a child of its event: ids derived from the event's, one counter;
  // on a transport with transactions, sends join the run's
  #own(): Senders {
    return (this.#senders ??= this.#make(
      { correlationId: this.event.correlationId, causationId: this.event.id },
      this.tx,
    ));
  }

  get sendEvent(): Senders["sendEvent"] {
    return this.#own().sendEvent;
  }

  get send(): Senders["send"] {
    return this.#own().send;
  }

  get sendEvents(): Senders["sendEvents"] {
    return this.#own().sendEvents;
  }
}

// howOf for one send, without the array
function howOfOne(options: LooseSendOptions | undefined, runTx: Transaction | undefined): DeliverOptions | undefined {
  const chosenIds = options?.id !== undefined;
  const tx = options?.tx ?? runTx;
  if (!chosenIds && options?.signal === undefined && tx === undefined) return undefined;
  return deliverOptionsOf(chosenIds, options?.signal === undefined ? [] : [options.signal], tx);
}

// a chosen id is checked for reuse, a signal aborts the send, a tx is joined (a run's, unless the
// send names its own); the options were validated by prepare()
function howOf(options: readonly LooseSendOptions[], runTx?: Transaction): DeliverOptions | undefined {
  let chosenIds = false;
  const signals: AbortSignal[] = [];
  let tx: Transaction | undefined;
  for (const option of options) {
    if (option.id !== undefined) chosenIds = true;
    if (option.signal !== undefined) signals.push(option.signal);
    if (option.tx !== undefined) {
      if (tx !== undefined && tx !== option.tx)
        throw new InvalidOptionsError("A batch is written in one transaction: give every event the same tx");
      tx = option.tx;
    }
  }
  return deliverOptionsOf(chosenIds, signals, tx ?? runTx);
}
