import { resolveDeliverAt } from "../core/delay.js";
import { type CloudEventAttributes, createEnvelope, type Envelope, type Lineage } from "../core/envelope.js";
import { eventIdProblem, InvalidEventIdError, InvalidOptionsError, UnknownEventError } from "../core/errors.js";
import { type AnySchema, validate } from "../core/schema.js";
import { isTransaction, type Transaction } from "../delivery/transaction.js";
import type { DeliverOptions } from "../delivery/transport.js";
import type { EventDefinition } from "./define-event.js";
import type { LooseSendOptions } from "./types.js";
import { parseVersion } from "./versions.js";

// Loaded on the first send that needs them (bench/size: start-up code): the attribute rules, for a
// send with `attributes` (the HTTP edge's CloudEvents, mostly), and the hashing of a derived id
// that would not be valid as it is (child-id.ts). Not so the delay parser: herald exports
// parseDelay, synchronous, so the entry holds it whatever the send path loads.
let attributesOf: typeof import("../core/cloud-event-attributes.js").attributesOf | undefined;
let childId: typeof import("./child-id.js").childId | undefined;

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
  // what waits for rules not loaded yet: attributes to check, the number of a child id to hash
  let unchecked: CloudEventAttributes | undefined;
  let hashed = -1;
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
  if (id === undefined && origin) {
    // numbered now, in call order, even where the id is settled later: a retried handler re-sends the same ids
    const n = origin.next++;
    id = `${origin.lineage.causationId}/${n}`;
    if (eventIdProblem(id) !== undefined) {
      if (childId === undefined) hashed = n;
      else id = childId(origin.lineage.causationId, n);
    }
  }
  // a function of its own, so this one's variables stay out of a closure on the hot path
  if (unchecked !== undefined || hashed !== -1) {
    const input = { name: event, payload, now, id, deliverAt, lineage: origin?.lineage, version, attributes };
    return prepareLater(input, unchecked, hashed, schema, definition, options?.version);
  }
  const value =
    options?.version === undefined
      ? validate(event, schema, payload)
      : parseVersion(event, definition, schema, options.version, payload);
  // a payload that validated at once makes no closure: a send allocates one object fewer
  return value instanceof Promise
    ? value.then((output) => build(event, output, now, id, deliverAt, origin, version, attributes))
    : build(event, value, now, id, deliverAt, origin, version, attributes);
}

// the envelope of a validated payload
function build(
  name: string,
  payload: unknown,
  now: number,
  id: string | undefined,
  deliverAt: number | undefined,
  origin: Origin | undefined,
  version: number | undefined,
  attributes: CloudEventAttributes | undefined,
): Envelope {
  return createEnvelope({ name, payload, now, id, deliverAt, lineage: origin?.lineage, version, attributes });
}

/**
 * The end of {@link prepare} for the first send that needs rules not loaded yet: they load, then
 * the attributes are checked, the child id numbered `hashed` is hashed, and the payload validated,
 * in prepare()'s order.
 */
async function prepareLater(
  input: Parameters<typeof createEnvelope<string, unknown>>[0] & { lineage: Lineage | undefined },
  unchecked: CloudEventAttributes | undefined,
  hashed: number,
  schema: AnySchema,
  definition: EventDefinition | undefined,
  payloadVersion: number | undefined,
): Promise<Envelope> {
  let { attributes, id } = input;
  if (unchecked !== undefined) {
    attributesOf ??= (await import("../core/cloud-event-attributes.js")).attributesOf;
    attributes = attributesOf(unchecked);
  }
  if (hashed !== -1) {
    childId ??= (await import("./child-id.js")).childId;
    id = childId(input.lineage!.causationId, hashed);
  }
  const { name, payload } = input;
  const value = await (payloadVersion === undefined
    ? validate(name, schema, payload)
    : parseVersion(name, definition, schema, payloadVersion, payload));
  return createEnvelope({ ...input, payload: value, id, attributes });
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
