import { attributesOf } from "./cloud-event-attributes.js";
import type { Envelope } from "./envelope.js";
import { InvalidCloudEventError } from "./errors.js";
import { isJsonMediaType } from "./json-media-type.js";

/**
 * A CloudEvents 1.0 event in structured JSON form. herald's lineage and schema version travel as
 * extension attributes: `correlationid`, `causationid`, `deliverat`, `schemaversion`.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface CloudEvent<TData = unknown> {
  readonly specversion: "1.0";
  /** The event id: with `source`, unique per event. herald uses it as the idempotency key. */
  readonly id: string;
  /** A URI-reference naming the producer, e.g. `https://billing.example.com` or `/billing`. */
  readonly source: string;
  /** The herald event name. */
  readonly type: string;
  readonly time?: string;
  readonly subject?: string;
  readonly datacontenttype?: string;
  readonly dataschema?: string;
  readonly data?: TData;
  readonly correlationid?: string;
  readonly causationid?: string;
  readonly deliverat?: string;
  readonly schemaversion?: number;
  /** Other extension attributes, kept as they are. */
  readonly [extension: string]: unknown;
}

/** Options of {@link toCloudEvent}. */
export interface ToCloudEventOptions {
  /**
   * The `source` attribute: a URI-reference naming the service that sent the event. An envelope
   * read from a CloudEvent keeps its producer's `source`, which wins.
   */
  readonly source: string;
  /** The `subject` attribute: what the event is about within the source, e.g. a user id. The producer's wins. */
  readonly subject?: string;
}

/**
 * Turns a herald envelope into a CloudEvents 1.0 structured event (JSON data). The envelope's
 * name is the `type`, its id the `id`, its timestamp the `time`; lineage, due time and schema
 * version become extension attributes, so {@link fromCloudEvent} gives the envelope back. An
 * envelope read from a CloudEvent gives its producer's attributes back (`source`, `time`,
 * `subject`, `dataschema`, extensions such as `traceparent`).
 * @throws InvalidCloudEventError when `source` is empty
 * @example
 * await fetch(url, { method: "POST", headers: { "content-type": "application/cloudevents+json" },
 *   body: JSON.stringify(toCloudEvent(ctx.event, { source: "https://billing.example.com" })) });
 * @see docs/contract.md#cloudevents-10
 */
export function toCloudEvent<TData>(
  envelope: Envelope<string, TData>,
  options: ToCloudEventOptions,
): CloudEvent<TData> {
  if (typeof options?.source !== "string" || options.source === "")
    throw new InvalidCloudEventError("toCloudEvent needs a non-empty `source`, a URI-reference such as /billing");
  return {
    time: envelope.timestamp,
    ...(options.subject === undefined ? {} : { subject: options.subject }),
    source: options.source,
    // the producer's attributes win over the defaults above, and lose to the ones herald maps below
    ...envelope.attributes,
    specversion: "1.0",
    id: envelope.id,
    type: envelope.name,
    datacontenttype: "application/json",
    ...(envelope.payload === undefined ? {} : { data: envelope.payload }),
    correlationid: envelope.correlationId,
    ...(envelope.causationId === undefined ? {} : { causationid: envelope.causationId }),
    ...(envelope.deliverAt === undefined ? {} : { deliverat: envelope.deliverAt }),
    ...(envelope.version === undefined ? {} : { schemaversion: envelope.version }),
  };
}

/**
 * Reads a CloudEvents 1.0 event (structured JSON, binary-mode attributes with the body as `data`,
 * or an instance of the `cloudevents` SDK) into a herald envelope. The data is not validated here:
 * that is the catalog's job when the event is sent. A missing `time` means now. The producer's
 * `source`, `time`, `subject`, `dataschema` and extension attributes are kept in
 * `envelope.attributes` (at most 32, `MAX_CLOUD_EVENT_ATTRIBUTES`); an attribute whose value is
 * `undefined` or `null` counts as absent, as the SDK leaves unused ones.
 * @throws InvalidCloudEventError for another spec version, a missing or malformed `id`, `source`
 * or `type`, non-JSON or base64 data, a malformed extension herald reads, or attributes past the bounds
 */
export function fromCloudEvent(value: unknown, now: () => number = Date.now): Envelope {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new InvalidCloudEventError("A CloudEvent must be a JSON object");
  const event = value as Record<string, unknown>;
  if (event.specversion !== "1.0")
    throw new InvalidCloudEventError(`herald reads CloudEvents 1.0; specversion is ${show(event.specversion)}`);
  const id = requiredString(event, "id");
  requiredString(event, "source");
  const type = requiredString(event, "type");
  // the SDK's instances carry an own data_base64: undefined; only a value means base64 data
  if (event.data_base64 !== undefined && event.data_base64 !== null)
    throw new InvalidCloudEventError("data_base64 is not supported: send the data as JSON");
  const contentType = optionalString(event, "datacontenttype");
  if (contentType !== undefined && !isJsonMediaType(contentType))
    throw new InvalidCloudEventError(
      `datacontenttype ${JSON.stringify(contentType)} is not JSON: herald payloads are JSON`,
    );
  const time = optionalString(event, "time");
  const timestamp = time === undefined ? new Date(now()).toISOString() : toIso(time, "time");
  const deliverAt = optionalString(event, "deliverat");
  const causationId = optionalString(event, "causationid");
  const version = readVersion(event.schemaversion);
  return {
    id,
    name: type,
    payload: event.data,
    timestamp,
    ...(deliverAt === undefined ? {} : { deliverAt: toIso(deliverAt, "deliverat") }),
    correlationId: optionalString(event, "correlationid") ?? id,
    ...(causationId === undefined ? {} : { causationId }),
    ...(version === undefined ? {} : { version }),
    attributes: attributesOf(event),
  };
}

function requiredString(event: Record<string, unknown>, key: string): string {
  const value = event[key];
  if (typeof value !== "string" || value === "")
    throw new InvalidCloudEventError(
      `The CloudEvent attribute ${key} must be a non-empty string${value === undefined ? ", and is missing" : ""}`,
    );
  return value;
}

function optionalString(event: Record<string, unknown>, key: string): string | undefined {
  const value = event[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string" || value === "")
    throw new InvalidCloudEventError(`The CloudEvent attribute ${key} must be a non-empty string`);
  return value;
}

function toIso(text: string, key: string): string {
  const time = Date.parse(text);
  if (!Number.isFinite(time))
    throw new InvalidCloudEventError(
      `The CloudEvent attribute ${key} must be an RFC 3339 time, got ${JSON.stringify(text)}`,
    );
  return new Date(time).toISOString();
}

// an Integer attribute: a JSON number in structured mode, its canonical string in binary mode
function readVersion(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const version = typeof value === "string" && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new InvalidCloudEventError(
      `The CloudEvent attribute schemaversion must be a whole number of 1 or more, got ${show(value)}`,
    );
  }
  return version;
}

function show(value: unknown): string {
  if (value === undefined) return "missing";
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" || value === null
    ? JSON.stringify(value)
    : `a ${typeof value}`;
}
