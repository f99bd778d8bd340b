/**
 * herald's `sendEvent` on the embedded engine against emittery 2.2.0's `await emit` after
 * `schema.safeParse`, in one run: rounds interleave the cases, and each ratio is printed as the
 * median of the per-round ratios with its spread (lowest–highest). 0 and 1 subscribers, awaited
 * one by one and in batches of 100 (`Promise.all`); handlers counted, herald's through `drain()`.
 * A third herald case sends with caller-chosen ids, which the engine fingerprints for conflicts.
 *
 * emittery 2 declares Node >= 22 and CI installs with --engine-strict, so it is not a
 * devDependency: `npm i --no-save emittery@2.2.0` first (it runs on Node 20).
 *
 *   npx tsx bench/runtime/emittery.ts                       # 7 rounds of 50,000 sends per case
 *   npx tsx bench/runtime/emittery.ts --rounds 9 --sends 100000 --compare /tmp/old/src
 *
 * `--compare` adds the same herald cases from another source tree (an older commit, `git
 * archive`d), measured in the same rounds: before and after in one run. `--clock cpu` times each
 * case by the process's CPU time (`process.cpuUsage()`, user + system, every thread) instead of
 * the wall clock: on a machine shared with other work, time spent waiting for a core is left out.
 */
import { parseArgs } from "node:util";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    sends: { type: "string", default: "50000" },
    compare: { type: "string" },
    clock: { type: "string", default: "wall" },
  },
});
const rounds = Number(values.rounds);
const sends = Number(values.sends);
type DefineEvents = typeof import("../../src/index.js").defineEvents;
const trees: [string, DefineEvents][] = [["herald", (await import("../../src/index.js")).defineEvents]];
if (values.compare !== undefined)
  trees.push([
    "herald (compare)",
    ((await import(`${values.compare}/index.ts`)) as { defineEvents: DefineEvents }).defineEvents,
  ]);
// emittery 2 declares Node >= 22, so it is not a devDependency (CI installs with --engine-strict):
// `npm i --no-save emittery@2.2.0` before running this bench; a variable specifier keeps tsc from resolving it
const EMITTERY = "emittery";
const { default: Emittery } = (await import(EMITTERY)) as { default: new () => EmitterLike };
interface EmitterLike {
  on(name: string, listener: (data: unknown) => unknown): unknown;
  emit(name: string, data: unknown): Promise<void>;
}

const schema = z.object({ email: z.email(), name: z.string().optional(), userId: z.string() });
const payloads = [
  { email: "a@b.co", name: "Ada", userId: "u1" },
  { email: "c@d.co", userId: "u2" },
];
let handled = 0;
const count = (): void => void handled++;
const quietEmitter = new Emittery();
const busyEmitter = new Emittery();
busyEmitter.on("user.created", count);
let nextId = 0;

const emit = async (emitter: EmitterLike, i: number): Promise<void> => {
  const parsed = schema.safeParse(payloads[i & 1]);
  if (!parsed.success) throw new Error("invalid");
  await emitter.emit("user.created", parsed.data);
};
type Case = readonly [label: string, run: () => Promise<void>];
const oneByOne = (label: string, send: (i: number) => Promise<unknown>, after?: () => Promise<void>): Case => [
  label,
  async () => {
    for (let i = 0; i < sends; i++) await send(i);
    await after?.();
  },
];
const batched = (label: string, send: (i: number) => Promise<unknown>, after?: () => Promise<void>): Case => [
  label,
  async () => {
    for (let i = 0; i < sends; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => send(i + k)));
    await after?.();
  },
];

// [herald case, its emittery baseline], for each source tree
const pairs: [Case, Case][] = trees.flatMap(([tree, defineEvents]): [Case, Case][] => {
  const quiet = defineEvents({ "user.created": schema });
  const busy = defineEvents({ "user.created": schema });
  busy.on("user.created", count);
  const drainBusy = () => busy.drain();
  return [
    [
      oneByOne(`${tree}, 0 subscribers`, (i) => quiet.sendEvent("user.created", payloads[i & 1]!)),
      oneByOne("emittery, 0 subscribers", (i) => emit(quietEmitter, i)),
    ],
    [
      oneByOne(`${tree}, 0 subscribers, chosen ids`, (i) =>
        quiet.sendEvent("user.created", payloads[i & 1]!, { id: `k-${nextId++}` }),
      ),
      oneByOne("emittery, 0 subscribers", (i) => emit(quietEmitter, i)),
    ],
    [
      oneByOne(`${tree}, 1 subscriber`, (i) => busy.sendEvent("user.created", payloads[i & 1]!), drainBusy),
      oneByOne("emittery, 1 subscriber", (i) => emit(busyEmitter, i)),
    ],
    [
      batched(`${tree}, 0 subscribers, batches of 100`, (i) => quiet.sendEvent("user.created", payloads[i & 1]!)),
      batched("emittery, 0 subscribers, batches of 100", (i) => emit(quietEmitter, i)),
    ],
    [
      batched(
        `${tree}, 1 subscriber, batches of 100`,
        (i) => busy.sendEvent("user.created", payloads[i & 1]!),
        drainBusy,
      ),
      batched("emittery, 1 subscriber, batches of 100", (i) => emit(busyEmitter, i)),
    ],
  ];
});

const ratios = pairs.map(() => [] as number[]);
const micros = pairs.map(() => [[], []] as [number[], number[]]);
if (values.clock !== "wall" && values.clock !== "cpu") throw new Error("--clock is wall or cpu");
// µs since an arbitrary start: the wall clock, or the CPU time this process used
const clock =
  values.clock === "cpu"
    ? (): number => {
        const { user, system } = process.cpuUsage();
        return user + system;
      }
    : (): number => performance.now() * 1000;
const time = async ([, run]: Case): Promise<number> => {
  const start = clock();
  await run();
  return (clock() - start) / sends;
};
for (let round = 0; round <= rounds; round++) {
  for (const [i, [herald, baseline]] of pairs.entries()) {
    // alternate which side goes first, so neither always runs on a warmer or a fuller heap
    const [a, b] = round % 2 === 0 ? [await time(herald), await time(baseline)] : [0, 0];
    const [d, c] = round % 2 === 1 ? [await time(baseline), await time(herald)] : [0, 0];
    const heraldUs = a || c;
    const baselineUs = b || d;
    // round 0 warms the JIT and fills the engine's history and dedupe window: not counted
    if (round === 0) continue;
    ratios[i]!.push(heraldUs / baselineUs);
    micros[i]![0].push(heraldUs);
    micros[i]![1].push(baselineUs);
  }
}
if (handled === 0) throw new Error("no handler ran");
const median = (list: number[]): number => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)]!;
console.log(
  `${sends.toLocaleString("en")} sends per case, ${rounds} rounds, ${values.clock} clock, Node ${process.version}`,
);
console.table(
  Object.fromEntries(
    pairs.map(([[label], [baseline]], i) => [
      label,
      {
        "herald µs": Number(median(micros[i]![0]).toFixed(3)),
        baseline,
        "baseline µs": Number(median(micros[i]![1]).toFixed(3)),
        ratio: `${median(ratios[i]!).toFixed(2)}x`,
        spread: `${Math.min(...ratios[i]!).toFixed(2)}–${Math.max(...ratios[i]!).toFixed(2)}x`,
      },
    ]),
  ),
);
