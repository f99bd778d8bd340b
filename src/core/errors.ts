import type { StandardSchemaV1 } from "@standard-schema/spec";

/**
 * Every code a {@link HeraldError} can carry, the one table of them: what the catalog, the engines
 * and the transports throw, then what the HTTP edge answers (with no event yet: auth, body, method)
 * and `INVALID_USAGE`, the CLI's exit 2. Stable: match on these, not on messages. Each has an HTTP
 * status in `herald/http`'s `HTTP_ERRORS`.
 */
export const HERALD_ERROR_CODES = [
  "INVALID_EVENT_NAME",
  "UNKNOWN_EVENT",
  "VALIDATION_FAILED",
  "INVALID_DELAY",
  "INVALID_OPTIONS",
  "TRANSPORT_FAILED",
  "UNKNOWN_VERSION",
  "UNSUPPORTED_SCHEMA",
  "INVALID_CLOUD_EVENT",
  "INVALID_EVENT_ID",
  "IDEMPOTENCY_CONFLICT",
  "HANDLER_TIMEOUT",
  "UNAUTHENTICATED",
  "PAYLOAD_TOO_LARGE",
  "METHOD_NOT_ALLOWED",
  "UNSUPPORTED_MEDIA_TYPE",
  "INVALID_JSON",
  "INVALID_BODY",
  "MISSING_FIELDS",
  "EVENT_NOT_ALLOWED",
  "NOT_FOUND",
  "HOST_NOT_ALLOWED",
  "INTERNAL_ERROR",
  "INVALID_USAGE",
] as const;

/** A stable, machine-readable error code. */
export type HeraldErrorCode = (typeof HERALD_ERROR_CODES)[number];

// a global symbol, so two installed copies of herald still recognise each other's errors
const BRAND: unique symbol = Symbol.for("herald.error") as never;

/**
 * Base class of every error herald throws. Match on `code`, which never changes between versions.
 * @see docs/catalog.md#errors
 */
export class HeraldError extends Error {
  readonly code: HeraldErrorCode;
  /** Set on an error from `sendEvents`: the position, from 0, of the event that was refused. */
  readonly index?: number;
  readonly [BRAND] = true;

  constructor(code: HeraldErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    // written out in every class, not new.target.name: a minifier renames classes, and logs would read "u: ..."
    this.name = "HeraldError";
    this.code = code;
  }
}

/** True for any herald error, even one thrown by another installed copy of herald. */
export function isHeraldError(value: unknown): value is HeraldError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** An event name breaks the naming rules (see docs/catalog.md#naming-rules). */
export class InvalidEventNameError extends HeraldError {
  readonly eventName: string;
  constructor(eventName: string, reason: string) {
    super("INVALID_EVENT_NAME", `Invalid event name ${JSON.stringify(eventName)}: ${reason}`);
    this.name = "InvalidEventNameError";
    this.eventName = eventName;
  }
}

/** A name that is not in the catalog reached a send or a subscription (through a cast, or from JSON). */
export class UnknownEventError extends HeraldError {
  readonly event: string;
  constructor(event: string, known: readonly string[]) {
    const list = known.length > 10 ? `${known.slice(0, 10).join(", ")}, … (${known.length} in all)` : known.join(", ");
    super("UNKNOWN_EVENT", `Unknown event ${JSON.stringify(event)}. Known events: ${list}`);
    this.name = "UnknownEventError";
    this.event = event;
  }
}

/** A payload failed its event's schema. Nothing was sent. `issues` keeps every failure with its path. */
export class EventValidationError extends HeraldError {
  readonly event: string;
  readonly issues: readonly StandardSchemaV1.Issue[];
  constructor(event: string, issues: readonly StandardSchemaV1.Issue[]) {
    super("VALIDATION_FAILED", `${event}: ${issues.map(formatIssue).join("; ")}`);
    this.name = "EventValidationError";
    this.event = event;
    this.issues = issues;
  }
}

/** A delay or `deliverAt` is malformed, negative, past the maximum, or both were given. */
export class InvalidDelayError extends HeraldError {
  constructor(message: string) {
    super("INVALID_DELAY", message);
    this.name = "InvalidDelayError";
  }
}

/** Send options or engine options are malformed (an empty `id`, an unknown option key, …). */
export class InvalidOptionsError extends HeraldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("INVALID_OPTIONS", message, options);
    this.name = "InvalidOptionsError";
  }
}

/** A transport could not deliver. `retryable` says whether sending again may succeed; `cause` keeps the original. */
export class TransportError extends HeraldError {
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** For a retryable failure: how long to wait before sending again, in ms, where the transport knows (a 429's reset, a deadline). */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: { cause?: unknown; retryable: boolean; status?: number | undefined; retryAfterMs?: number | undefined },
  ) {
    super("TRANSPORT_FAILED", message, { cause: options.cause });
    this.name = "TransportError";
    this.retryable = options.retryable;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** A payload or envelope names a schema version its event does not have (or a newer one than this catalog knows). */
export class UnknownVersionError extends HeraldError {
  readonly event: string;
  readonly version: unknown;
  /** The newest version this catalog knows for the event. */
  readonly latest: number;
  constructor(event: string, version: unknown, latest: number) {
    const known = latest === 1 ? "it has only version 1" : `it has versions 1 to ${latest}`;
    super("UNKNOWN_VERSION", `${event}: no schema version ${describeValue(version)}; ${known}`);
    this.name = "UnknownVersionError";
    this.event = event;
    this.version = version;
    this.latest = latest;
  }
}

/** An event's schema cannot be exported as JSON Schema: its validator has no converter, or the schema holds a type JSON cannot express. `cause` keeps the validator's own error. */
export class UnsupportedSchemaError extends HeraldError {
  readonly event: string;
  constructor(event: string, reason: string, options?: { cause?: unknown }) {
    super("UNSUPPORTED_SCHEMA", `${event}: the schema cannot be expressed as JSON Schema: ${reason}`, options);
    this.name = "UnsupportedSchemaError";
    this.event = event;
  }
}

/** A value is not a CloudEvent herald can read: a missing or malformed required attribute, another spec version, or binary data. */
export class InvalidCloudEventError extends HeraldError {
  constructor(message: string) {
    super("INVALID_CLOUD_EVENT", message);
    this.name = "InvalidCloudEventError";
  }
}

/** A caller-chosen event id is empty, longer than {@link MAX_EVENT_ID_LENGTH}, or holds a character outside visible ASCII. */
export class InvalidEventIdError extends HeraldError {
  constructor(message: string) {
    super("INVALID_EVENT_ID", message);
    this.name = "InvalidEventIdError";
  }
}

/** An event id (the idempotency key) was reused with another event name or payload: the first event stands, the second is refused. */
export class IdempotencyConflictError extends HeraldError {
  readonly id: string;
  constructor(id: string, message: string) {
    super("IDEMPOTENCY_CONFLICT", message);
    this.name = "IdempotencyConflictError";
    this.id = id;
  }
}

/** A subscriber's run did not settle within its timeout; the run's signal is aborted. */
export class HandlerTimeoutError extends HeraldError {
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number) {
    super("HANDLER_TIMEOUT", message);
    this.name = "HandlerTimeoutError";
    this.timeoutMs = timeoutMs;
  }
}

/** The longest event id a caller may choose (the Idempotency-Key header's bound too). */
export const MAX_EVENT_ID_LENGTH = 255;

/**
 * Why `id` cannot be an event id, or undefined when it can: 1 to 255 visible ASCII characters
 * (0x21 to 0x7e), so an id is bounded in memory and safe to print in a log line.
 */
export function eventIdProblem(id: unknown): string | undefined {
  if (typeof id !== "string") return `an event id must be a string, got ${typeof id}`;
  if (id.length === 0) return "an event id must not be empty";
  if (id.length > MAX_EVENT_ID_LENGTH)
    return `an event id must be at most ${MAX_EVENT_ID_LENGTH} characters, got ${id.length}`;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code < 0x21 || code > 0x7e)
      return `an event id may hold only visible ASCII characters; found U+${code.toString(16).toUpperCase().padStart(4, "0")} at ${i}`;
  }
  return undefined;
}

function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  try {
    return `${JSON.stringify(value) ?? String(value)} (${typeof value})`;
  } catch {
    return typeof value; // a BigInt, or an object with a cycle
  }
}

/** What {@link toHeraldError} says about an error herald did not make. */
export interface ToHeraldErrorOptions {
  /** What failed, said before the error's message: `"embedded transport failed"`, `"Trigger.dev trigger failed (HTTP 503)"`. */
  readonly context?: string;
  /** Whether sending again may succeed. Default `false`. */
  readonly retryable?: boolean;
  /** The HTTP status of the failed request, where there was one. */
  readonly status?: number | undefined;
  /** How long to wait before sending again, in ms, where the other side said (`retry-after`). */
  readonly retryAfterMs?: number | undefined;
}

/**
 * The one conversion of anything caught into a HeraldError: a herald error (from this copy or
 * another) already says what went wrong and passes through untouched; anything else becomes a
 * {@link TransportError} keeping it as `cause`, as {@link wrapError} makes it.
 */
export function toHeraldError(error: unknown, options: ToHeraldErrorOptions = {}): HeraldError {
  return isHeraldError(error) ? error : wrapError(error, options);
}

/**
 * Wraps `error` in a {@link TransportError}: "<context>: <message>", with `cause`, `retryable` and
 * `status`. For a transport that counts every error, a herald error of another kind included, as
 * its own failure.
 */
export function wrapError(
  error: unknown,
  { context, retryable = false, status, retryAfterMs }: ToHeraldErrorOptions,
): TransportError {
  const message = describeError(error);
  return new TransportError(context ? `${context}: ${message}` : message, {
    cause: error,
    retryable,
    status,
    retryAfterMs,
  });
}

/**
 * A herald error carrying `index`, the position in its batch of the event it refused (`sendEvents`),
 * made without touching `error` (its `index` stays readonly). It is a new object whose prototype is
 * `error`: the same class, code, message, stack, cause and data, read through. Anything else is
 * returned as is.
 */
export function withIndex(error: unknown, index: number): unknown {
  // not a property-by-property copy: Object.getOwnPropertyDescriptors & co. cost 52 bytes gzipped at start (bench/size)
  return isHeraldError(error) ? Object.create(error, { index: { value: index, enumerable: true } }) : error;
}

/** The message of anything thrown: an Error's `message`, else the value as a string. Never throws. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    // String() throws for Object.create(null) and for objects whose toString throws
    return Object.prototype.toString.call(error);
  }
}

/**
 * An issue's path as plain keys: Standard Schema allows a segment to be `{ key }` (valibot writes
 * them so), and this is the one place that unwraps them. Empty for an issue at the root.
 */
export function issuePath(issue: StandardSchemaV1.Issue): PropertyKey[] {
  const path = issue.path;
  if (path === undefined) return [];
  return path.map((segment) => (typeof segment === "object" && segment !== null ? segment.key : segment));
}

/** `email: Invalid email address`, or the message alone for an issue at the root. */
export function formatIssue(issue: StandardSchemaV1.Issue): string {
  const path = issuePath(issue)
    .map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`))
    .join("");
  return path ? `${path}: ${issue.message}` : issue.message;
}
