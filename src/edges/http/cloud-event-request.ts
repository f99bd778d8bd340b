import { fromCloudEvent } from "../../core/cloud-event.js";
import type { Envelope } from "../../core/envelope.js";
import { InvalidCloudEventError } from "../../core/errors.js";
import { decodeJson, type EventRequestBody } from "./body.js";
import { HttpProblemError } from "./respond.js";

/** How a request carries a CloudEvent: the whole event as the JSON body, or attributes in `ce-*` headers and the data as the body. */
export type CloudEventMode = "structured" | "binary";

/** The media type of a structured-mode CloudEvent. */
export const STRUCTURED = "application/cloudevents+json";
/** The media type of a CloudEvents JSON batch (JSON format, section 4). */
export const BATCH = "application/cloudevents-batch+json";

/**
 * The CloudEvents HTTP binding mode of a request: `"batch"` for a JSON array of structured events
 * (`application/cloudevents-batch+json`), or `undefined` for herald's own body.
 */
export function cloudEventMode(request: Request): CloudEventMode | "batch" | undefined {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === STRUCTURED) return "structured";
  if (type === BATCH) return "batch";
  return request.headers.has("ce-specversion") ? "binary" : undefined;
}

/**
 * Reads a CloudEvent request into what the handler sends: `type` is the event, `data` the
 * payload, `id` the event id (and idempotency key); herald's `deliverat` and `schemaversion`
 * extensions become `deliverAt` and `version`.
 * @throws InvalidCloudEventError for a malformed event; HttpProblemError INVALID_JSON for a body that is not JSON
 */
export function parseCloudEventRequest(request: Request, raw: Uint8Array, mode: CloudEventMode): EventRequestBody {
  if (raw.byteLength > 0 && !request.headers.has("content-type"))
    throw new HttpProblemError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Send the CloudEvent's data as JSON, with the header Content-Type: application/json",
    );
  const value =
    mode === "structured"
      ? decodeJson(raw, `The body is empty: send a CloudEvent as JSON (Content-Type: ${STRUCTURED})`)
      : {
          ...attributesOf(request.headers),
          datacontenttype: request.headers.get("content-type") ?? undefined,
          // binary mode: the body is the data; an empty body is an event without data
          ...(raw.byteLength === 0 ? {} : { data: decodeJson(raw, "") }),
        };
  return toEventRequest(fromCloudEvent(value));
}

/** What the handler sends for a CloudEvent read into an envelope: its id, due time and schema version come along. */
export function toEventRequest(envelope: Envelope): EventRequestBody {
  return {
    event: envelope.name,
    ...(envelope.payload === undefined ? {} : { payload: envelope.payload }),
    id: envelope.id,
    ...(envelope.deliverAt === undefined ? {} : { deliverAt: envelope.deliverAt }),
    ...(envelope.version === undefined ? {} : { version: envelope.version }),
    ...(envelope.attributes === undefined ? {} : { attributes: envelope.attributes }),
  };
}

// the attributes herald reads: a value of these that does not percent-decode is refused
const READ = new Set([
  "specversion",
  "id",
  "source",
  "type",
  "correlationid",
  "causationid",
  "deliverat",
  "schemaversion",
]);

// `ce-<name>` headers, percent-decoded as the HTTP binding asks (3.1.3.2). Producers that do not
// encode (the cloudevents SDK writes "100% paid" as it is) send values that do not decode: an
// attribute herald only passes on is kept as written, since failing a request over it helps no one
function attributesOf(headers: Headers): Record<string, string> {
  const attributes: Record<string, string> = {};
  headers.forEach((value, key) => {
    if (!key.startsWith("ce-") || key.length === 3) return;
    const name = key.slice(3);
    if (!value.includes("%")) attributes[name] = value;
    else {
      try {
        attributes[name] = decodeURIComponent(value);
      } catch {
        if (READ.has(name)) throw new InvalidCloudEventError(`The header ${key} is not validly percent-encoded`);
        attributes[name] = value;
      }
    }
  });
  return attributes;
}
