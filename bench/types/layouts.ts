/**
 * Editor latency by catalog layout: where the catalog lives decides what an editor request must
 * infer. A TypeScript 5.9 LanguageService answers name and payload completions right after an edit,
 * at N events, for each layout next to the floor, in interleaved rounds; medians, spread (min-max)
 * and ratios to the floor are printed. The floor is what a payload costs with no catalog at all: a
 * single schema `S` in its own module and `const p: z.input<typeof S> = { | }`.
 *
 *   npm run bench:layouts                      # N = 1,000, 5 rounds
 *   npm run bench:layouts -- --n 200 --rounds 3
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { declareCatalog } from "../../src/edges/cli/catalog-declaration.js";
import { emitDeclarations, root } from "./compile.js";
import { completionNames, createEditor, type Editor } from "./editor.js";
import { eventName, eventShape, eventsFile, schemasFile } from "./generate.js";

const { values } = parseArgs({
  options: { n: { type: "string", default: "1000" }, rounds: { type: "string", default: "5" } },
});
const n = Number(values.n);
const rounds = Number(values.rounds);
const first = JSON.stringify(eventName(0));
const heraldTypes = await emitDeclarations(join(root, ".tmp/bench/layouts/herald"));

// herald types over the inline catalog, as a user runs it (on disk, with a tsconfig that finds herald)
const dir = join(root, ".tmp/bench/layouts/app");
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
writeFileSync(
  join(dir, "tsconfig.json"),
  JSON.stringify({
    compilerOptions: {
      strict: true,
      module: "NodeNext",
      moduleResolution: "NodeNext",
      target: "ES2022",
      skipLibCheck: true,
      types: [],
      paths: { herald: [heraldTypes] },
    },
  }),
);
const inline = eventsFile(n, "inline");
writeFileSync(join(dir, "events.ts"), inline);
const started = performance.now();
const { text: declared } = await declareCatalog({
  file: "events.ts",
  cwd: dir,
  exportName: "events",
  typeName: "Events",
  command: "herald types events.ts",
});
const generateMs = performance.now() - started;
const annotated = inline
  .replace('import { defineEvents } from "herald";', `$&\nimport type { Events } from "./events.types.js";`)
  .replace("export const events = defineEvents(", "export const events: Events = defineEvents(");
// a workspace package's emitted .d.ts: the declared type, with no source behind it
const packageDts = declared.replace("export type Events =", "export declare const events:");

const send = (at: string) => `export const go = () => events.sendEvent(${at});`;
const importEvents = `import { events } from "./events.js";\n`;
/** [layout, files beside main.ts, main.ts text before the request line] */
const layouts: readonly (readonly [string, Record<string, string>, string])[] = [
  ["same file", {}, inline + "\n"],
  ["another module", { "events.ts": inline }, importEvents],
  ["schemas declared first", { "schemas.ts": schemasFile(n), "events.ts": eventsFile(n, "registry") }, importEvents],
  ["workspace package .d.ts", { "events.d.ts": packageDts }, importEvents],
  ["herald types (another module)", { "events.ts": annotated, "events.types.d.ts": declared }, importEvents],
  ["herald types (same file)", { "events.types.d.ts": declared }, annotated + "\n"],
];
const floorFiles = {
  "s.ts": `import { z } from "zod";\nexport const S = ${eventShape(0)[0].replace("address", "z.object({ street: z.string() })")};\n`,
};
const floorNames = `import type { z } from "zod";\nimport { S } from "./s.js";\nexport const x: keyof z.input<typeof S> = "/*|*/";`;
const floorPayload = `import type { z } from "zod";\nimport { S } from "./s.js";\nexport const p: z.input<typeof S> = { /*|*/ };`;

const requests = {
  "name completion": [
    floorNames,
    (head: string) => `${head}${send(`"/*|*/"`)}`,
    (e: Editor, p: number) => completionNames(e, p).length,
  ],
  "payload completion": [
    floorPayload,
    (head: string) => `${head}${send(`${first}, { /*|*/ }`)}`,
    (e: Editor, p: number) => e.service.getCompletionsAtPosition(e.main, p, {})?.entries.length ?? 0,
  ],
} as const;

const median = (list: number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const spread = (list: number[]): string => `${Math.round(Math.min(...list))}-${Math.round(Math.max(...list))}`;
const floor = createEditor(floorFiles, heraldTypes);
const editors = layouts.map(([label, files]) => [label, createEditor(files, heraldTypes)] as const);
const rows: Record<string, Record<string, string | number>> = {};
const report: Record<string, unknown>[] = [];
for (const [request, [floorText, heraldText, ask]] of Object.entries(requests)) {
  const samples = new Map<string, number[]>([
    ["floor", []],
    ...layouts.map(([label]) => [label, []] as [string, number[]]),
  ]);
  // round 0 warms each service up (lib files, zod's declarations) and is not counted
  for (let round = 0; round <= rounds; round++) {
    const floorSample = floor.measure(floorText, (p) => ask(floor, p));
    if (round > 0) samples.get("floor")!.push(floorSample.ms);
    for (const [index, [label, editor]] of editors.entries()) {
      const sample = editor.measure(heraldText(layouts[index]![2]), (p) => ask(editor, p));
      if (round === 0 && !(Number(sample.result) > 0)) throw new Error(`${label}: ${request} offered nothing`);
      if (round > 0) samples.get(label)!.push(sample.ms);
    }
  }
  const base = median(samples.get("floor")!);
  for (const [label, list] of samples) {
    const row = (rows[label] ??= {});
    row[`${request} ms`] = Math.round(median(list));
    row[`${request} spread`] = spread(list);
    row[`${request} / floor`] = `${(median(list) / base).toFixed(2)}x`;
    report.push({ n, layout: label, request, ms: median(list), ratio: median(list) / base });
  }
}
console.log(
  `\nEditor latency by layout, N = ${n.toLocaleString("en")}, TypeScript 5.9 LanguageService, median of ${rounds}`,
);
console.table(rows);
console.log(`herald types took ${Math.round(generateMs)} ms to declare the ${n}-event catalog`);
mkdirSync(join(root, ".tmp/bench"), { recursive: true });
writeFileSync(
  join(root, ".tmp/bench/layouts.json"),
  JSON.stringify({ date: new Date().toISOString(), n, rounds, generateMs, report }, null, 2),
);
