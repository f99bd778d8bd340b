import type { HeraldErrorCode } from "../../core/errors.js";

/**
 * The codes of `HERALD_ERROR_CODES` that only the HTTP edge answers with: problems with the request
 * itself, before any event exists. A part of the one table, listed for readers of this module.
 */
export const HTTP_ERROR_CODES = [
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
] as const satisfies readonly HeraldErrorCode[];

/** Every `code` an HTTP error response can carry: since every code lives in one table, `HeraldErrorCode`. */
export type HttpErrorCode = HeraldErrorCode;

/** The status and the short `error` title of one code. */
export interface HttpErrorInfo {
  readonly status: number;
  readonly error: string;
}

/**
 * Every code's status, in one exhaustive table: a new code does not compile until it has a row.
 * A client's mistake is always a 4xx; `TRANSPORT_FAILED` is 502, or 503 when it is retryable
 * (see {@link statusOf}); `INTERNAL_ERROR` and `UNSUPPORTED_SCHEMA` (500) are reserved for a bug in herald or a schema.
 * @see docs/http.md
 */
export const HTTP_ERRORS: { readonly [TCode in HttpErrorCode]: HttpErrorInfo } = {
  INVALID_JSON: { status: 400, error: "Invalid JSON" },
  INVALID_BODY: { status: 400, error: "Invalid request body" },
  MISSING_FIELDS: { status: 400, error: "Missing required fields" },
  INVALID_OPTIONS: { status: 400, error: "Invalid send options" },
  INVALID_EVENT_NAME: { status: 400, error: "Invalid event name" },
  INVALID_CLOUD_EVENT: { status: 400, error: "Invalid CloudEvent" },
  INVALID_EVENT_ID: { status: 400, error: "Invalid event id" },
  // the CLI's mistakes (exit 2) never travel over HTTP: listed so the table stays exhaustive
  INVALID_USAGE: { status: 400, error: "Invalid usage" },
  UNAUTHENTICATED: { status: 401, error: "Unauthenticated" },
  EVENT_NOT_ALLOWED: { status: 403, error: "Event not allowed" },
  // herald dev's DNS-rebinding guard: a Host header that does not name the loopback interface
  HOST_NOT_ALLOWED: { status: 403, error: "Host not allowed" },
  UNKNOWN_EVENT: { status: 404, error: "Unknown event" },
  NOT_FOUND: { status: 404, error: "Not found" },
  METHOD_NOT_ALLOWED: { status: 405, error: "Method not allowed" },
  IDEMPOTENCY_CONFLICT: { status: 409, error: "Idempotency key reused" },
  PAYLOAD_TOO_LARGE: { status: 413, error: "Payload too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, error: "Unsupported media type" },
  VALIDATION_FAILED: { status: 422, error: "Invalid payload" },
  INVALID_DELAY: { status: 422, error: "Invalid delay" },
  UNKNOWN_VERSION: { status: 422, error: "Unknown event version" },
  INTERNAL_ERROR: { status: 500, error: "Internal error" },
  // a catalog's schema that cannot be exported: the server's problem, never the client's
  UNSUPPORTED_SCHEMA: { status: 500, error: "Schema not exportable" },
  TRANSPORT_FAILED: { status: 502, error: "Delivery failed" },
  // a run's timeout never reaches a sender (runs are not awaited by a send): listed so the table stays exhaustive
  HANDLER_TIMEOUT: { status: 504, error: "Handler timed out" },
};

/** The status for `code`; a retryable transport failure is 503 (try again), a final one 502. */
export function statusOf(code: HttpErrorCode, retryable?: boolean): number {
  return code === "TRANSPORT_FAILED" && retryable === true ? 503 : HTTP_ERRORS[code].status;
}
