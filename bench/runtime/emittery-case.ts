/**
 * One case of bench/runtime/emittery.ts, in a process of its own: warms up, times `--sends` sends,
 * and prints one JSON line `{ "us": <µs a send>, "handled": <handler calls> }`. The parent spawns
 * one of these per case per round, so no case runs on a heap, a JIT state or a GC debt another
 * case left behind. The parent runs it bundled by esbuild under plain `node`, with herald built
 * from a source tree as tsup builds `dist/` (`--herald <built index.js>`): not through tsx, whose
 * `keepNames` wraps every closure herald makes per send in a `__name()` call that users never run.
 *
 * Cases: `emittery-0`, `emittery-1` (`await emit` after `safeParse`, 0 or 1 listener), `herald-0`,
 * `herald-1` (`await sendEvent` on the embedded engine, handlers counted through `drain()`),
 * `herald-id` (0 subscribers, a caller-chosen id per send: the idempotency fingerprint); each with
 * `-batch` (batches of 100 under `Promise.all`). Bounded: `--sends` and `--warmup` are counts, and
 * `--max-seconds` stops a case that runs longer (exit code 2).
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    case: { type: "string" },
    herald: { type: "string", default: "dist/index.js" },
    sends: { type: "string", default: "300000" },
    warmup: { type: "string", default: "100000" },
    clock: { type: "string", default: "cpu" },
    "max-seconds": { type: "string", default: "120" },
  },
});
const sends = Number(values.sends);
const warmup = Number(values.warmup);
const name = values.case ?? "";
const match = /^(herald|emittery)-(0|1|id)(-batch)?$/.exec(name);
if (match === null || (match[1] === "emittery" && match[2] === "id"))
  throw new Error(`--case: herald-0|1|id or emittery-0|1, optionally with -batch; got ${JSON.stringify(name)}`);
if (values.clock !== "cpu" && values.clock !== "wall") throw new Error("--clock is cpu or wall");
if (!(sends > 0 && sends <= 10_000_000 && warmup >= 0 && warmup <= 10_000_000)) throw new Error("--sends, --warmup");
const [, side, subscribers, batch] = match;
if (batch !== undefined && (sends % 100 !== 0 || warmup % 100 !== 0))
  throw new Error("--sends and --warmup are multiples of 100 in batches");

// the process would otherwise run on: a case stuck in a loop or a never-settling drain stops here
const deadline = setTimeout(
  () => {
    console.error(`${name}: still running after ${values["max-seconds"]} s`);
    process.exit(2);
  },
  Number(values["max-seconds"]) * 1000,
);

const schema = z.object({ email: z.email(), name: z.string().optional(), userId: z.string() });
const payloads = [
  { email: "a@b.co", name: "Ada", userId: "u1" },
  { email: "c@d.co", userId: "u2" },
];
let handled = 0;
const count = (): void => void handled++;

let send: (i: number) => Promise<unknown>;
let after: () => Promise<void> = () => Promise.resolve();
if (side === "emittery") {
  // emittery 2 declares Node >= 22, so it is not a devDependency (CI installs with --engine-strict):
  // `npm i --no-save emittery@2.2.0` first; a variable specifier keeps tsc from resolving it
  const EMITTERY = "emittery";
  const { default: Emittery } = (await import(EMITTERY)) as {
    default: new () => {
      on(name: string, listener: (data: unknown) => unknown): unknown;
      emit(name: string, data: unknown): Promise<void>;
    };
  };
  const emitter = new Emittery();
  if (subscribers === "1") emitter.on("user.created", count);
  send = async (i) => {
    const parsed = schema.safeParse(payloads[i & 1]);
    if (!parsed.success) throw new Error("invalid");
    await emitter.emit("user.created", parsed.data);
  };
} else {
  const { defineEvents } = (await import(pathToFileURL(resolve(values.herald)).href)) as {
    defineEvents: typeof import("../../src/index.js").defineEvents;
  };
  const events = defineEvents({ "user.created": schema });
  if (subscribers === "1") events.on("user.created", count);
  after = () => events.drain();
  let nextId = 0;
  send =
    subscribers === "id"
      ? (i) => events.sendEvent("user.created", payloads[i & 1]!, { id: `k-${nextId++}` })
      : (i) => events.sendEvent("user.created", payloads[i & 1]!);
}

const loop = async (n: number): Promise<void> => {
  if (batch === undefined) for (let i = 0; i < n; i++) await send(i);
  else
    for (let i = 0; i < n; i += 100) {
      const sent: Promise<unknown>[] = [];
      for (let k = 0; k < 100; k++) sent.push(send(i + k));
      await Promise.all(sent);
    }
  await after();
};
// µs since an arbitrary start: the CPU time this process used (user + system, every thread, so
// the collector's helper threads count), or the wall clock
const clock =
  values.clock === "cpu"
    ? (): number => {
        const { user, system } = process.cpuUsage();
        return user + system;
      }
    : (): number => performance.now() * 1000;

// warm-up: the JIT settles, and herald's history (1,000) and dedupe window (10,000) fill, so the
// timed sends pay for evicting as a long-running app does
await loop(warmup);
const start = clock();
await loop(sends);
const us = (clock() - start) / sends;
clearTimeout(deadline);
const expected = subscribers === "1" ? warmup + sends : 0;
if (handled !== expected) throw new Error(`${name}: ${handled} handler calls, expected ${expected}`);
console.log(JSON.stringify({ us, handled }));
