import { IdempotencyConflictError } from "../../core/errors.js";
import { HttpProblemError } from "./respond.js";

/** 10,000, the default {@link EventHandlerOptions.maxRememberedIds}: as many ids as the embedded engine dedupes. */
export const DEFAULT_MAX_REMEMBERED_IDS = 10_000;

/** What a handler remembers of the events it sent with a client-chosen id, to refuse the id's reuse for another event. */
export interface IdempotencyMemory {
  /**
   * Remembers `fingerprint` for `id`, or checks it against the one remembered. Returns a function
   * that forgets the claim, for a send that failed (so a corrected retry is not a conflict).
   * @throws IdempotencyConflictError when `id` was used for another event name, version or payload
   */
  claim(id: string, fingerprint: string): () => void;
}

/**
 * A bounded memory of `id -> fingerprint`: the oldest id is forgotten once `limit` are held, so a
 * flood of fresh ids costs at most `limit` entries (ids are at most 255 characters, fingerprints 44).
 */
export function createIdempotencyMemory(limit: number): IdempotencyMemory {
  const fingerprints = new Map<string, string>();
  // the ids in arrival order, a ring: the oldest is overwritten, as the engine's dedupe set does
  const order: string[] = [];
  let oldest = 0;
  return {
    claim(id, fingerprint) {
      const known = fingerprints.get(id);
      if (known !== undefined) {
        if (known !== fingerprint)
          throw new IdempotencyConflictError(
            id,
            `The id ${JSON.stringify(id)} was already used for another event or payload: use a new id for a new event`,
          );
        return noop;
      }
      if (order.length < limit) order.push(id);
      else {
        fingerprints.delete(order[oldest]!);
        order[oldest] = id;
        oldest = (oldest + 1) % limit;
      }
      fingerprints.set(id, fingerprint);
      // forgets only its own claim; the ring slot stays until overwritten (a missing key deletes nothing)
      return () => {
        if (fingerprints.get(id) === fingerprint) fingerprints.delete(id);
      };
    },
  };
}

const noop = (): void => undefined;
const encoder = new TextEncoder();

/**
 * What makes two sends with one id the same event: the name, the schema version and the payload
 * as JSON (key order counts), hashed with SHA-256 so memory holds 44 characters whatever the size.
 */
export async function fingerprintOf(event: string, version: unknown, payload: unknown): Promise<string> {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch {
    // JSON.stringify recurses: a payload nested some thousands deep overflows the stack (a RangeError, once a 500)
    throw new HttpProblemError("INVALID_BODY", "The payload is nested too deeply");
  }
  const text = `${event}\n${String(version ?? "")}\n${json ?? ""}`;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return btoa(String.fromCharCode(...digest));
}
