/**
 * Each entry's size as a user's bundler would ship it: dist/<entry>.js bundled with its shared
 * chunks, peers and dependencies left external, minified, then gzipped. Code the entry loads only
 * through `import()` (the JSON Schema and AsyncAPI exporters, loaded by `toJSONSchema()` /
 * `toAsyncAPI()` on first use) is split off as a bundler splits it and reported apart: "at start"
 * is what an app loads when it imports the entry. Target: `herald` at start <= 6 kB.
 * Needs `npm run build` first (`npm run bench:size` runs it). Results also go to .tmp/bench/size.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type OutputFile } from "esbuild";

const root = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
const external = [
  ...Object.keys(manifest.peerDependencies ?? {}),
  ...Object.keys(manifest.dependencies ?? {}),
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
];
const entries = { herald: "index", "herald/testing": "testing", "herald/http": "http", "herald/trigger": "trigger" } as const;
const TARGET_KB = 6;
const outdir = join(root, ".tmp/bench/size-out");

const kB = (bytes: number): string => (bytes / 1024).toFixed(2);
// the files of one group gzipped as one stream, as a bundler that inlines them would serve them
const gzip = (files: readonly OutputFile[]): number => gzipSync(Buffer.concat(files.map((file) => file.contents)), { level: 9 }).length;

// the output files an entry reaches through static imports: what loads with it
function startup(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const next of metafile.outputs[path]!.imports) if (next.kind === "import-statement" && !next.external) visit(next.path);
  };
  visit(entry);
  return seen;
}

// the whole entry (every export), and the import most apps make: `defineEvents` alone, tree-shaken
const index = join(root, "dist/index.js");
const sources: Record<string, { stdin: string } | { file: string }> = {
  ...Object.fromEntries(Object.entries(entries).map(([subpath, file]) => [subpath, { file: join(root, "dist", `${file}.js`) }])),
  "herald, only `import { defineEvents }`": { stdin: `import { defineEvents } from ${JSON.stringify(index)}; export { defineEvents };` },
};

const rows: Record<string, { "at start, min B": number; "at start, min+gzip kB": string; "on first use, min+gzip kB": string }> = {};
for (const [subpath, source] of Object.entries(sources)) {
  if ("file" in source && !existsSync(source.file)) throw new Error(`${source.file} is missing: run \`npm run build\` first`);
  const result = await build({
    ...("file" in source ? { entryPoints: [source.file] } : { stdin: { contents: source.stdin, resolveDir: root, loader: "js" as const } }),
    bundle: true, splitting: true, outdir, minify: true, format: "esm", platform: "node", target: "node18",
    external, write: false, metafile: true, logLevel: "silent",
  });
  const metafile = result.metafile!;
  const main = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint !== undefined)![0];
  const loaded = startup(metafile, main);
  const files = result.outputFiles.filter((output) => output.path.endsWith(".js"));
  const relative = (output: OutputFile): string => output.path.slice(root.length + 1);
  const atStart = files.filter((output) => loaded.has(relative(output)));
  const later = files.filter((output) => !loaded.has(relative(output)));
  rows[subpath] = {
    "at start, min B": atStart.reduce((sum, output) => sum + output.contents.length, 0),
    "at start, min+gzip kB": kB(gzip(atStart)),
    "on first use, min+gzip kB": later.length === 0 ? "-" : kB(gzip(later)),
  };
}
console.table(rows);
const main = Number(rows.herald!["at start, min+gzip kB"]);
console.log(`herald at start: ${main.toFixed(2)} kB min+gzip (target <= ${TARGET_KB} kB): ${main <= TARGET_KB ? "ok" : "over"}`);
mkdirSync(join(root, ".tmp/bench"), { recursive: true });
writeFileSync(join(root, ".tmp/bench/size.json"), JSON.stringify({ date: new Date().toISOString(), external, rows }, null, 2));
