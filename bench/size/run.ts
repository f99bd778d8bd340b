/**
 * Each entry's size as a user's bundler would ship it: dist/<entry>.js bundled with its shared
 * chunks, peers and dependencies left external, minified, then gzipped. Target: `herald` <= 6 kB.
 * Needs `npm run build` first (`npm run bench:size` runs it). Results also go to .tmp/bench/size.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

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

const rows: Record<string, { "min B": number; "min+gzip B": number; "min+gzip kB": string }> = {};
for (const [subpath, file] of Object.entries(entries)) {
  const entry = join(root, "dist", `${file}.js`);
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: "esm", platform: "node", target: "node18", external, write: false, logLevel: "silent" });
  const code = result.outputFiles[0]!.contents;
  const gzipped = gzipSync(code, { level: 9 }).length;
  rows[subpath] = { "min B": code.length, "min+gzip B": gzipped, "min+gzip kB": (gzipped / 1024).toFixed(2) };
}
console.table(rows);
const main = rows.herald!["min+gzip B"] / 1024;
console.log(`herald: ${main.toFixed(2)} kB min+gzip (target <= ${TARGET_KB} kB): ${main <= TARGET_KB ? "ok" : "over"}`);
mkdirSync(join(root, ".tmp/bench"), { recursive: true });
writeFileSync(join(root, ".tmp/bench/size.json"), JSON.stringify({ date: new Date().toISOString(), external, rows }, null, 2));
