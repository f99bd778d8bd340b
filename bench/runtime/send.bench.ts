/**
 * The cost of `sendEvent` on the embedded engine against validating the same payload with zod
 * alone: herald adds the name lookup, the envelope (id, timestamp, lineage) and the hand-off to
 * the engine. Target: at most 1.5x a bare `safeParse` with no subscribers. Vitest prints the
 * ratios ("N.NNx faster than") under each group. `npm run bench:runtime`
 */
import { bench, describe } from "vitest";
import { z } from "zod";
import { defineEvents } from "../../src/index.js";

const schemas = {
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "order.placed": z.object({
    orderId: z.string(),
    items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number() })),
    shipTo: z.object({ street: z.string(), city: z.string() }).optional(),
  }),
};
const payloads = {
  "user.created": [{ email: "a@b.co", name: "Ada", userId: "u1" }, { email: "c@d.co", userId: "u2" }],
  "order.placed": [{ orderId: "o1", items: [{ sku: "k1", qty: 1, price: 2 }, { sku: "k2", qty: 3, price: 4 }], shipTo: { street: "s", city: "c" } }],
} as const;

const quiet = defineEvents(schemas);
const busy = defineEvents(schemas);
for (let i = 0; i < 3; i++) for (const name of quiet.names) busy.on(name, () => undefined, { id: `subscriber-${i}` });

for (const name of ["user.created", "order.placed"] as const) {
  const list = payloads[name];
  let i = 0;
  const next = () => list[i++ % list.length]!;
  describe(name, () => {
    bench("bare schema.safeParse", () => {
      if (!schemas[name].safeParse(next()).success) throw new Error("invalid");
    });
    bench("sendEvent, 0 subscribers", async () => {
      await quiet.sendEvent(name, next() as never);
    });
    bench("sendEvent, 3 subscribers", async () => {
      await busy.sendEvent(name, next() as never);
    });
  });
}
