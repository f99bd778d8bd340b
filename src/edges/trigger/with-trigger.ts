import type { AnyCatalog, EventName } from "../../catalog/types.js";
import { triggerTransport, type TriggerTransportOptions } from "../../delivery/trigger/transport.js";

/**
 * The same catalog, delivering through Trigger.dev. The keys of `routes` are checked against the
 * catalog's event names.
 * @throws InvalidOptionsError for malformed routes or limits
 * @example
 * export const events = withTrigger(defineEvents(schemas), {
 *   routes: { "user.created": ["send-welcome-email", "sync-crm"] },
 * });
 * @see docs/trigger.md#1-bind-the-catalog-to-triggerdev
 */
export function withTrigger<TCatalog extends AnyCatalog>(
  events: TCatalog,
  options: TriggerTransportOptions<EventName<TCatalog>> = {},
): TCatalog {
  return events.withTransport(triggerTransport(options)) as TCatalog;
}
