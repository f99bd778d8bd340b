import { resolveDeliverAt } from "../core/delay.js";
import { type CloudEventAttributes, createEnvelope, type Envelope, type Lineage } from "../core/envelope.js";
import { eventIdProblem, InvalidEventIdError, InvalidOptionsError, UnknownEventError } from "../core/errors.js";
import { fnv1a64 } from "../core/hash.js";
import { type AnySchema, validate } from "../core/schema.js";
import { isTransaction, type Transaction } from "../delivery/transaction.js";
import type { DeliverOptions } from "../delivery/transport.js";
import type { EventDefinition } from "./define-event.js";
import type { LooseSendOptions } from "./types.js";
import { parseVersion } from "./versions.js";

// loaded on the first send with `attributes` (the HTTP edge's CloudEvents, mostly): a send without
// them never loads the attribute rules (bench/size: start-up code). Not so the delay parser:
// herald exports parseDelay, synchronous, so the entry holds it whatever the send path loads
let attributesOf: typeof import("../core/cloud-event-attributes.js").attributesOf | undefined;

const OPTION_KEYS = new Set(["id", "delay", "deliverAt", "version", "signal", "attributes", "tx"]);

/** One event as the catalog keeps it: computed once in defineEvents, read on every send. */
export interface CompiledEvent {
  readonly schema: AnySchema;
  /** What `defineEvent` added, for an event made with it. */
  readonly definition: EventDefinition | undefined;
  /** The version stamped on envelopes: set only for an event with several versions. */
  readonly version: number | undefined;
}

/** What a catalog knows about its schemas, computed once in defineEvents. */
export interface Compiled {
  readonly events: ReadonlyMap<string, CompiledEvent>;
  readonly names: readonly string[];
  readonly now: () => number;
}

/** The event `name`, or UnknownEventError: the one place a name outside the catalog is refused. */
export function eventOf(compiled: Compiled, name: unknown): CompiledEvent {
  const event = typeof name === "string" ? compiled.events.get(name) : undefined;
  if (!event) throw new UnknownEventError(String(name), compiled.names);
  return event;
}

/** Where a send stands in its chain: the parent's lineage and a counter for derived ids. */
export interface Origin {
  readonly lineage: Lineage;
  next: number;
}

/**
 * Checks the name and options, validates the payload, and builds the envelope. Throws before
 * anything is sent. A payload given with an older `version` is validated as that version and
 * upcast, so the envelope always carries the newest.
 */
export function prepare(
  compiled: Compiled,
  name: unknown,
  payload: unknown,
  options: LooseSendOptions | undefined,
  origin: Origin | undefined,
): Envelope | Promise<Envelope> {
  const { schema, definition, version } = eventOf(compiled, name);
  const event = name as string;
  let id: string | undefined;
  let deliverAt: number | undefined;
  let attributes: CloudEventAttributes | undefined;
  let unchecked: CloudEventAttributes | undefined;
  const now = compiled.now();
  if (options !== undefined) {
    if (typeof options !== "object" || options === null)
      throw new InvalidOptionsError(`${event}: send options must be an object`);
    for (const key in options) {
      if (!OPTION_KEYS.has(key))
        throw new InvalidOptionsError(
          `${event}: unknown send option ${JSON.stringify(key)} (expected id, delay, deliverAt, version, signal, attributes or tx)`,
        );
    }
    id = options.id;
    if (id !== undefined) {
      const problem = eventIdProblem(id);
      if (problem !== undefined) throw new InvalidEventIdError(`${event}: ${problem}`);
    }
    if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
      throw new InvalidOptionsError(`${event}: signal must be an AbortSignal`);
    if (options.tx !== undefined && !isTransaction(options.tx))
      throw new InvalidOptionsError(
        `${event}: tx must be a node-postgres client or an object with executeSql(text, values)`,
      );
    deliverAt = resolveDeliverAt(now, options.delay, options.deliverAt);
    // checked again, as fromCloudEvent checks them: a loose send may come from anywhere
    if (options.attributes !== undefined) {
      if (attributesOf === undefined) unchecked = options.attributes;
      else attributes = attributesOf(options.attributes);
    }
  }
  if (id === undefined && origin) id = childId(origin.lineage.causationId, origin.next++);
  const build = (value: unknown): Envelope =>
    createEnvelope({ name: event, payload: value, now, id, deliverAt, lineage: origin?.lineage, version, attributes });
  // the first send with attributes: they are checked once the rules load, then the payload, as below
  if (unchecked !== undefined) {
    const given = unchecked;
    return import("../core/cloud-event-attributes.js").then((loaded) => {
      attributesOf = loaded.attributesOf;
      attributes = attributesOf(given);
      const value =
        options?.version === undefined
          ? validate(event, schema, payload)
          : parseVersion(event, definition, schema, options.version, payload);
      return value instanceof Promise ? value.then(build) : build(value);
    });
  }
  const value =
    options?.version === undefined
      ? validate(event, schema, payload)
      : parseVersion(event, definition, schema, options.version, payload);
  return value instanceof Promise ? value.then(build) : build(value);
}

/**
 * The id of a handler's `n`th send: `<parent id>/<n>`, so a retried handler re-sends the same ids
 * and they dedupe. Where that would not be a valid id (a chain deep enough to pass 255
 * characters, or a parent id from elsewhere with other characters), the parent part becomes its
 * 16-digit FNV-1a hash: still the same on every retry, and bounded however deep the chain goes.
 */
export function childId(parent: string, n: number): string {
  const id = `${parent}/${n}`;
  return eventIdProblem(id) === undefined ? id : `${fnv1a64(parent)}/${n}`;
}

// one object for every send with a chosen id and no signal: transports only read it
const CHOSEN_IDS: DeliverOptions = Object.freeze({ chosenIds: true });

/**
 * What a transport needs to know about how a send was made: whether the caller chose an id
 * (checked for reuse), its abort signal, and the database transaction it joins. Undefined for a
 * send with none of them, so the hot path allocates nothing. `signals` with several entries (a
 * batch) abort together.
 */
export function deliverOptionsOf(
  chosenIds: boolean,
  signals: readonly AbortSignal[],
  tx?: Transaction,
): DeliverOptions | undefined {
  if (tx === undefined) {
    if (!chosenIds && signals.length === 0) return undefined;
    if (signals.length === 0) return CHOSEN_IDS;
  }
  const how: { chosenIds: boolean; signal?: AbortSignal; tx?: Transaction } = { chosenIds };
  if (signals.length > 0) how.signal = signals.length === 1 ? signals[0]! : AbortSignal.any([...signals]);
  if (tx !== undefined) how.tx = tx;
  return how;
}
