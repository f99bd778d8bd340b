/**
 * herald in a Fastify 5 app: the route hands Fastify's raw Node request and response to
 * `toNodeHandler`, inside a plugin whose content-type parser leaves the body unread (the handler
 * reads the raw body itself, which bearer and HMAC auth both need, and enforces its own size limit).
 * The rest of the app keeps Fastify's JSON parsing.
 * Run: `npx tsx examples/fastify/server.ts`, then
 *   curl -X POST http://127.0.0.1:3006/events -H "Authorization: Bearer dev-token" \
 *     -H "Content-Type: application/json" -d '{"event":"order.placed","payload":{"orderId":"o1","total":42}}'
 */
import Fastify from "fastify";
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

const listener = toNodeHandler(
  createEventHandler(events, { auth: { token: process.env.HERALD_TOKEN ?? "dev-token" } }),
);

export const app = Fastify();
await app.register(async function heraldRoutes(scope) {
  // encapsulated: only this plugin's routes skip Fastify's body parsing
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
  scope.post("/events", (request, reply) => {
    reply.hijack(); // herald writes the response on the raw socket; Fastify must not send one too
    listener(request.raw, reply.raw);
  });
});
app.get("/", async () => "POST events to /events");

const address = await app.listen({ port: Number(process.env.PORT ?? 3006), host: "127.0.0.1" });
console.log(`Fastify + herald on ${address}/events`);
