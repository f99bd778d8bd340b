import { HeraldError, type HeraldErrorCode } from "../../core/errors.js";
import { HTTP_ERRORS, statusOf } from "./status.js";

/** The body of every error response: a title, a stable code, a message for people, and facts as data. Never a stack. */
export interface ErrorBody {
  readonly success: false;
  /** A short title for the code, e.g. `"Missing required fields"`. */
  readonly error: string;
  readonly code: HeraldErrorCode;
  readonly message: string;
  /** On `TRANSPORT_FAILED`: whether sending the same request again may succeed. */
  readonly retryable?: boolean;
  /** On `VALIDATION_FAILED`: the event whose schema refused the payload. */
  readonly event?: string;
  /** On `VALIDATION_FAILED`: each failing path and its message. */
  readonly issues?: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
  /** On `MISSING_FIELDS`: the fields that were missing. */
  readonly missing?: readonly string[];
  /** For a CloudEvents batch: the position (from 0) of the event that was refused. Nothing in the batch was sent. */
  readonly index?: number;
}

/**
 * A request the edge refuses, as a {@link HeraldError} with the facts its body shows (`details`)
 * and the headers its response needs (`allow`, `retry-after`, `connection`). Thrown inside the
 * handler (and herald dev's), turned into the one problem shape, {@link ErrorBody}, at its end.
 */
export class HttpProblemError extends HeraldError {
  readonly details: Partial<Omit<ErrorBody, "success" | "error" | "code" | "message">>;
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    code: HeraldErrorCode,
    message: string,
    details: HttpProblemError["details"] = {},
    headers: Record<string, string> = {},
  ) {
    super(code, message);
    this.name = "HttpProblemError";
    this.details = details;
    this.headers = headers;
  }

  /**
   * The same problem for one event of a CloudEvents batch: code, details and headers kept, the
   * message prefixed with `Batch event <index>: `, and `index` (from 0) added. Nothing in the batch was sent.
   */
  forBatchMember(index: number): HttpProblemError {
    return new HttpProblemError(
      this.code,
      `Batch event ${index}: ${this.message}`,
      { ...this.details, index },
      { ...this.headers },
    );
  }
}

/** Turns anything a send throws into the problem the client sees (the handler's, which also reports what it hides). */
export type ToProblem = (error: unknown) => HttpProblemError;

// shared by every reply without headers of its own, so most replies copy nothing; frozen, as they share it
const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
});

/** A response as data: what {@link toResponse} builds a `Response` from, and what `toNodeHandler` writes directly. */
export interface Reply {
  readonly status: number;
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, JSON. */
  readonly text: string;
}

/** A JSON reply that no cache keeps. */
export function jsonReply(status: number, body: unknown, headers?: Record<string, string>): Reply {
  const all =
    headers === undefined || Object.keys(headers).length === 0 ? JSON_HEADERS : { ...JSON_HEADERS, ...headers };
  return { status, headers: all, text: JSON.stringify(body) };
}

/** The reply for a problem: status from the code table, body as {@link ErrorBody}. */
export function problemReply(problem: HttpProblemError): Reply {
  const body: ErrorBody = {
    success: false,
    error: HTTP_ERRORS[problem.code].error,
    code: problem.code,
    message: problem.message,
    ...problem.details,
  };
  return jsonReply(statusOf(problem.code, problem.details.retryable), body, problem.headers);
}

/** The `Response` for a reply. */
export function toResponse(reply: Reply): Response {
  return new Response(reply.text, { status: reply.status, headers: reply.headers });
}

/** A JSON response that no cache keeps. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return toResponse(jsonReply(status, body, headers));
}

/** The response for a problem: status from the code table, body as {@link ErrorBody}. */
export function problemResponse(problem: HttpProblemError): Response {
  return toResponse(problemReply(problem));
}
