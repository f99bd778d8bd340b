/**
 * Soak: about a minute of 50 keep-alive clients posting events to herald's handler through
 * `toNodeHandler` on 127.0.0.1, with the embedded engine and one subscriber. The clients run in
 * their own process (client.ts), so the server's RSS below is the server's alone. Prints, every
 * 5 s, sent / accepted / delivered and the server's RSS and heap (the clients report their counts
 * once a second, so a row's sent and accepted may trail its delivered); at the end, checks that
 * sent = accepted = delivered (exit 1 otherwise). Not run in CI.
 * Run: `npm run bench:soak` (SOAK_SECONDS, default 60; SOAK_CLIENTS, default 50).
 */
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { createEmbeddedEngine, defineEvents } from "../../src/index.js";
import { createEventHandler, toNodeHandler } from "../../src/http.js";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 50);

const events = defineEvents(
  { "order.placed": z.object({ orderId: z.string(), quantity: z.number().int().positive() }) },
  { transport: createEmbeddedEngine() },
);
let delivered = 0;
events.on("order.placed", () => void delivered++);
const server = createServer(
  { keepAliveTimeout: 5_000, headersTimeout: 10_000, requestTimeout: 30_000 },
  toNodeHandler(createEventHandler(events, { auth: { token: "soak-token" } })),
);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const counts = { sent: 0, accepted: 0, refused: 0 };
const child = fork(fileURLToPath(new URL("./client.ts", import.meta.url)), [], {
  execArgv: ["--import", "tsx"],
  env: { ...process.env, SOAK_PORT: String(port), SOAK_SECONDS: String(SECONDS), SOAK_CLIENTS: String(CLIENTS) },
});
child.on("message", (message) => Object.assign(counts, message));

console.log(`soak: ${CLIENTS} keep-alive clients for ${SECONDS} s on 127.0.0.1:${port}`);
console.log("   t      sent  accepted  delivered        rss       heap");
const started = Date.now();
const rssSeen: number[] = [];
const print = (): void => {
  const { rss, heapUsed } = process.memoryUsage();
  rssSeen.push(rss);
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(
    `${t}s ${String(counts.sent).padStart(9)} ${String(counts.accepted).padStart(9)} ${String(delivered).padStart(10)} ${mb(rss).padStart(10)} ${mb(heapUsed).padStart(10)}`,
  );
};
const timer = setInterval(print, 5_000);
const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
clearInterval(timer);
await events.drain();
print();
server.close();
server.closeAllConnections();

const ok = code === 0 && counts.refused === 0 && counts.sent === counts.accepted && counts.accepted === delivered;
console.log(
  `${ok ? "ok" : "MISMATCH"}: sent ${counts.sent}, accepted ${counts.accepted}, delivered ${delivered}, refused ${counts.refused}; ` +
    `${Math.round(counts.sent / SECONDS)} req/s; RSS first ${mb(rssSeen[0] ?? 0)}, peak ${mb(Math.max(...rssSeen))}, last ${mb(rssSeen.at(-1) ?? 0)}`,
);
process.exit(ok ? 0 : 1);
