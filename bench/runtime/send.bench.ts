/**
 * The cost of `sendEvent` against validating the same payload with zod alone, in one run. Each
 * bench call does a batch of sends, so the harness's own per-call cost (two clock reads, and an
 * await for async benches) does not count against either side. The cases, cheapest first:
 * - bare `schema.safeParse`: the floor, synchronous;
 * - `await` of a `safeParse`: what any promise-returning API pays on top of the floor;
 * - `sendEvent` to a transport that keeps nothing: herald's own work (name lookup, options,
 *   envelope with a UUIDv7 id and timestamp, receipt);
 * - `sendEvent` on the embedded engine with 0 and 3 subscribers: plus the engine's dedupe entry
 *   and history record (and, with subscribers, the runs).
 * Vitest prints the ratios ("N.NNx faster than") under each group. `npm run bench:runtime`
 */
import { bench, describe } from "vitest";
import { z } from "zod";
import { defineEvents, type Transport } from "../../src/index.js";

const BATCH = 100;
const schemas = {
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "order.placed": z.object({
    orderId: z.string(),
    items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number() })),
    shipTo: z.object({ street: z.string(), city: z.string() }).optional(),
  }),
};
const payloads = {
  "user.created": [
    { email: "a@b.co", name: "Ada", userId: "u1" },
    { email: "c@d.co", userId: "u2" },
  ],
  "order.placed": [
    {
      orderId: "o1",
      items: [
        { sku: "k1", qty: 1, price: 2 },
        { sku: "k2", qty: 3, price: 4 },
      ],
      shipTo: { street: "s", city: "c" },
    },
  ],
} as const;

// answers every event with a receipt and keeps nothing: what is left is herald's side of a send
const discard: Transport = {
  name: "discard",
  deliver: (envelopes) =>
    Promise.resolve(envelopes.map(({ id, name, timestamp }) => ({ id, name, timestamp, duplicate: false }))),
};
const bare = defineEvents(schemas, { transport: discard });
const quiet = defineEvents(schemas);
const busy = defineEvents(schemas);
for (let i = 0; i < 3; i++) for (const name of quiet.names) busy.on(name, () => undefined, { id: `subscriber-${i}` });

for (const name of ["user.created", "order.placed"] as const) {
  const list = payloads[name];
  const schema = schemas[name];
  const send = (catalog: typeof quiet) => async () => {
    for (let i = 0; i < BATCH; i++) await catalog.sendEvent(name, list[i % list.length] as never);
  };
  describe(`${name} (${BATCH} per call)`, () => {
    bench("bare schema.safeParse", () => {
      for (let i = 0; i < BATCH; i++) if (!schema.safeParse(list[i % list.length]).success) throw new Error("invalid");
    });
    bench("await schema.safeParse", async () => {
      for (let i = 0; i < BATCH; i++)
        if (!(await schema.safeParse(list[i % list.length])).success) throw new Error("invalid");
    });
    bench("sendEvent, transport that keeps nothing", send(bare));
    bench("sendEvent, 0 subscribers", send(quiet));
    bench("sendEvent, 3 subscribers", async () => {
      await send(busy)();
      await busy.drain();
    });
  });
}
