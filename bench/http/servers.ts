/**
 * One server of the HTTP bench, in a process of its own: `tsx bench/http/servers.ts <variant>`
 * prints `{"port":N}` once listening, then serves until killed. Every variant does the same job:
 * parse `{ event, payload }`, check the name against the catalog, validate the payload with the
 * same zod schema, answer 200 with a receipt `{ success, message, result: { id, name, timestamp } }`.
 * The baselines are written as their users write them; herald runs on its documented entries.
 * Answers an IPC message with `process.cpuUsage()`.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import Fastify from "fastify";
import { Hono } from "hono";
import { z } from "zod";
// the built package, as users run it (npm run bench:http builds first): tsx's transform of the
// sources adds esbuild's __name helper to every closure made per request, 2-3% of herald's samples
import { defineEvents } from "../../dist/index.js";
import { createEventHandler, toNodeHandler } from "../../dist/http.js";

export const TOKEN = "bench-token-0123456789abcdef";
export const SECRET = "bench-secret-0123456789abcdef";

const schemas = {
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "user.deleted": z.object({ userId: z.string() }),
};
type Name = keyof typeof schemas;
const isName = (name: unknown): name is Name => typeof name === "string" && Object.hasOwn(schemas, name);

/** What a hand-written route answers: the same receipt herald's handler gives. */
function receipt(name: string): { success: true; message: string; result: object } {
  return {
    success: true,
    message: `Event ${name} sent`,
    result: { id: randomUUID(), name, timestamp: new Date().toISOString(), duplicate: false },
  };
}

type Listen = () => Promise<number>;

function honoApp(): Hono {
  const app = new Hono();
  app.post("/trigger", async (c) => {
    let body: { event?: unknown; payload?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: "Invalid JSON" }, 400);
    }
    if (!isName(body.event)) return c.json({ error: "Unknown event" }, 404);
    const result = schemas[body.event].safeParse(body.payload);
    if (!result.success) return c.json({ error: "Invalid payload", issues: result.error.issues }, 422);
    return c.json(receipt(body.event));
  });
  return app;
}

function onHonoServer(app: Hono): Listen {
  return () =>
    new Promise((resolve) => {
      serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port));
    });
}

function onNodeServer(listener: Parameters<typeof createServer>[1]): Listen {
  return () =>
    new Promise((resolve) => {
      const server = createServer(listener);
      server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
}

// default engine: no transport option, as the documented entry is used
const events = defineEvents(schemas);

const variants: Record<string, Listen> = {
  hono: onHonoServer(honoApp()),
  fastify: async () => {
    const app = Fastify({ logger: false });
    app.post("/trigger", async (request, reply) => {
      const body = request.body as { event?: unknown; payload?: unknown } | null;
      if (!isName(body?.event)) return reply.code(404).send({ error: "Unknown event" });
      const result = schemas[body.event].safeParse(body.payload);
      if (!result.success) return reply.code(422).send({ error: "Invalid payload", issues: result.error.issues });
      return receipt(body.event);
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    return (app.server.address() as AddressInfo).port;
  },
  herald: onNodeServer(toNodeHandler(createEventHandler(events, { auth: "none" }))),
  "herald-bearer": onNodeServer(toNodeHandler(createEventHandler(events, { auth: { token: TOKEN } }))),
  "herald-hmac": onNodeServer(toNodeHandler(createEventHandler(events, { auth: { secret: SECRET } }))),
  "herald-in-hono": (() => {
    const handler = createEventHandler(events, { auth: "none" });
    const app = new Hono();
    app.post("/trigger", (c) => handler(c.req.raw));
    return onHonoServer(app);
  })(),
};

const variant = process.argv[2] ?? "";
const start = variants[variant];
if (!start) {
  console.error(`unknown variant ${JSON.stringify(variant)}: one of ${Object.keys(variants).join(", ")}`);
  process.exit(2);
}
console.log(JSON.stringify({ port: await start() }));
// the bench asks for this process's CPU time around each round: CPU per request holds steady on a busy machine, req/s does not
process.on("message", () => process.send?.(process.cpuUsage()));
// the bench ends this process with SIGTERM; exit cleanly so --cpu-prof writes its profile
process.on("SIGTERM", () => process.exit(0));
