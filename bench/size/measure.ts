/**
 * Measures one entry as a user's bundler ships it: bundled with esbuild, peers and dependencies
 * external, minified, code split; "at start" is what loads with the entry (its static imports),
 * "on first use" what it loads through `import()`. Each group is gzipped (level 9) as one stream.
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Metafile, type OutputFile } from "esbuild";

export const root = resolve(import.meta.dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<
  string,
  Record<string, string> | undefined
>;
export const external = [
  ...Object.keys(manifest.peerDependencies ?? {}),
  ...Object.keys(manifest.dependencies ?? {}),
  ...builtinModules,
  ...builtinModules.map((name) => `node:${name}`),
];

/** A built entry file, or a snippet importing from one (for a tree-shaken import). */
export type SizeSource = { readonly file: string } | { readonly stdin: string };

/** One entry's sizes, and the dist files each group is made of. */
export interface EntrySize {
  readonly atStartBytes: number;
  readonly atStartGzip: number;
  readonly laterGzip: number;
  /** The minified code that loads at start. */
  readonly atStartCode: string;
  /** The minified code that loads on first use. */
  readonly laterCode: string;
}

// the files of one group gzipped as one stream, as a bundler that inlines them would serve them
const gzip = (files: readonly OutputFile[]): number =>
  files.length === 0 ? 0 : gzipSync(Buffer.concat(files.map((file) => file.contents)), { level: 9 }).length;

// the output files an entry reaches through static imports: what loads with it
function startup(metafile: Metafile, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string): void => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const next of metafile.outputs[path]!.imports)
      if (next.kind === "import-statement" && !next.external) visit(next.path);
  };
  visit(entry);
  return seen;
}

/** Bundles `source` into `outdir` (in memory) and splits what loads at start from what loads later. */
export async function measureEntry(source: SizeSource, outdir: string): Promise<EntrySize> {
  const result = await build({
    ...("file" in source
      ? { entryPoints: [source.file] }
      : { stdin: { contents: source.stdin, resolveDir: root, loader: "js" as const } }),
    bundle: true,
    splitting: true,
    outdir,
    minify: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const metafile = result.metafile!;
  const main = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint !== undefined)![0];
  const loaded = startup(metafile, main);
  const relative = (output: OutputFile): string => output.path.slice(root.length + 1);
  const files = result.outputFiles.filter((output) => output.path.endsWith(".js"));
  const atStart = files.filter((output) => loaded.has(relative(output)));
  const later = files.filter((output) => !loaded.has(relative(output)));
  const code = (group: readonly OutputFile[]): string => group.map((output) => output.text).join("\n");
  return {
    atStartBytes: atStart.reduce((sum, output) => sum + output.contents.length, 0),
    atStartGzip: gzip(atStart),
    laterGzip: gzip(later),
    atStartCode: code(atStart),
    laterCode: code(later),
  };
}
