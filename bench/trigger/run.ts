/**
 * HTTP requests per sendEvent (sender and, for the dispatcher, worker) for 1, 5 and 20
 * subscribers, and time per send against the loopback fake Trigger.dev, next to a raw
 * `tasks.trigger` of the same payload. Run: `npm run bench:trigger`.
 */
import { resourceCatalog } from "@trigger.dev/core/v3";
import { runInMockTaskContext } from "@trigger.dev/core/v3/test";
import { StandardResourceCatalog } from "@trigger.dev/core/v3/workers";
import { configure, tasks } from "@trigger.dev/sdk";
import { z } from "zod";
import { defineEvents } from "../../src/index.js";
import { createDispatcher, eventTask, triggerTransport } from "../../src/trigger.js";
import { startFakeTrigger } from "../../tests/helpers/trigger-server.js";

const SENDS = Number(process.env.SENDS ?? 300);
const WARMUP = 30;
const payload = { orderId: "ord_123", customerId: "cus_456", total: 129.9, items: [{ sku: "a", qty: 2 }] };
const schemas = {
  "order.placed": z.object({
    orderId: z.string(),
    customerId: z.string(),
    total: z.number(),
    items: z.array(z.object({ sku: z.string(), qty: z.number() })),
  }),
};

const server = await startFakeTrigger();
configure({ baseURL: server.url, accessToken: "tr_dev_testkey123" });
resourceCatalog.setGlobalResourceCatalog(new StandardResourceCatalog());
resourceCatalog.setCurrentFileContext("bench/trigger.ts", "bench");

async function measure(send: (i: number) => Promise<unknown>): Promise<{ requests: number; ms: number }> {
  for (let i = 0; i < WARMUP; i++) await send(-i - 1);
  server.requests.length = 0;
  const start = performance.now();
  for (let i = 0; i < SENDS; i++) await send(i);
  return { requests: server.requests.length / SENDS, ms: (performance.now() - start) / SENDS };
}

let round = 0;
const raw = await measure(() => tasks.trigger("raw-task", payload));
const rows: string[][] = [
  ["path", "subscribers", "requests/send (sender)", "requests/event (worker)", "ms/send", "× raw"],
];
const row = (path: string, n: number, sender: number, worker: string, ms: number) =>
  rows.push([path, String(n), sender.toFixed(2), worker, ms.toFixed(3), (ms / raw.ms).toFixed(2)]);
row("raw tasks.trigger", 1, raw.requests, "-", raw.ms);

for (const n of [1, 5, 20]) {
  const ids = Array.from({ length: n }, (_, i) => `sub-${n}-${i}`);
  const tag = `r${++round}`;
  const routed = defineEvents(schemas, { transport: triggerTransport({ routes: { "order.placed": ids } }) });
  const direct = await measure((i) => routed.sendEvent("order.placed", payload, { id: `${tag}-${i}` }));
  row("routes", n, direct.requests, "0", direct.ms);

  const viaDispatcher = defineEvents(schemas, { transport: triggerTransport({ dispatcher: `dispatch-${n}` }) });
  const subscribers = ids.map((id) => eventTask(viaDispatcher, "order.placed", { id, run: async () => undefined }));
  createDispatcher(viaDispatcher, subscribers, { id: `dispatch-${n}` });
  const sent = await measure((i) => viaDispatcher.sendEvent("order.placed", payload, { id: `d${tag}-${i}` }));
  // the worker's side: run the dispatcher on what it received, as Trigger.dev would
  const dispatched = server.runs.filter((r) => r.taskId === `dispatch-${n}`).slice(-SENDS);
  const task = resourceCatalog.getTask(`dispatch-${n}`)!;
  server.requests.length = 0;
  await runInMockTaskContext(async ({ ctx }) => {
    for (const run of dispatched) await task.fns.run(run.payload, { ctx, signal: new AbortController().signal });
  });
  row("dispatcher", n, sent.requests, (server.requests.length / dispatched.length).toFixed(2), sent.ms);
}

const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
console.log(`\n${SENDS} sequential sends per row against 127.0.0.1; invalid bodies: ${server.invalid.length}`);
await server.close();
