import { describeError, isHeraldError, type TransportError } from "../core/errors.js";
import type { RunError } from "./embedded/history.js";

// What every transport that runs subscribers (the embedded engine, herald/postgres's workers)
// decides about a failed attempt: whether to retry it, and what history keeps of the error.

/** Whether a failed attempt may be retried. */
// validation and usage errors fail the same way every time; a timeout or a transport failure may
// pass; anything else may opt out with `retryable: false`. Never throws: a getter or a Proxy that
// throws reads as retryable, like any failure
export function isRetryable(error: unknown): boolean {
  try {
    if (isHeraldError(error))
      return (
        error.code === "HANDLER_TIMEOUT" ||
        (error.code === "TRANSPORT_FAILED" && (error as TransportError).retryable !== false)
      );
    return (error as { retryable?: unknown } | null)?.retryable !== false;
  } catch {
    return true;
  }
}

// history keeps at most this much of an error message: a handler's error is not a place to store data
const MAX_MESSAGE_LENGTH = 1000;

/**
 * What history keeps of anything a handler threw. Never throws: a throw here would leave the run
 * "running" forever (an Error whose `message` getter throws, a Proxy whose traps throw, `null`).
 */
export function toRunError(error: unknown): RunError {
  try {
    if (error instanceof Error) {
      const { name, message } = error;
      const code = (error as { code?: unknown }).code;
      return {
        name: typeof name === "string" ? name.slice(0, 100) : "Error",
        message: (typeof message === "string" ? message : describeError(message)).slice(0, MAX_MESSAGE_LENGTH),
        ...(typeof code === "string" ? { code: code.slice(0, 100) } : {}),
      };
    }
    return { name: "Error", message: describeError(error).slice(0, MAX_MESSAGE_LENGTH) };
  } catch {
    return { name: "Error", message: "the handler threw a value that could not be read" };
  }
}
