/**
 * A Next.js App Router route: POST /api/trigger receives events for the catalog and sends them on,
 * through Trigger.dev in production or the embedded engine in development (see lib/delivery.ts).
 *
 *   curl -X POST http://localhost:3000/api/trigger \
 *     -H "Authorization: Bearer $HERALD_TOKEN" -H "Content-Type: application/json" \
 *     -d '{"event":"test.event","payload":{"message":"This is a test event"}}'
 *
 * Secrets are read when a request arrives, not when the module loads: `next build` imports this
 * file to collect page data, and a CI build has no secrets.
 */
import { createEventHandler } from "herald/http";
import { deliveringEvents } from "@/lib/delivery";

type Handler = (request: Request) => Promise<Response>;
let cached: { token: string; catalog: object; handle: Handler } | undefined;

export async function POST(request: Request): Promise<Response> {
  const token = process.env.HERALD_TOKEN;
  if (!token) {
    // the server's mistake, said plainly and without a stack; senders may retry once it is configured
    return Response.json(
      { success: false, error: "Not configured", code: "NOT_CONFIGURED", message: "HERALD_TOKEN is not set" },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
  const catalog = deliveringEvents();
  if (cached?.token !== token || cached.catalog !== catalog) {
    const handle = createEventHandler(catalog, {
      auth: { token },
      // this endpoint accepts only what outside systems may send; payment.processed stays internal
      allow: ["user.created", "test.event"],
    });
    cached = { token, catalog, handle };
  }
  return cached.handle(request);
}
