import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig, type Options } from "tsup";

// `import text from "./file?raw"` inlines a file as a string, as vite does: the dashboard's page ships inside dist/cli.js
const raw: NonNullable<Options["esbuildPlugins"]>[number] = {
  name: "raw",
  setup(build) {
    // the path keeps its `?raw`, so tsup's own .css loader (which runs in every namespace) leaves it alone
    build.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path),
      namespace: "raw",
    }));
    build.onLoad({ filter: /\?raw$/, namespace: "raw" }, (args) => ({
      contents: readFileSync(args.path.slice(0, -4), "utf8"),
      loader: "text",
    }));
  },
};

// entry names match the files in src/ and the subpaths in package.json "exports"
const library = {
  index: "src/index.ts",
  testing: "src/testing.ts",
  http: "src/http.ts",
  trigger: "src/trigger.ts",
  postgres: "src/postgres.ts",
  cloudevents: "src/cloudevents.ts",
};

const shared = {
  // an optional peer: tsup leaves peers external already, but herald/trigger must never bundle the SDK
  external: ["@trigger.dev/sdk", "pg", "pg-boss"],
  dts: true,
  sourcemap: false,
  // package.json engines: Node 20.19+ (global Web Crypto, require(esm)); Node 18 reached end of life in April 2025
  target: "node20",
  splitting: true,
  treeshake: true,
  esbuildPlugins: [raw],
} satisfies Options;

// Two builds: ESM for the entries and the bin, which shares their chunks (one copy of each class), and
// CJS for the entries only: package.json "bin" is dist/cli.js, so a cli.cjs would never run.
// `npm run build` empties dist/ first, as two builds cleaning one folder would race.
export default defineConfig([
  // cli is the bin: its shebang is kept and the file made executable
  { ...shared, entry: { ...library, cli: "src/cli.ts" }, format: ["esm"] },
  { ...shared, entry: library, format: ["cjs"] },
]);
