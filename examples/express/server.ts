/**
 * herald in an Express 5 app: `toNodeHandler` turns the Web handler into a route handler. Mount it
 * before any body parser (or on a router without one): the handler reads the raw body itself, which
 * bearer and HMAC auth both need, and enforces its own size limit.
 * Run: `npx tsx examples/express/server.ts`, then
 *   curl -X POST http://127.0.0.1:3005/events -H "Authorization: Bearer dev-token" \
 *     -H "Content-Type: application/json" -d '{"event":"order.placed","payload":{"orderId":"o1","total":42}}'
 */
import express from "express";
import { defineEvents } from "herald";
import { createEventHandler, toNodeHandler } from "herald/http";
import { z } from "zod";

export const events = defineEvents({
  "order.placed": z.object({ orderId: z.string(), total: z.number().nonnegative() }),
  "order.shipped": z.object({ orderId: z.string(), carrier: z.string() }),
});

events.on("order.placed", function confirmOrder(order) {
  console.log(`order ${order.orderId} placed: ${order.total}`);
});

const handleEvent = createEventHandler(events, { auth: { token: process.env.HERALD_TOKEN ?? "dev-token" } });

export const app = express();
app.post("/events", toNodeHandler(handleEvent));
// the rest of the app may parse JSON as usual: express.json() applies to the routes after it
app.use(express.json());
app.get("/", (_req, res) => {
  res.type("text/plain").send("POST events to /events");
});

const server = app.listen(Number(process.env.PORT ?? 3005), "127.0.0.1", () => {
  const { port } = server.address() as { port: number };
  console.log(`Express + herald on http://127.0.0.1:${port}/events`);
});
