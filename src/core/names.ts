import { InvalidEventNameError } from "./errors.js";

type Lower =
  | "a"
  | "b"
  | "c"
  | "d"
  | "e"
  | "f"
  | "g"
  | "h"
  | "i"
  | "j"
  | "k"
  | "l"
  | "m"
  | "n"
  | "o"
  | "p"
  | "q"
  | "r"
  | "s"
  | "t"
  | "u"
  | "v"
  | "w"
  | "x"
  | "y"
  | "z";
type Digit = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9";
type Upper = Uppercase<Lower>;
// printable ASCII that may not appear in a name; non-ASCII letters are left to the run-time check
type BadChar =
  | Upper
  | "\n"
  | "\r"
  | "\t"
  | " "
  | "!"
  | '"'
  | "#"
  | "$"
  | "%"
  | "&"
  | "'"
  | "("
  | ")"
  | "*"
  | "+"
  | ","
  | "-"
  | "/"
  | ":"
  | ";"
  | "<"
  | "="
  | ">"
  | "?"
  | "@"
  | "["
  | "\\"
  | "]"
  | "^"
  | "`"
  | "{"
  | "|"
  | "}"
  | "~";
type BadStart = Digit | "_" | ".";

// Names are checked against precomputed "bad" patterns, never char by char and never with
// `Lowercase<K>` or a `${Lower}...` head: those cost 30-60 instantiations per name (measured at
// 1,000 names), these about 5. Patterns stay in aliases: inline, they are re-instantiated per name.
/** A name matching this breaks a rule: a bad character, a segment starting badly or empty, a trailing dot. */
export type BadEventName = `${string}${BadChar | `.${BadStart}`}${string}` | `${BadStart}${string}` | `${string}.`;
/** Two segments at least. */
export type DottedName = `${string}.${string}`;

/**
 * `true` when `TName` follows the naming rules: two or more dot-separated segments, each a
 * lowercase letter then lowercase letters, digits or `_`. Non-ASCII letters pass here and are
 * caught at run time.
 */
export type IsEventName<TName> = TName extends BadEventName ? false : TName extends DottedName ? true : false;

const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Checks an event name against the naming rules at run time. */
export function isEventName(name: unknown): name is string {
  return typeof name === "string" && EVENT_NAME.test(name);
}

/** Throws {@link InvalidEventNameError}, with the rule it breaks, unless `name` is a valid event name. */
export function assertEventName(name: unknown): asserts name is string {
  if (isEventName(name)) return;
  throw new InvalidEventNameError(String(name), explain(name));
}

function explain(name: unknown): string {
  if (typeof name !== "string") return `expected a string, got ${typeof name}`;
  if (!name.includes(".")) return 'needs at least two dot-separated segments, like "user.created"';
  const segments = name.split(".");
  const empty = segments.findIndex((s) => s === "");
  if (empty !== -1) return "has an empty segment";
  const bad = segments.find((s) => !/^[a-z]/.test(s));
  if (bad !== undefined) return `segment ${JSON.stringify(bad)} must start with a lowercase letter`;
  return 'segments may hold only lowercase letters, digits and "_"';
}
