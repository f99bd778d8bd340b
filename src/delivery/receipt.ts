import type { Envelope } from "../core/envelope.js";
import type { Receipt } from "./transport.js";

/**
 * The receipt of `envelope`: its id, name and timestamp, `deliverAt` when it has one, and
 * `duplicate`; `extra` (what a transport adds, like run ids) goes last. Every transport builds
 * its receipts here, so they agree on shape.
 */
export function receiptOf(envelope: Envelope, duplicate: boolean): Receipt;
export function receiptOf<TExtra extends object>(
  envelope: Envelope,
  duplicate: boolean,
  extra: TExtra,
): Receipt & TExtra;
export function receiptOf(envelope: Envelope, duplicate: boolean, extra?: object): Receipt {
  // two literals rather than a spread: this runs on every send
  const receipt: Receipt =
    envelope.deliverAt === undefined
      ? { id: envelope.id, name: envelope.name, timestamp: envelope.timestamp, duplicate }
      : {
          id: envelope.id,
          name: envelope.name,
          timestamp: envelope.timestamp,
          deliverAt: envelope.deliverAt,
          duplicate,
        };
  return extra === undefined ? receipt : { ...receipt, ...extra };
}
