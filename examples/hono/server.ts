/**
 * herald in a Hono app, served on Node by @hono/node-server: the handler takes `c.req.raw`, the Web
 * Request Hono already holds. Run: `npx tsx examples/hono/server.ts`, then
 *   curl -X POST http://127.0.0.1:3003/events -H "Authorization: Bearer dev-token" \
 *     -H "Content-Type: application/json" -d '{"event":"order.placed","payload":{"orderId":"o1","total":42}}'
 * On Bun, Deno or Cloudflare Workers, `export default app` serves it instead.
 */
import { serve } from "@hono/node-server";
import { defineEvents } from "herald";
import { createEventHandler } from "herald/http";
import { Hono } from "hono";
import { z } from "zod";

export const events = defineEvents({
  "order.placed": z.object({ orderId: z.string(), total: z.number().nonnegative() }),
  "order.shipped": z.object({ orderId: z.string(), carrier: z.string() }),
});

events.on("order.placed", function confirmOrder(order) {
  console.log(`order ${order.orderId} placed: ${order.total}`);
});

const handleEvent = createEventHandler(events, { auth: { token: process.env.HERALD_TOKEN ?? "dev-token" } });

export const app = new Hono();
app.get("/", (c) => c.text("POST events to /events"));
app.post("/events", (c) => handleEvent(c.req.raw));

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3003), hostname: "127.0.0.1" }, ({ port }) =>
  console.log(`Hono + herald on http://127.0.0.1:${port}/events`),
);
