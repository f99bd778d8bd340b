/**
 * herald on plain node:http, with HMAC signatures: senders sign `${timestamp}.${body}` with a shared
 * secret (`signRequest` does it), and requests older than 5 minutes are refused as replays.
 * Run: `npx tsx examples/node-http/server.ts`, then, in another shell:
 *   npx tsx src/cli.ts send file.uploaded '{"fileId":"f1","filename":"a.png"}' \
 *     --url http://127.0.0.1:3004/webhooks/herald --secret dev-secret
 * With Express: `app.post("/webhooks/herald", toNodeHandler(handler))`, with no express.json() before it.
 */
import { createServer } from "node:http";
import { defineEvents } from "herald";
import { createEventHandler, toNodeHandler } from "herald/http";
import { z } from "zod";

export const events = defineEvents({
  "file.uploaded": z.object({ fileId: z.string(), filename: z.string() }),
  "file.processed": z.object({ fileId: z.string(), processingResult: z.enum(["success", "failure"]) }),
});

events.chain("file.uploaded", "file.processed", (file) => ({ fileId: file.fileId, processingResult: "success" }));
events.on("file.processed", function report(file, ctx) {
  console.log(`${file.fileId}: ${file.processingResult} (caused by ${ctx.event.causationId})`);
});

const handler = createEventHandler(events, {
  auth: { secret: process.env.HERALD_SECRET ?? "dev-secret" },
  allow: ["file.uploaded"],
  maxBodyBytes: 64 * 1024,
});

const listener = toNodeHandler(handler);
const port = Number(process.env.PORT ?? 3004);
const server = createServer((req, res) => {
  if (req.url?.split("?")[0] === "/webhooks/herald") return listener(req, res);
  res.writeHead(404).end();
});
server.listen(port, "127.0.0.1", () => {
  const { port: bound } = server.address() as { port: number };
  console.log(`herald on http://127.0.0.1:${bound}/webhooks/herald`);
});
