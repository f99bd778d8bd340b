// Run by adversarial.test.ts as `node --expose-gc --import tsx heap-probe.ts`: serves the handler
// on 127.0.0.1, sends 10,000 events with fresh 255-character ids, then 10,000 more, and prints the
// heap after a full GC at each step as one JSON line. 200 ids of 100 kB are refused on the way.
import { createEmbeddedEngine, defineEvents } from "../../../src/index.js";
import { createEventHandler, toNodeHandler } from "../../../src/http.js";
import { schemas } from "./helpers.js";
import { listen } from "./server.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

const events = defineEvents(schemas, { transport: createEmbeddedEngine() });
let delivered = 0;
events.on("test.event", () => void delivered++);
const server = await listen(toNodeHandler(createEventHandler(events, { auth: "none" })));

async function round(from: number, count: number): Promise<void> {
  let next = from;
  const worker = async (): Promise<void> => {
    while (next < from + count) {
      const n = next++;
      // 255 characters, the maximum, unique per request
      const id = `${n}-`.padEnd(255, "x");
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ event: "test.event", payload: { message: "m" }, id }),
      });
      if (response.status !== 200) throw new Error(`id ${n}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await events.drain();
}

function heap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

await round(0, 500);
const base = heap();
await round(500, 10_000);
let refused = 0;
for (let i = 0; i < 200; i++) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ event: "test.event", payload: { message: "m" }, id: "y".repeat(100_000) }),
  });
  if (response.status === 400) refused++;
  await response.arrayBuffer();
}
const first = heap();
await round(10_500, 10_000);
const second = heap();
await server.close();
if (delivered !== 20_500) throw new Error(`delivered ${delivered} of 20,500`);
process.stdout.write(`${JSON.stringify({ base, first, second, refused })}\n`);
