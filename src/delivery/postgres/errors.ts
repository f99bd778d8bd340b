import { TransportError } from "../../core/errors.js";

// SQLSTATE classes worth a retry: 08 connection exception, 53 insufficient resources, 57P
// operator intervention (admin shutdown, crash shutdown, cannot connect now), 40001/40P01
// serialization failure and deadlock; plus Node's socket errors before any SQLSTATE exists
const RETRYABLE_STATE = /^(08|53|57P|40001|40P01)/;
const RETRYABLE_SOCKET = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/** True when `error` from node-postgres means the database is unreachable or busy, so trying again may work. */
export function isRetryableDatabaseError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (RETRYABLE_STATE.test(code) || RETRYABLE_SOCKET.has(code))) return true;
  // pg's own messages for a connection that went away mid-query
  const message = String((error as { message?: unknown }).message ?? "");
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(message);
}

/** A database failure as herald reports it: a TransportError that keeps the cause and says whether to retry. */
export function databaseError(what: string, error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const retryable = isRetryableDatabaseError(error);
  const detail = error instanceof Error ? error.message : String(error);
  const code = typeof (error as { code?: unknown })?.code === "string" ? ` (${(error as { code: string }).code})` : "";
  return new TransportError(`postgres transport: ${what} failed: ${detail}${code}`, { cause: error, retryable });
}
