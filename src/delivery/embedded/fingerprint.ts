import type { Envelope } from "../../core/envelope.js";
import { fnv1a64 } from "../../core/hash.js";

/**
 * What identifies an event's content for an idempotency check: its name and a 64-bit hash of its
 * payload as canonical JSON (object keys sorted, so key order does not matter). A payload JSON
 * cannot express (a cycle, a BigInt) hashes as `?`: then only the name is compared. Kept instead
 * of the payload, so remembering 10,000 ids holds no payloads alive.
 */
export function fingerprintOf(envelope: Envelope): string {
  let json: string;
  try {
    json = JSON.stringify(envelope.payload, sortKeys) ?? "undefined";
  } catch {
    json = "?";
  }
  return `${envelope.name}\0${json === "?" ? "?" : fnv1a64(json)}`;
}

/**
 * Why an event with fingerprint `next` is not the one that first used its id (`first`), or
 * undefined when it may be: the same name, and the same payload where both could be hashed.
 */
export function conflictOf(first: string, next: string): string | undefined {
  if (first === next) return undefined;
  const cut = first.indexOf("\0");
  const name = first.slice(0, cut);
  if (!next.startsWith(`${name}\0`)) return `it was first used by an event named ${name}`;
  if (first.endsWith("\0?") || next.endsWith("\0?")) return undefined;
  return "it was first used with another payload";
}

// a JSON.stringify replacer: plain objects are rewritten with their keys sorted
function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
