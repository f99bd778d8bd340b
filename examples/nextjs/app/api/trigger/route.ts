/**
 * A Next.js App Router route: POST /api/trigger receives events for the catalog.
 * The handler is Web-standard (Request -> Response), so it is the route's POST export as it is.
 *
 *   curl -X POST http://localhost:3000/api/trigger \
 *     -H "Authorization: Bearer $HERALD_TOKEN" -H "Content-Type: application/json" \
 *     -d '{"event":"test.event","payload":{"message":"This is a test event"}}'
 */
import { createEventHandler } from "herald/http";
import { events } from "../../../events.js";

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} to the token that senders must present`);
  return value;
}

export const POST: (request: Request) => Promise<Response> = createEventHandler(events, {
  auth: { token: requireEnv("HERALD_TOKEN") },
  // this endpoint accepts only what outside systems may send; payment.processed stays internal
  allow: ["user.created", "test.event"],
});
