/**
 * The type-level benchmark: for each catalog size and compiler, type-checks the floor, the direct
 * `z.input` baseline and herald (registry and inline, K = 1 and 50 sends), and prints each figure
 * as a ratio to the floor of the same run, then the cost of one more send against one more
 * direct annotation. Results also go to .tmp/bench/types.json.
 *
 *   npm run bench:types                       # N = 100, 1,000, 5,000 under TypeScript 5.9 and 7.0
 *   npm run bench:types -- --n 1000 --ts 5.9  # one size, one compiler
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { check, type CompilerVersion, type Diagnostics, emitDeclarations, root, writeProject } from "./compile.js";
import type { CatalogMode } from "./generate.js";
import { allVariants, SEND_COUNTS } from "./variants.js";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "100,1000,5000" },
    ts: { type: "string", default: "5.9,7.0" },
    mode: { type: "string", default: "registry,inline" },
  },
});
const sizes = values.n.split(",").map(Number);
const versions = values.ts.split(",") as CompilerVersion[];
const modes = values.mode.split(",") as CatalogMode[];

const work = join(root, ".tmp/bench/types");
rmSync(work, { recursive: true, force: true });
const heraldTypes = await emitDeclarations(join(work, "herald"));

const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}x`;
const results: { n: number; ts: CompilerVersion; label: string; figures: Diagnostics }[] = [];

for (const n of sizes) {
  const variants = allVariants(n, modes);
  for (const [i, variant] of variants.entries())
    writeProject(join(work, `n${n}`, String(i)), variant.files, heraldTypes);
  for (const ts of versions) {
    console.log(`\nN = ${n.toLocaleString("en")}, TypeScript ${ts}`);
    const figures: Diagnostics[] = [];
    for (const [i, variant] of variants.entries()) {
      const result = await check(join(work, `n${n}`, String(i)), ts);
      figures.push(result);
      results.push({ n, ts, label: variant.label, figures: result });
    }
    const floor = figures[0]!;
    console.table(
      Object.fromEntries(
        variants.map((variant, i) => {
          const f = figures[i]!;
          return [
            variant.label,
            {
              instantiations: f.instantiations,
              "inst / floor": ratio(f.instantiations, floor.instantiations),
              types: f.types,
              "types / floor": ratio(f.types, floor.types),
              "check s": f.checkTime,
              "check / floor": ratio(f.checkTime, floor.checkTime),
              "memory MB": Math.round(f.memory / 1024),
              "mem / floor": ratio(f.memory, floor.memory),
            },
          ];
        }),
      ),
    );
    // one more send against one more annotation: (K=50 - K=1) / 49 of each
    const [few, many] = SEND_COUNTS;
    const perSend = (label: string): number => {
      const at = (k: number) => figures[variants.findIndex((v) => v.label === `${label}, K=${k}`)]!.instantiations;
      return (at(many) - at(few)) / (many - few);
    };
    const direct = perSend("direct z.input");
    for (const mode of modes) {
      const herald = perSend(`herald ${mode}`);
      console.log(
        `per send (${mode}): herald ${herald.toFixed(0)} vs direct z.input ${direct.toFixed(0)} instantiations = ${ratio(herald, direct)} (target <= 1.2x)`,
      );
    }
  }
}

mkdirSync(join(root, ".tmp/bench"), { recursive: true });
writeFileSync(
  join(root, ".tmp/bench/types.json"),
  JSON.stringify({ date: new Date().toISOString(), results }, null, 2),
);
