import type { AnyCatalog, EventCatalog } from "../../catalog/types.js";
import type { Envelope } from "../../core/envelope.js";
import type { DeliveryHandler, Transport } from "../../delivery/transport.js";

/** Runs `handler` for one envelope, with the catalog's context (`sendEvent` with lineage, …) plus `extra`. */
export type LineageRunner<TExtra> = (
  envelope: Envelope,
  attempt: number,
  signal: AbortSignal,
  extra: TExtra,
) => Promise<unknown>;

/**
 * Builds the context of a handler the way `events.on` does, for a handler that Trigger.dev calls
 * instead of a transport. It subscribes `handler` through a relay transport that keeps the
 * delivery function and forwards sends to the catalog's own transport, so chained events carry
 * the lineage and derived ids that `on()` gives them. `extra` reaches the handler through a
 * WeakMap keyed by the attempt's abort signal, which the catalog passes on as `ctx.signal` (not
 * by the envelope: `on()` hands the handler a new one when it upcasts an older version).
 */
export function createLineageRunner<TExtra extends object>(
  events: AnyCatalog,
  name: string,
  handler: (payload: unknown, ctx: object) => unknown,
): LineageRunner<TExtra> {
  const extras = new WeakMap<AbortSignal, TExtra>();
  let deliver: DeliveryHandler | undefined;
  const relay: Transport = {
    name: events.transport.name,
    deliver: (envelopes) => events.transport.deliver(envelopes),
    subscribe(_event, subscriber) {
      deliver = subscriber;
      return () => undefined;
    },
  };
  (events as EventCatalog<any>)
    .withTransport(relay)
    .on(name, (payload: unknown, ctx: { signal: AbortSignal }) =>
      handler(payload, { ...ctx, ...extras.get(ctx.signal) }),
    );
  return async (envelope, attempt, signal, extra) => {
    extras.set(signal, extra);
    return deliver!({ envelope, attempt, signal });
  };
}
