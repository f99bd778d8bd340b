/**
 * Each entry's size as a user's bundler would ship it (see measure.ts): what loads at start, and
 * what loads on first use through `import()` (the JSON Schema and AsyncAPI exporters, loaded by
 * `toJSONSchema()` / `toAsyncAPI()`). Target: `herald` at start <= 6 kB. Needs `npm run build`
 * first (`npm run bench:size` runs it). Results also go to .tmp/bench/size.json.
 * tests/bench/size.test.ts keeps a budget on the same figure.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { external, measureEntry, root, type SizeSource } from "./measure.js";

const entries = {
  herald: "index",
  "herald/testing": "testing",
  "herald/http": "http",
  "herald/trigger": "trigger",
  "herald/cloudevents": "cloudevents",
} as const;
const TARGET_KB = 6;
const outdir = join(root, ".tmp/bench/size-out");
const kB = (bytes: number): string => (bytes / 1024).toFixed(2);

// the whole entry (every export), and the import most apps make: `defineEvents` alone, tree-shaken
const index = join(root, "dist/index.js");
const sources: Record<string, SizeSource> = {
  ...Object.fromEntries(
    Object.entries(entries).map(([subpath, file]) => [subpath, { file: join(root, "dist", `${file}.js`) }]),
  ),
  "herald, only `import { defineEvents }`": {
    stdin: `import { defineEvents } from ${JSON.stringify(index)}; export { defineEvents };`,
  },
};

const rows: Record<
  string,
  { "at start, min B": number; "at start, min+gzip kB": string; "on first use, min+gzip kB": string }
> = {};
for (const [subpath, source] of Object.entries(sources)) {
  if ("file" in source && !existsSync(source.file))
    throw new Error(`${source.file} is missing: run \`npm run build\` first`);
  const size = await measureEntry(source, outdir);
  rows[subpath] = {
    "at start, min B": size.atStartBytes,
    "at start, min+gzip kB": kB(size.atStartGzip),
    "on first use, min+gzip kB": size.laterGzip === 0 ? "-" : kB(size.laterGzip),
  };
}
console.table(rows);
const main = Number(rows.herald!["at start, min+gzip kB"]);
console.log(
  `herald at start: ${main.toFixed(2)} kB min+gzip (target <= ${TARGET_KB} kB): ${main <= TARGET_KB ? "ok" : "over"}`,
);
mkdirSync(join(root, ".tmp/bench"), { recursive: true });
writeFileSync(
  join(root, ".tmp/bench/size.json"),
  JSON.stringify({ date: new Date().toISOString(), external, rows }, null, 2),
);
