import { createEventId } from "./event-id.js";

/**
 * An event as it travels: the validated payload plus identity, time and lineage.
 * Transports receive envelopes that are already valid and never validate again.
 */
export interface Envelope<TName extends string = string, TPayload = unknown> {
  /** Unique per event; the idempotency key. Supplied by the caller to dedupe, else generated. */
  readonly id: string;
  readonly name: TName;
  /** The schema's output: defaults, transforms and coercions already applied. */
  readonly payload: TPayload;
  /** When the event was sent, ISO 8601. */
  readonly timestamp: string;
  /** When the event is due, ISO 8601; absent for "now". */
  readonly deliverAt?: string;
  /** The id of the first event of the chain; equal to `id` for a root event. */
  readonly correlationId: string;
  /** The id of the event whose handler sent this one; absent for a root event. */
  readonly causationId?: string;
  /**
   * The schema version the payload is written in, for an event defined with several versions.
   * Absent means version 1: every envelope herald builds for a versioned event carries its
   * version, so one without was sent before the event had versions (an unversioned event's only
   * version is 1, its newest).
   */
  readonly version?: number;
  /**
   * For an event read from a CloudEvent: its producer's attributes that herald does not map
   * itself (`source`, `time`, `subject`, `dataschema`, extensions such as `traceparent`), given
   * back by `toCloudEvent`. Bounded: at most 32, names of 1 to 20 lower-case letters or digits.
   */
  readonly attributes?: CloudEventAttributes;
}

/** CloudEvents attributes as an envelope keeps them: the spec's names, and string, integer or boolean values. */
export type CloudEventAttributes = Readonly<Record<string, string | number | boolean>>;

/** The lineage a handler's `ctx.sendEvent` passes on to the events it sends. */
export interface Lineage {
  readonly correlationId: string;
  readonly causationId: string;
}

// toISOString costs about a microsecond, as much as validating a small payload: times within the
// same millisecond share one string
let lastTime = Number.NaN;
let lastIso = "";
/** `new Date(ms).toISOString()`, computed once per millisecond. */
export function isoTime(ms: number): string {
  if (ms !== lastTime) {
    lastIso = new Date(ms).toISOString();
    lastTime = ms;
  }
  return lastIso;
}

/** Builds an envelope; a child of `lineage` inherits its correlation id. */
export function createEnvelope<TName extends string, TPayload>(input: {
  name: TName;
  payload: TPayload;
  now: number;
  id?: string | undefined;
  deliverAt?: number | undefined;
  lineage?: Lineage | undefined;
  version?: number | undefined;
  attributes?: CloudEventAttributes | undefined;
}): Envelope<TName, TPayload> {
  const id = input.id ?? createEventId(input.now);
  const envelope: { -readonly [K in keyof Envelope<TName, TPayload>]: Envelope<TName, TPayload>[K] } = {
    id,
    name: input.name,
    payload: input.payload,
    timestamp: isoTime(input.now),
    correlationId: input.lineage?.correlationId ?? id,
  };
  if (input.deliverAt !== undefined) envelope.deliverAt = new Date(input.deliverAt).toISOString();
  if (input.lineage) envelope.causationId = input.lineage.causationId;
  if (input.version !== undefined) envelope.version = input.version;
  if (input.attributes !== undefined) envelope.attributes = input.attributes;
  return envelope;
}
