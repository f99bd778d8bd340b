import type { Envelope } from "../core/envelope.js";
import type { DeliverOptions, Receipt } from "./transport.js";

/**
 * The key of a transport's synchronous delivery of one envelope: herald's own transports that
 * accept in memory (the embedded engine) offer it beside `deliver`, and the catalog calls it for a
 * single send. Internal: a symbol, so no public type shows it, and a transport without it is
 * reached through `deliver` as before.
 */
export const ACCEPT_NOW: unique symbol = Symbol("herald.acceptNow") as never;

/**
 * A transport that can accept one envelope at once: what `deliver([envelope], options)` would
 * resolve to, without the arrays and promises around it, or undefined when it cannot at once
 * (the embedded engine before its conflict check has loaded): then the caller uses `deliver`.
 * `fresh` says the catalog generated the envelope's id for it just now (no chosen id, no derived
 * child id), so no event can have it yet.
 * @throws what `deliver` would reject with
 */
export interface AcceptsNow {
  [ACCEPT_NOW](envelope: Envelope, options: DeliverOptions | undefined, fresh: boolean): Receipt | undefined;
}
