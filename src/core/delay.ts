import { InvalidDelayError } from "./errors.js";

/** A delay as parts that add up: `{ hours: 1, minutes: 30 }`. */
export interface DelayObject {
  readonly seconds?: number;
  readonly minutes?: number;
  readonly hours?: number;
  readonly days?: number;
  readonly weeks?: number;
}

type DurationUnit = "ms" | "s" | "m" | "h" | "d" | "w";

/** A duration string: one or more `<number><unit>` parts, units `ms s m h d w` (`"90s"`, `"1h30m"`, `"2d"`). */
export type DurationString = `${number}${DurationUnit}${string}`;

/**
 * How long to wait before delivery: a {@link DelayObject}, a {@link DurationString}, or `0` for
 * now (the one amount that needs no unit).
 */
export type Delay = DelayObject | DurationString | 0;

/** The longest delay herald accepts: 365 days. Longer waits belong in a scheduler, not a queue. */
export const MAX_DELAY_MS = 365 * 24 * 60 * 60 * 1000;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
// a Map, not an object literal: a key from the user's object ("constructor", "__proto__",
// "toString") must find nothing, where a lookup on {} finds Object.prototype's members
const OBJECT_MS: ReadonlyMap<string, number> = new Map([
  ["seconds", UNIT_MS.s!],
  ["minutes", UNIT_MS.m!],
  ["hours", UNIT_MS.h!],
  ["days", UNIT_MS.d!],
  ["weeks", UNIT_MS.w!],
]);
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Turns a delay into milliseconds. `0`, `"0s"` and `{ seconds: 0 }` are 0: now. An object is read
 * by its own enumerable keys only.
 * @throws InvalidDelayError for an unknown unit or key, a number other than 0, a negative or non-finite amount, or more than {@link MAX_DELAY_MS}.
 * @example parseDelay("1h30m") // 5_400_000
 */
export function parseDelay(delay: Delay): number {
  if (delay === 0) return 0;
  const ms = typeof delay === "string" ? parseString(delay) : parseObject(delay);
  if (ms > MAX_DELAY_MS) throw new InvalidDelayError(`Delay ${describe(delay)} is longer than the maximum of 365 days`);
  return ms;
}

function parseString(text: string): number {
  const source = text.trim();
  if (source === "") throw new InvalidDelayError("Delay string is empty");
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < source.length) {
    const start = PART.lastIndex;
    const match = PART.exec(source);
    if (!match) {
      throw new InvalidDelayError(
        `Invalid delay ${JSON.stringify(text)} at ${JSON.stringify(source.slice(start))}: use parts like "90s", "1h30m", "2d" (units ms, s, m, h, d, w)`,
      );
    }
    total += Number(match[1]) * UNIT_MS[match[2]!]!;
  }
  return total;
}

function parseObject(delay: unknown): number {
  if (typeof delay !== "object" || delay === null || Array.isArray(delay)) {
    const hint =
      typeof delay === "number" ? ' (a number other than 0 has no unit: write "90s" or { seconds: 90 })' : "";
    throw new InvalidDelayError(
      `Delay must be an object like { hours: 1 } or a string like "1h", got ${describe(delay)}${hint}`,
    );
  }
  let total = 0;
  // Object.entries reads own enumerable keys only; JSON.parse makes "__proto__" an own key, found here and refused
  for (const [key, amount] of Object.entries(delay)) {
    const unit = OBJECT_MS.get(key);
    if (unit === undefined) {
      throw new InvalidDelayError(
        `Unknown delay unit ${JSON.stringify(key)}: use seconds, minutes, hours, days or weeks`,
      );
    }
    if (amount === undefined) continue;
    if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
      throw new InvalidDelayError(`Delay ${key} must be a finite number of 0 or more, got ${describe(amount)}`);
    }
    total += amount * unit;
  }
  return total;
}

/**
 * Resolves `delay` or `deliverAt` into an absolute time in ms, or `undefined` for "now".
 * A `deliverAt` in the past means "now": clocks drift, and late is better than lost.
 * @throws InvalidDelayError when both are given, or either is malformed.
 */
export function resolveDeliverAt(
  now: number,
  delay: Delay | undefined,
  deliverAt: Date | string | undefined,
): number | undefined {
  if (delay !== undefined && deliverAt !== undefined) {
    throw new InvalidDelayError("Give either delay or deliverAt, not both");
  }
  if (delay !== undefined) {
    const ms = parseDelay(delay);
    return ms === 0 ? undefined : now + ms;
  }
  if (deliverAt === undefined) return undefined;
  const at =
    deliverAt instanceof Date
      ? deliverAt.getTime()
      : typeof deliverAt === "string"
        ? Date.parse(deliverAt)
        : Number.NaN;
  if (!Number.isFinite(at))
    throw new InvalidDelayError(`deliverAt must be a valid Date or ISO date string, got ${describe(deliverAt)}`);
  if (at - now > MAX_DELAY_MS)
    throw new InvalidDelayError(`deliverAt ${new Date(at).toISOString()} is more than 365 days away`);
  return at > now ? at : undefined;
}

function describe(value: unknown): string {
  if (value instanceof Date) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
