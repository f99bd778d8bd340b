/**
 * The servers the HTTP bench compares, in a child process of its own so the load generator does
 * not share their CPU. Prints one JSON line `{ herald, hono, node }` with each port, then serves
 * until killed. All three parse the same JSON body and validate it with the same zod schema.
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { Hono } from "hono";
import { z } from "zod";
import { defineEvents, type Transport } from "../../src/index.js";
import { createEventHandler, toNodeHandler } from "../../src/http.js";

export const schema = z.object({ email: z.email(), name: z.string().optional(), userId: z.string() });

// receipts only: the bench measures the HTTP edge, not a queue behind it
const nullTransport: Transport = {
  name: "null",
  deliver: async (envelopes) =>
    envelopes.map((e) => ({ id: e.id, name: e.name, timestamp: e.timestamp, duplicate: false })),
};
const events = defineEvents({ "user.created": schema }, { transport: nullTransport });
const herald = toNodeHandler(createEventHandler(events, { auth: "none" }));

// the baseline: a bare Hono route doing the same parse-and-validate, on the same node:http adapter
const app = new Hono();
app.post("/trigger", async (c) => {
  let body: { event?: unknown; payload?: unknown };
  try {
    body = await c.req.json();
  } catch {
    return c.json({ error: "Invalid JSON" }, 400);
  }
  const result = schema.safeParse(body.payload);
  if (!result.success) return c.json({ error: "Invalid payload", issues: result.error.issues }, 422);
  return c.json({ success: true, message: `Event ${String(body.event)} sent` });
});
const hono = toNodeHandler(app.fetch);

// no Web Request at all: what the Request/Response conversion costs
const node: RequestListener = (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { event: string; payload: unknown };
    const result = schema.safeParse(body.payload);
    res.writeHead(result.success ? 200 : 422, { "content-type": "application/json" });
    res.end(
      JSON.stringify(
        result.success ? { success: true, message: `Event ${body.event} sent` } : { error: "Invalid payload" },
      ),
    );
  });
};

async function listen(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const ports = { herald: await listen(herald), hono: await listen(hono), node: await listen(node) };
console.log(JSON.stringify(ports));
