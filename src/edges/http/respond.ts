import { HTTP_ERRORS, type HttpErrorCode, statusOf } from "./status.js";

/** The body of every error response: a title, a stable code, a message for people, and facts as data. Never a stack. */
export interface ErrorBody {
  readonly success: false;
  /** A short title for the code, e.g. `"Missing required fields"`. */
  readonly error: string;
  readonly code: HttpErrorCode;
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

/** A request the edge refuses; thrown inside the handler, turned into a response at its end. */
export class HttpProblem extends Error {
  readonly code: HttpErrorCode;
  readonly details: Partial<Omit<ErrorBody, "success" | "error" | "code" | "message">>;
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    code: HttpErrorCode,
    message: string,
    details: HttpProblem["details"] = {},
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpProblem";
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

// the text of each response jsonResponse made, for toNodeHandler to write without reading the body stream back
const texts = new WeakMap<Response, string>();

/** A JSON response that no cache keeps. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body);
  const response = new Response(text, { status, headers: { ...JSON_HEADERS, ...headers } });
  texts.set(response, text);
  return response;
}

/** The body text of a response made by {@link jsonResponse}; `undefined` for any other response. */
export function responseText(response: Response): string | undefined {
  return texts.get(response);
}

/** The response for a problem: status from the code table, body as {@link ErrorBody}. */
export function problemResponse(problem: HttpProblem): Response {
  const body: ErrorBody = {
    success: false,
    error: HTTP_ERRORS[problem.code].error,
    code: problem.code,
    message: problem.message,
    ...problem.details,
  };
  return jsonResponse(statusOf(problem.code, problem.details.retryable), body, problem.headers);
}
