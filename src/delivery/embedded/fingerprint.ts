import type { Envelope } from "../../core/envelope.js";
import { IdempotencyConflictError } from "../../core/errors.js";

/**
 * What identifies an event's content for an idempotency check: its name and a 64-bit hash of its
 * payload as canonical JSON, as two 32-bit halves. Numbers rather than a string of hex digits: no
 * strings to build per send, and 10,000 remembered ids hold one small object each.
 */
export interface Fingerprint {
  readonly name: string;
  /** The high and low halves of the hash; undefined for a payload JSON cannot express. */
  readonly high: number | undefined;
  readonly low: number | undefined;
}

/**
 * The fingerprint of an event's content: its name and a 64-bit FNV-1a hash of its payload as
 * canonical JSON (object keys sorted, so key order does not matter). A payload JSON cannot
 * express (a cycle, a BigInt) has no hash: then only the name is compared. Kept instead of the
 * payload, so remembering 10,000 ids holds no payloads alive.
 */
export function fingerprintOf(envelope: Envelope): Fingerprint {
  // a payload's toJSON may itself send with a chosen id: the caller's state is put back after
  const s0 = h0;
  const s1 = h1;
  const s2 = h2;
  const s3 = h3;
  h0 = 0x2325;
  h1 = 0x8422;
  h2 = 0x9ce4;
  h3 = 0xcbf2;
  try {
    if (!write(envelope.payload)) text("undefined");
    return { name: envelope.name, high: h3 * 0x10000 + h2, low: h1 * 0x10000 + h0 };
  } catch {
    return { name: envelope.name, high: undefined, low: undefined };
  } finally {
    h0 = s0;
    h1 = s1;
    h2 = s2;
    h3 = s3;
  }
}

/**
 * Why an event with fingerprint `next` is not the one that first used its id (`first`), or
 * undefined when it may be: the same name, and the same payload where both could be hashed.
 */
export function conflictOf(first: Fingerprint, next: Fingerprint): string | undefined {
  if (first.name !== next.name) return `it was first used by an event named ${first.name}`;
  if (first.high === undefined || next.high === undefined) return undefined;
  if (first.high === next.high && first.low === next.low) return undefined;
  return "it was first used with another payload";
}

/**
 * The engine's conflict check for a batch: the fingerprint of each envelope (all with chosen ids),
 * or IdempotencyConflictError for the first whose id an earlier event (`seen`, or an earlier
 * member of the batch) used with another name or payload, before anything of the batch is accepted.
 * Here rather than in the engine: it runs only once this module has loaded (bench/size: start-up code).
 */
export function conflictCheck(
  envelopes: readonly Envelope[],
  seen: (id: string) => Fingerprint | null | undefined,
): Fingerprint[] {
  const prints: Fingerprint[] = [];
  const batch = new Map<string, Fingerprint>();
  for (const event of envelopes) {
    const print = fingerprintOf(event);
    refuseConflict(event.id, batch.get(event.id) ?? seen(event.id), print);
    if (!batch.has(event.id)) batch.set(event.id, print);
    prints.push(print);
  }
  return prints;
}

/**
 * {@link conflictCheck} for one envelope, without the batch's map and array: `first` is what the
 * engine remembers of its id (see `seen` above).
 */
export function conflictCheckOne(event: Envelope, first: Fingerprint | null | undefined): Fingerprint {
  const print = fingerprintOf(event);
  refuseConflict(event.id, first, print);
  return print;
}

function refuseConflict(id: string, first: Fingerprint | null | undefined, print: Fingerprint): void {
  const conflict = first === undefined || first === null ? undefined : conflictOf(first, print);
  if (conflict !== undefined)
    throw new IdempotencyConflictError(id, `Event id ${JSON.stringify(id)} was reused: ${conflict}`);
}

// The hash is FNV-1a 64 (as core/hash.ts) of the payload's canonical JSON (object keys sorted),
// fed piece by piece as the JSON would be written, so no string of it is ever built: building it
// cost 1.5-2 µs for a three-field payload, half of a send with a chosen id (measured). The state
// is four 16-bit limbs, low first; one fingerprint runs at a time (nothing in it awaits).
let h0 = 0;
let h1 = 0;
let h2 = 0;
let h3 = 0;

function char(code: number): void {
  h0 ^= code;
  // times the prime 2^40 + 0x1b3: each limb times 0x1b3, plus the low limbs shifted up by 40 bits
  const t0 = h0 * 0x1b3;
  const t1 = h1 * 0x1b3 + (t0 >>> 16);
  const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
  const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
  h0 = t0 & 0xffff;
  h1 = t1 & 0xffff;
  h2 = t2 & 0xffff;
  h3 = t3 & 0xffff;
}

function text(value: string): void {
  for (let i = 0; i < value.length; i++) char(value.charCodeAt(i));
}

// a string as JSON.stringify writes it: quoted as is when nothing in it needs escaping (the
// usual case), else JSON.stringify's own escaping
function quoted(value: string): void {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      text(JSON.stringify(value));
      return;
    }
  }
  char(0x22);
  text(value);
  char(0x22);
}

// what JSON.stringify reads in place of `value`: toJSON's result, as often as there is one
function resolved(value: unknown): unknown {
  while (typeof value === "object" && value !== null) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON !== "function") break;
    value = toJSON.call(value);
  }
  return value;
}

// writes `raw` as JSON with sorted keys; false where JSON has no text for it (undefined, a
// function, a symbol). A cycle or a very deep payload overflows the stack, a BigInt throws:
// fingerprintOf catches both.
function write(raw: unknown): boolean {
  return writeResolved(resolved(raw));
}

function writeResolved(value: unknown): boolean {
  switch (typeof value) {
    case "string":
      quoted(value);
      return true;
    case "number":
      text(Number.isFinite(value) ? String(value) : "null");
      return true;
    case "boolean":
      text(value ? "true" : "false");
      return true;
    case "bigint":
      throw new TypeError("BigInt");
    case "object":
      break;
    default:
      return false;
  }
  if (value === null) {
    text("null");
    return true;
  }
  if (Array.isArray(value)) {
    char(0x5b);
    for (let i = 0; i < value.length; i++) {
      if (i > 0) char(0x2c);
      if (!write(value[i])) text("null");
    }
    char(0x5d);
    return true;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  char(0x7b);
  let first = true;
  for (const key of keys) {
    const part = resolved((value as Record<string, unknown>)[key]);
    // a member JSON has no text for is left out, with its key
    if (part === undefined || typeof part === "function" || typeof part === "symbol") continue;
    if (!first) char(0x2c);
    first = false;
    quoted(key);
    char(0x3a);
    writeResolved(part);
  }
  char(0x7d);
  return true;
}
