/**
 * The editor benchmark: a LanguageService (TypeScript 5.9) over generated catalogs, herald next to
 * the floor in the same run. Each request follows an edit; rounds interleave floor and herald so
 * both see the same machine load; figures are medians. Results also go to .tmp/bench/editor.json.
 *
 *   npm run bench:editor                          # N = 1,000 and 5,000, 5 rounds
 *   npm run bench:editor -- --n 1000 --rounds 9
 *   npm run bench:editor -- --n 1000 --compare .tmp/before/src   # also an older src/ tree, same rounds
 *
 * `--compare <dir>` adds herald built from another source tree (`git archive <commit> src | tar -x
 * -C .tmp/before`), measured in the same interleaved rounds, and the editor's three hovers.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { emitDeclarations, root } from "./compile.js";
import { completionNames, createEditor, diagnosticTexts, type Editor, type Sample } from "./editor.js";
import { eventName, eventShape, eventsFile, schemasFile } from "./generate.js";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "1000,5000" },
    rounds: { type: "string", default: "5" },
    compare: { type: "string" },
  },
});
const sizes = values.n.split(",").map(Number);
const rounds = Number(values.rounds);

const first = JSON.stringify(eventName(0));
const payload = eventShape(0)[1];
const floorHead = `import type { z } from "zod";\nimport { schemas } from "./schemas.js";\n`;
const heraldHead = `import { events } from "./events.js";\n`;

/** A request made in the floor's file and in herald's: [label, floor text, herald text, request]. */
type Scenario = readonly [
  label: string,
  floor: string,
  herald: string,
  request: (editor: Editor, position: number) => unknown,
];
const names = (editor: Editor, position: number): unknown => completionNames(editor, position).length;
const properties = (editor: Editor, position: number): unknown =>
  editor.service.getCompletionsAtPosition(editor.main, position, {})?.entries.length;
const diagnostics = (editor: Editor): unknown => diagnosticTexts(editor).length;
const scenarios: readonly Scenario[] = [
  [
    "name completion",
    `${floorHead}export const name: keyof typeof schemas = "/*|*/";`,
    `${heraldHead}export const go = () => events.sendEvent("/*|*/");`,
    names,
  ],
  [
    "name completion, payload written",
    `${floorHead}export const name: keyof typeof schemas = "/*|*/";`,
    `${heraldHead}export const go = () => events.sendEvent("/*|*/", ${payload});`,
    names,
  ],
  [
    "payload property completion",
    `${floorHead}export const p: z.input<(typeof schemas)[${first}]> = { /*|*/ };`,
    `${heraldHead}export const go = () => events.sendEvent(${first}, { /*|*/ });`,
    properties,
  ],
  [
    "diagnostics after an edit",
    `${floorHead}export const p: z.input<(typeof schemas)[${first}]> = ${payload};`,
    `${heraldHead}export const go = () => events.sendEvent(${first}, ${payload});`,
    diagnostics,
  ],
  [
    "diagnostics, misspelt name",
    `${floorHead}export const name: keyof typeof schemas = "svc0.event_x";`,
    `${heraldHead}export const go = () => events.sendEvent("svc0.event_x", ${payload});`,
    diagnostics,
  ],
];

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const heraldTypes = await emitDeclarations(join(root, ".tmp/bench/editor/herald"));
const beforeTypes = values.compare
  ? await emitDeclarations(join(root, ".tmp/bench/editor/before"), resolve(values.compare))
  : undefined;
const hover = (editor: Editor, position: number): unknown =>
  editor.service.getQuickInfoAtPosition(editor.main, position)?.displayParts?.length;
// hovers exist only in herald's files: measured for herald and the compared tree
const hovers: readonly Scenario[] = [
  ["hover events", "", `${heraldHead}export const e = /*|*/events;`, hover],
  ["hover sendEvent", "", `${heraldHead}const { /*|*/sendEvent } = events;\nexport { sendEvent };`, hover],
  ["hover ctx", "", `${heraldHead}events.on(${first}, (payload, /*|*/ctx) => { void payload; void ctx; });`, hover],
];
const report: Record<string, unknown>[] = [];

for (const n of sizes) {
  const floor = createEditor({ "schemas.ts": schemasFile(n) }, heraldTypes);
  const herald = createEditor({ "schemas.ts": schemasFile(n), "events.ts": eventsFile(n, "registry") }, heraldTypes);
  const inline = createEditor({ "events.ts": eventsFile(n, "inline") }, heraldTypes);
  const before =
    beforeTypes && createEditor({ "schemas.ts": schemasFile(n), "events.ts": eventsFile(n, "registry") }, beforeTypes);
  const rows: Record<string, Record<string, string | number>> = {};
  for (const [label, floorText, heraldText, request] of before ? [...scenarios, ...hovers] : scenarios) {
    const samples: Record<"floor" | "herald" | "inline" | "before", Sample[]> = {
      floor: [],
      herald: [],
      inline: [],
      before: [],
    };
    // round 0 warms each service up (lib files, zod's declarations) and is not counted
    for (let round = 0; round <= rounds; round++) {
      const take = (editor: Editor, text: string, into: Sample[]): void => {
        const sample = editor.measure(text, (position) => request(editor, position));
        if (round > 0) into.push(sample);
      };
      // alternate which herald goes first, so neither always follows the floor
      const heralds: [Editor, Sample[]][] = [[herald, samples.herald]];
      if (before) heralds[round % 2 ? "push" : "unshift"]([before, samples.before]);
      if (floorText) take(floor, floorText, samples.floor);
      for (const [editor, into] of heralds) take(editor, heraldText, into);
      if (label === "name completion") take(inline, heraldText, samples.inline);
    }
    const ms = (list: Sample[]) => median(list.map((s) => s.ms));
    const inst = (list: Sample[]) => median(list.map((s) => s.instantiations));
    rows[label] = {
      ...(floorText ? { "floor ms": Math.round(ms(samples.floor)) } : {}),
      "herald ms": Math.round(ms(samples.herald)),
      ...(floorText ? { "herald / floor": `${(ms(samples.herald) / ms(samples.floor)).toFixed(2)}x` } : {}),
      ...(floorText ? { "floor inst": inst(samples.floor) } : {}),
      "herald inst": inst(samples.herald),
      ...(samples.before.length
        ? {
            "before ms": Math.round(ms(samples.before)),
            "herald / before": `${(ms(samples.herald) / ms(samples.before)).toFixed(2)}x`,
            "before inst": inst(samples.before),
          }
        : {}),
      ...(samples.inline.length
        ? { "inline ms": Math.round(ms(samples.inline)), "inline inst": inst(samples.inline) }
        : {}),
    };
    report.push({ n, scenario: label, ...rows[label] });
  }
  console.log(
    `\nN = ${n.toLocaleString("en")}, TypeScript 5.9 LanguageService, median of ${rounds} (registry unless "inline")`,
  );
  console.table(rows);
}

const at = (n: number, scenario: string) =>
  report.find((r) => r.n === n && r.scenario === scenario)?.["herald ms"] as number | undefined;
for (const scenario of ["name completion", "name completion, payload written"]) {
  const [small, large] = [at(1000, scenario), at(5000, scenario)];
  if (small && large)
    console.log(`${scenario}: N = 5,000 takes ${(large / small).toFixed(2)}x the N = 1,000 figure (target <= 6x)`);
}
mkdirSync(join(root, ".tmp/bench"), { recursive: true });
writeFileSync(
  join(root, ".tmp/bench/editor.json"),
  JSON.stringify({ date: new Date().toISOString(), rounds, report }, null, 2),
);
