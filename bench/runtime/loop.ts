/**
 * `sendEvent` in a plain loop against the same loop of `schema.safeParse`, on the built package
 * (`dist/`, run `npm run build` first): rounds interleave the cases, so load on the machine falls
 * on all of them alike, and the median of the rounds is printed with its ratio to the bare parse.
 * Fewer moving parts than vitest bench (no per-call clock reads or harness awaits).
 *
 *   npm run bench:runtime:loop                # 5 rounds of 100,000 sends per case
 *   npm run bench:runtime:loop -- --rounds 9 --sends 200000
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { defineEvents, type Transport } from "../../dist/index.js";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, sends: { type: "string", default: "100000" } },
});
const rounds = Number(values.rounds);
const sends = Number(values.sends);

const schema = z.object({ email: z.email(), name: z.string().optional(), userId: z.string() });
const payloads = [
  { email: "a@b.co", name: "Ada", userId: "u1" },
  { email: "c@d.co", userId: "u2" },
];
const discard: Transport = {
  name: "discard",
  deliver: (envelopes) =>
    Promise.resolve(envelopes.map(({ id, name, timestamp }) => ({ id, name, timestamp, duplicate: false }))),
};
const bare = defineEvents({ "user.created": schema }, { transport: discard });
const quiet = defineEvents({ "user.created": schema });
const busy = defineEvents({ "user.created": schema });
for (let i = 0; i < 3; i++) busy.on("user.created", () => undefined, { id: `subscriber-${i}` });

const cases: [string, () => Promise<void> | void][] = [
  [
    "bare schema.safeParse",
    () => {
      for (let i = 0; i < sends; i++) if (!schema.safeParse(payloads[i & 1]).success) throw new Error("invalid");
    },
  ],
  [
    "await schema.safeParse",
    async () => {
      for (let i = 0; i < sends; i++)
        if (!(await schema.safeParse(payloads[i & 1])).success) throw new Error("invalid");
    },
  ],
  [
    "sendEvent, transport that keeps nothing",
    async () => {
      for (let i = 0; i < sends; i++) await bare.sendEvent("user.created", payloads[i & 1]!);
    },
  ],
  [
    "sendEvent, embedded, 0 subscribers",
    async () => {
      for (let i = 0; i < sends; i++) await quiet.sendEvent("user.created", payloads[i & 1]!);
    },
  ],
  [
    "sendEvent, embedded, 3 subscribers",
    async () => {
      for (let i = 0; i < sends; i++) await busy.sendEvent("user.created", payloads[i & 1]!);
      await busy.drain();
    },
  ],
];

const times = new Map<string, number[]>(cases.map(([label]) => [label, []]));
for (let round = 0; round <= rounds; round++) {
  for (const [label, run] of cases) {
    const start = performance.now();
    await run();
    // round 0 warms the JIT and fills the engine's history and dedupe window: not counted
    if (round > 0) times.get(label)!.push(((performance.now() - start) * 1000) / sends);
  }
}
const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const floor = median(times.get("bare schema.safeParse")!);
console.log(`${sends.toLocaleString("en")} calls per case, median of ${rounds} rounds, Node ${process.version}`);
console.table(
  Object.fromEntries(
    [...times].map(([label, list]) => [
      label,
      { "µs a call": Number(median(list).toFixed(3)), "/ bare safeParse": `${(median(list) / floor).toFixed(2)}x` },
    ]),
  ),
);
