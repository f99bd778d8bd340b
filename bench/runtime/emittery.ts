/**
 * herald's `await sendEvent` on the embedded engine against emittery 2.2.0's `await emit` after
 * `schema.safeParse`. Every case runs in a child process of its own, once per round
 * (bench/runtime/emittery-case.ts: warm-up, then the timed sends), and each round spawns the
 * cases one after another in a rotated order, so no case always runs first, last, or after the
 * same neighbour. A herald case's ratio is taken against its emittery baseline from the same
 * round; the median of those per-round ratios is printed with their spread (lowest–highest).
 *
 * Cases: 0 and 1 subscribers awaited one by one and in batches of 100 (`Promise.all`), and 0
 * subscribers with a caller-chosen id per send (the engine fingerprints it to detect a reused id
 * with another payload), against emittery with 0 listeners. Handlers are counted (herald's through
 * `drain()`) and checked.
 *
 * emittery 2 declares Node >= 22 and CI installs with --engine-strict, so it is not a
 * devDependency: `npm i --no-save emittery@2.2.0` first (it runs on Node 20).
 *
 *   npx tsx bench/runtime/emittery.ts --clock cpu                       # 7 rounds of 50,000 sends
 *   npx tsx bench/runtime/emittery.ts --clock cpu --compare /tmp/old/src --cases 0,1
 *
 * Each source tree is first bundled by esbuild as tsup builds `dist/` (ESM, node20, code split,
 * packages external, into .tmp/bench/emittery/), and so is the case script; children run under
 * plain `node`. Not through tsx: its `keepNames` wraps every closure made per send in a
 * `__name()` call (an `Object.defineProperty`), which herald's users never run and emittery (plain
 * JavaScript) never pays. `--compare <src>` adds the same herald cases from another source tree
 * (`git archive <commit> src | tar -x -C DIR`), in the same rounds, with their ratio to the
 * current tree. `--clock cpu`
 * times each case by its process's CPU time (`process.cpuUsage()`, user + system, every thread)
 * instead of the wall clock: on a shared machine, time spent waiting for a core is left out.
 * Bounded: `--rounds` rounds, each child stopped after `--max-seconds`, and no new round started
 * once `--budget-minutes` have passed (the rounds done are reported).
 */
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build } from "esbuild";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "7" },
    sends: { type: "string", default: "300000" },
    warmup: { type: "string", default: "100000" },
    compare: { type: "string" },
    clock: { type: "string", default: "cpu" },
    cases: { type: "string", default: "0,1,0-batch,1-batch,id" },
    "max-seconds": { type: "string", default: "120" },
    "budget-minutes": { type: "string", default: "30" },
  },
});
const rounds = Number(values.rounds);
if (!(rounds >= 1 && rounds <= 101)) throw new Error("--rounds: 1 to 101");
if (values.clock !== "wall" && values.clock !== "cpu") throw new Error("--clock is wall or cpu");
const kinds = values.cases.split(",");
for (const kind of kinds)
  if (!["0", "1", "0-batch", "1-batch", "id"].includes(kind))
    throw new Error(`--cases: a list of 0, 1, 0-batch, 1-batch, id; got ${JSON.stringify(kind)}`);

// a herald case, the source tree it loads, and the emittery case it is compared with
interface HeraldCase {
  readonly label: string;
  readonly child: string;
  readonly src: string;
  readonly baseline: string;
  /** The current tree's label for the same case, for a compare-tree row. */
  readonly current?: string;
}
const baselineOf = (kind: string): string => `emittery-${kind === "id" ? "0" : kind}`;
const describe = (kind: string): string =>
  ({
    "0": "0 subscribers",
    "1": "1 subscriber",
    "0-batch": "0 subscribers, batches of 100",
    "1-batch": "1 subscriber, batches of 100",
    id: "0 subscribers, chosen ids",
  })[kind]!;
const src = fileURLToPath(new URL("../../src", import.meta.url));
const herald: HeraldCase[] = kinds.map((kind) => ({
  label: `herald, ${describe(kind)}`,
  child: `herald-${kind}`,
  src,
  baseline: baselineOf(kind),
}));
if (values.compare !== undefined)
  for (const kind of kinds)
    herald.push({
      label: `compare, ${describe(kind)}`,
      child: `herald-${kind}`,
      src: values.compare,
      baseline: baselineOf(kind),
      current: `herald, ${describe(kind)}`,
    });
const baselines = [...new Set(herald.map((c) => c.baseline))];
// every process of a round: [key, child case, source tree]
const jobs: [string, string, string][] = [
  ...baselines.map((b): [string, string, string] => [b, b, src]),
  ...herald.map((c): [string, string, string] => [c.label, c.child, c.src]),
];

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = resolve(root, ".tmp/bench/emittery");
rmSync(out, { recursive: true, force: true });
// as tsup builds dist/ (tsup.config.ts): no keepNames, no minification; zod and emittery stay
// packages, resolved from the project's node_modules
const bundle = async (entry: string, dir: string): Promise<string> => {
  await build({
    entryPoints: { index: entry },
    outdir: resolve(out, dir),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    logLevel: "error",
  });
  return resolve(out, dir, "index.mjs");
};
const caseFile = await bundle(fileURLToPath(new URL("./emittery-case.ts", import.meta.url)), "case");
// source tree -> its built entry
const built = new Map<string, string>();
for (const tree of new Set([src, ...herald.map((c) => c.src)]))
  built.set(tree, await bundle(resolve(tree, "index.ts"), `herald-${built.size}`));
const runCase = (child: string, tree: string): Promise<number> =>
  new Promise((resolve, reject) => {
    // plain node, no loader: the built case and the built herald, as an app runs them
    const proc = spawn(
      process.execPath,
      [
        caseFile,
        ...["--case", child, "--herald", built.get(tree)!, "--sends", values.sends, "--warmup", values.warmup],
        ...["--clock", values.clock, "--max-seconds", values["max-seconds"]],
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    proc.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${child} (${tree}) exited with ${code}`));
      resolve((JSON.parse(out.trim().split("\n").at(-1)!) as { us: number }).us);
    });
  });

const started = Date.now();
const budgetMs = Number(values["budget-minutes"]) * 60_000;
const loads: number[] = [loadavg()[0]!];
const perRound: Map<string, number>[] = [];
for (let round = 0; round < rounds; round++) {
  if (Date.now() - started > budgetMs) {
    console.error(`budget of ${values["budget-minutes"]} min reached after ${round} rounds`);
    break;
  }
  // rotated: round r starts at job r, so each case takes every position in turn
  const order = jobs.map((_, i) => jobs[(i + round) % jobs.length]!);
  const times = new Map<string, number>();
  for (const [key, child, tree] of order) times.set(key, await runCase(child, tree));
  perRound.push(times);
  loads.push(loadavg()[0]!);
  process.stderr.write(`round ${round + 1}/${rounds} done, load ${loadavg()[0]!.toFixed(1)}\n`);
}

const median = (list: number[]): number => {
  const sorted = [...list].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const spread = (list: number[]): string => `${Math.min(...list).toFixed(2)}–${Math.max(...list).toFixed(2)}x`;
console.log(
  `${Number(values.sends).toLocaleString("en")} sends per case after ${Number(values.warmup).toLocaleString("en")} ` +
    `to warm up, one process per case per round, ${perRound.length} rounds, ${values.clock} clock, Node ${process.version}, ` +
    `load average (1 min) ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
);
console.table(
  Object.fromEntries(
    herald.map((c) => {
      const ratios = perRound.map((t) => t.get(c.label)! / t.get(c.baseline)!);
      const row: Record<string, string | number> = {
        "herald µs": Number(median(perRound.map((t) => t.get(c.label)!)).toFixed(3)),
        baseline: c.baseline,
        "baseline µs": Number(median(perRound.map((t) => t.get(c.baseline)!)).toFixed(3)),
        ratio: `${median(ratios).toFixed(2)}x`,
        spread: spread(ratios),
      };
      if (c.current !== undefined) {
        const versus = perRound.map((t) => t.get(c.current!)! / t.get(c.label)!);
        row["current / compare"] = `${median(versus).toFixed(2)}x (${spread(versus)})`;
      }
      return [c.label, row];
    }),
  ),
);
