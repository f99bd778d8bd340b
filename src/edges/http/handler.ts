import type { AnyCatalog, EventName } from "../../catalog/types.js";
import {
  eventIdProblem,
  type EventValidationError,
  InvalidEventIdError,
  InvalidOptionsError,
  isHeraldError,
  issuePath,
  type TransportError,
} from "../../core/errors.js";
import type { Receipt } from "../../delivery/transport.js";
import { createAuthenticator, type HandlerAuth } from "./auth.js";
import { isJsonMediaType } from "../../core/json-media-type.js";
import { type EventRequestBody, parseEventRequest, readBody } from "./body.js";
import { genuineRequest, withReplies } from "./fast-path.js";
import { type EventsSentBody, parseCloudEventBatch, sendCloudEventBatch } from "./cloud-event-batch.js";
import { cloudEventMode, parseCloudEventRequest, STRUCTURED } from "./cloud-event-request.js";
import {
  createIdempotencyMemory,
  DEFAULT_MAX_REMEMBERED_IDS,
  fingerprintOf,
  type IdempotencyMemory,
} from "./idempotency.js";
import { HttpProblemError, jsonReply, problemReply, type Reply, type ToProblem } from "./respond.js";

/** Options of {@link createEventHandler}. */
export interface EventHandlerOptions<TName extends string = string> {
  /** Required, so an open endpoint is a choice written out: `{ token }`, `{ secret }` or `"none"`. */
  readonly auth: HandlerAuth;
  /** The only events this endpoint accepts; others get 403 `EVENT_NOT_ALLOWED`. Default: the whole catalog. */
  readonly allow?: readonly TName[];
  /** The largest body accepted, in bytes, enforced while reading. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** The most events a CloudEvents batch may hold; a longer one gets 413 `PAYLOAD_TOO_LARGE`. Default 100. */
  readonly maxBatchEvents?: number;
  /**
   * How many client-chosen ids (body `id`, CloudEvent `id`, `Idempotency-Key`) the handler keeps a
   * fingerprint of (name, version, payload), to answer 409 `IDEMPOTENCY_CONFLICT` when one comes
   * back with another event. The oldest is forgotten first. Default 10,000.
   */
  readonly maxRememberedIds?: number;
  /**
   * Receives what a response does not show: transport failures and unexpected errors, for your
   * logs. Default: `console.error`.
   */
  readonly onError?: (error: unknown, request: Request) => void;
}

/** A Web-standard request handler: Next.js route handlers, Hono (`c.req.raw`), Bun, Deno, workers. */
export type EventRequestHandler = (request: Request) => Promise<Response>;

/** The body of a 200 response. */
export interface EventSentBody {
  readonly success: true;
  /** `Event <name> sent`. */
  readonly message: string;
  /** The send's receipt: `{ id, name, timestamp, duplicate, ... }`. */
  readonly result: Receipt;
}

/** 1 MiB, the default {@link EventHandlerOptions.maxBodyBytes}. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** 5, the `Retry-After` (in seconds) of a 503 when the transport does not say how long to wait. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/** 100, the default {@link EventHandlerOptions.maxBatchEvents}. */
export const DEFAULT_MAX_BATCH_EVENTS = 100;

/**
 * Creates a handler that receives `POST { event, payload, delay?, deliverAt?, id?, version? }` and
 * sends the event through the catalog, which validates it once (and upcasts an older `version`).
 * A CloudEvent is accepted too, in structured mode (`Content-Type: application/cloudevents+json`)
 * or binary mode (`ce-*` headers, the data as a JSON body): its `type` names the event. A CloudEvents
 * batch (`application/cloudevents-batch+json`) is sent all or nothing, as `sendEvents` sends, and
 * answers with one receipt per event; a refused batch names the failing event's `index`. Answers 200 `{ success, message, result }`,
 * or an error status with `{ error, code, message }` (see `HTTP_ERRORS`); it never throws, a
 * client's mistake is never a 5xx, and no stack or internal message is shown.
 * An `Idempotency-Key` header becomes the event id.
 * @throws InvalidOptionsError when `auth` is missing or malformed, `allow` names an event the catalog lacks, or a limit is not a whole number of 1 or more
 * @example
 * export const POST = createEventHandler(events, { auth: { token: process.env.HERALD_TOKEN! }, allow: ["user.created"] });
 * @see docs/http.md
 */
export function createEventHandler<TCatalog extends AnyCatalog>(
  events: TCatalog,
  options: EventHandlerOptions<EventName<TCatalog>>,
): EventRequestHandler {
  if (
    typeof events !== "object" ||
    events === null ||
    typeof events.send !== "function" ||
    !Array.isArray(events.names)
  ) {
    throw new InvalidOptionsError("createEventHandler expects a catalog made by defineEvents");
  }
  if (typeof options !== "object" || options === null)
    throw new InvalidOptionsError("createEventHandler expects options with `auth`");
  const authenticator = createAuthenticator(options.auth);
  const allow = options.allow === undefined ? undefined : new Set<string>(options.allow);
  const names = new Set<string>(events.names);
  for (const name of allow ?? []) {
    if (!names.has(name))
      throw new InvalidOptionsError(`allow: ${JSON.stringify(name)} is not an event of this catalog`);
  }
  const limit = checkLimit("maxBodyBytes", options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  const maxBatch = checkLimit("maxBatchEvents", options.maxBatchEvents ?? DEFAULT_MAX_BATCH_EVENTS);
  const checkAllowed = (event: string): void => {
    if (allow && !allow.has(event))
      throw new HttpProblemError("EVENT_NOT_ALLOWED", `This endpoint does not accept ${JSON.stringify(event)}`);
  };
  const report = (error: unknown, request: Request): void => {
    try {
      (options.onError ?? logError)(error, genuineRequest(request));
    } catch {
      // a failing logger must not turn into a failing response
    }
  };

  const memory = createIdempotencyMemory(
    checkLimit("maxRememberedIds", options.maxRememberedIds ?? DEFAULT_MAX_REMEMBERED_IDS),
  );

  // answers with a Reply, turned into a Response by withReplies; toNodeHandler writes the Reply itself
  // and, as this reads the request only through method, headers and readBody, skips undici's Request too
  const handle = async (request: Request): Promise<Reply> => {
    try {
      if (request.method !== "POST")
        throw new HttpProblemError(
          "METHOD_NOT_ALLOWED",
          `Send events with POST, not ${request.method}`,
          {},
          { allow: "POST" },
        );
      authenticator.headers(request);
      const cloudEvent = cloudEventMode(request);
      // a signature covers the body only: attributes in ce-* headers could be swapped on a captured request
      if (cloudEvent === "binary" && authenticator.signed)
        throw new HttpProblemError(
          "UNSUPPORTED_MEDIA_TYPE",
          `With signature auth, send a CloudEvent in structured mode (Content-Type: ${STRUCTURED}): ce-* headers are not signed`,
        );
      const contentType = request.headers.get("content-type");
      // a binary-mode CloudEvent without data has no body, and so no content type
      if (!(cloudEvent === "binary" && contentType === null) && !isJsonMediaType(contentType)) {
        throw new HttpProblemError(
          "UNSUPPORTED_MEDIA_TYPE",
          "Send the body as JSON, with the header Content-Type: application/json",
        );
      }
      const raw = await readBody(request, limit);
      if (authenticator.body) await authenticator.body(request, raw);
      if (cloudEvent === "batch") {
        // each CloudEvent's id is its idempotency key; one header cannot name several events
        if (request.headers.has("idempotency-key"))
          throw new HttpProblemError(
            "INVALID_OPTIONS",
            "A batch takes no Idempotency-Key header: each CloudEvent's id is its idempotency key",
          );
        // a refused member's error becomes its problem where its index is known
        const problemOf: ToProblem = (error) => toProblem(error, request, report);
        const batch = parseCloudEventBatch(raw, maxBatch, checkAllowed, problemOf);
        const release = await claimBatch(memory, batch, problemOf);
        let receipts: readonly Receipt[];
        try {
          receipts = await sendCloudEventBatch(events, batch, problemOf);
        } catch (error) {
          release();
          throw error;
        }
        const body: EventsSentBody = {
          success: true,
          message: `${receipts.length} event${receipts.length === 1 ? "" : "s"} sent`,
          result: receipts,
        };
        return jsonReply(200, body);
      }
      const { event, payload, ...sendOptions } = cloudEvent
        ? parseCloudEventRequest(request, raw, cloudEvent)
        : parseEventRequest(raw);
      checkAllowed(event);
      const id = idempotencyKey(request, sendOptions.id, authenticator.signed);
      // only a client-chosen id can be reused: a request without one costs no fingerprint
      const release =
        id === undefined ? undefined : memory.claim(id, await fingerprintOf(event, sendOptions.version, payload));
      let receipt: Receipt;
      try {
        receipt = await events.send({ name: event, payload, ...sendOptions, ...(id === undefined ? {} : { id }) });
      } catch (error) {
        release?.();
        throw error;
      }
      const body: EventSentBody = { success: true, message: `Event ${receipt.name} sent`, result: receipt };
      return jsonReply(200, body);
    } catch (error) {
      return problemReply(toProblem(error, request, report));
    }
  };
  return withReplies(handle);
}

/**
 * The event id a request names: the body's `id` (or the CloudEvent's), or the `Idempotency-Key`
 * header, bounded as every client-chosen id is.
 * @throws InvalidEventIdError for an id {@link eventIdProblem} refuses; HttpProblemError INVALID_OPTIONS when the two differ, or for an unsigned header under signature auth
 */
function idempotencyKey(request: Request, bodyId: unknown, signed: boolean): string | undefined {
  if (bodyId !== undefined) checkEventId(bodyId, "The event id");
  const header = request.headers.get("idempotency-key")?.trim();
  if (header === undefined || header === "") return bodyId as string | undefined;
  checkEventId(header, "The Idempotency-Key header");
  if (bodyId !== undefined && bodyId !== header)
    throw new HttpProblemError(
      "INVALID_OPTIONS",
      'The Idempotency-Key header and the body\'s "id" differ: give one, or the same in both',
    );
  // the signature covers the body, not the header: a captured request replayed with a fresh key would be a new event
  if (signed && bodyId === undefined)
    throw new HttpProblemError(
      "INVALID_OPTIONS",
      'With signature auth, put the id in the signed body ("id", or the CloudEvent\'s id): the Idempotency-Key header is not signed',
    );
  return header;
}

function checkEventId(id: unknown, what: string): void {
  const problem = eventIdProblem(id);
  if (problem !== undefined) throw new InvalidEventIdError(`${what} is not a valid event id: ${problem}`);
}

// all of a batch's ids are claimed before anything is sent, and all are released if one conflicts or the send fails
async function claimBatch(
  memory: IdempotencyMemory,
  batch: readonly EventRequestBody[],
  problemOf: ToProblem,
): Promise<() => void> {
  const releases: (() => void)[] = [];
  const release = (): void => {
    for (const forget of releases) forget();
  };
  try {
    for (const [index, { event, payload, id, version }] of batch.entries()) {
      try {
        checkEventId(id, "The CloudEvent's id");
        releases.push(memory.claim(id!, await fingerprintOf(event, version, payload)));
      } catch (error) {
        throw problemOf(error).forBatchMember(index);
      }
    }
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

function checkLimit(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new InvalidOptionsError(`${name} must be a whole number of 1 or more, got ${String(value)}`);
  return value;
}

type Report = (error: unknown, request: Request) => void;

function toProblem(error: unknown, request: Request, report: Report): HttpProblemError {
  if (error instanceof HttpProblemError) return error;
  if (!isHeraldError(error)) {
    report(error, request);
    return new HttpProblemError("INTERNAL_ERROR", "The event could not be sent");
  }
  switch (error.code) {
    case "VALIDATION_FAILED": {
      const { event, issues } = error as EventValidationError;
      const paths = issues.map((issue) => ({ path: issuePath(issue), message: issue.message }));
      return new HttpProblemError(error.code, error.message, { event, issues: paths });
    }
    case "TRANSPORT_FAILED": {
      // the transport's message may name hosts, queues or credentials: it goes to onError, not to the client
      report(error, request);
      const { retryable, retryAfterMs } = error as TransportError;
      return new HttpProblemError(
        error.code,
        retryable ? "The event could not be delivered; try again" : "The event could not be delivered",
        { retryable },
        retryable ? { "retry-after": String(retryAfterSeconds(retryAfterMs)) } : {},
      );
    }
    default:
      return new HttpProblemError(error.code, error.message);
  }
}

/**
 * The `Retry-After` of a retryable transport failure, in whole seconds: the transport's
 * `retryAfterMs` rounded up, within 1 s and a day; {@link DEFAULT_RETRY_AFTER_SECONDS} when it gives none.
 */
export function retryAfterSeconds(retryAfterMs: number | undefined): number {
  if (typeof retryAfterMs !== "number" || !Number.isFinite(retryAfterMs)) return DEFAULT_RETRY_AFTER_SECONDS;
  return Math.min(Math.max(Math.ceil(retryAfterMs / 1000), 1), 86_400);
}

function logError(error: unknown): void {
  console.error(`herald/http: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
}
