import { isHeraldError, TransportError, wrapError } from "../../core/errors.js";

interface ApiErrorLike {
  readonly name: string;
  readonly message: string;
  readonly status?: number | undefined;
  readonly headers?: Record<string, string | null | undefined> | undefined;
}

// matched by shape, not instanceof: two installed copies of @trigger.dev/core have two ApiError classes
function findApiError(error: unknown): ApiErrorLike | undefined {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    if ((current as { name?: unknown }).name === "TriggerApiError") return current as ApiErrorLike;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * How long the server asked to wait, in ms: `retry-after` (seconds, or an HTTP date), else
 * Trigger.dev's `x-ratelimit-reset` (epoch ms). Undefined when it sent neither or nonsense.
 */
export function retryAfterOf(
  headers: Record<string, string | null | undefined> | undefined,
  now: number = Date.now(),
): number | undefined {
  const after = headers?.["retry-after"]?.trim();
  if (after) {
    const ms = /^\d+$/.test(after) ? Number(after) * 1000 : Date.parse(after) - now;
    if (Number.isFinite(ms)) return Math.max(0, ms);
  }
  const reset = headers?.["x-ratelimit-reset"]?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) - now);
  return undefined;
}

/** Whether Trigger.dev may accept the same request later: 408, 409, 429 and 5xx, and lost connections. */
function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Turns anything the SDK throws into a {@link TransportError} with `status`, `retryable` and the
 * original as `cause`. A reply with `x-should-retry: false` is never retryable. Errors that are
 * not from the API (no client configured, a bug) are not retryable either.
 */
export function toTransportError(error: unknown, what: string): TransportError {
  if (isHeraldError(error) && error instanceof TransportError) return error;
  const api = findApiError(error);
  if (api) {
    const told = api.headers?.["x-should-retry"];
    const retryable = told === "false" ? false : told === "true" || isRetryableStatus(api.status);
    const { status } = api;
    const note = status === undefined ? "no response" : `HTTP ${status}`;
    const retryAfterMs = retryable ? retryAfterOf(api.headers) : undefined;
    return wrapError(error, { context: `Trigger.dev ${what} failed (${note})`, retryable, status, retryAfterMs });
  }
  // the stream phase of a batch gave up on an unsealed batch: sending again completes it
  const retryable = (error as { name?: unknown } | null)?.name === "BatchNotSealedError";
  return wrapError(error, { context: `Trigger.dev ${what} failed`, retryable });
}
