/**
 * Which engine delivers the app's events, chosen per request from the environment (never at module
 * load, so `next build` needs no secrets):
 * - `HERALD_TRANSPORT=trigger` (the default under `next start`): Trigger.dev, through the SDK, which
 *   reads `TRIGGER_SECRET_KEY` (and `TRIGGER_API_URL` when self-hosted) when it sends.
 * - `HERALD_TRANSPORT=embedded` (the default under `next dev`): herald's in-process engine, so the
 *   same route runs on a laptop with no Trigger.dev account; `events.on(...)` subscribers run here.
 */
import type { AnyCatalog } from "herald";
import { withTrigger } from "herald/trigger";
import { events } from "@/lib/events";

let onTrigger: AnyCatalog | undefined;

/** The catalog bound to the engine the environment names. */
export function deliveringEvents(): typeof events {
  const transport = process.env.HERALD_TRANSPORT ?? (process.env.NODE_ENV === "development" ? "embedded" : "trigger");
  if (transport === "embedded") return events;
  // the dispatcher task (createDispatcher in the Trigger.dev project) fans each event out to its tasks;
  // give `routes` to fan out from here instead: withTrigger(events, { routes: { "user.created": ["send-welcome-email"] } })
  onTrigger ??= withTrigger(events);
  return onTrigger as typeof events;
}
