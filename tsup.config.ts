import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "tsup";

export default defineConfig({
  // entry names match the files in src/ and the subpaths in package.json "exports"
  // cli is the bin (its shebang is kept and the file made executable); its .cjs twin is unused but harmless
  entry: {
    index: "src/index.ts",
    testing: "src/testing.ts",
    http: "src/http.ts",
    trigger: "src/trigger.ts",
    cli: "src/cli.ts",
  },
  // an optional peer: tsup leaves peers external already, but herald/trigger must never bundle the SDK
  external: ["@trigger.dev/sdk"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  // the runtime floor is Node 18.20, as Trigger.dev's
  target: "node18",
  splitting: true,
  treeshake: true,
  // `import text from "./file?raw"` inlines a file as a string, as vite does: the dashboard's page ships inside dist/cli.js
  esbuildPlugins: [
    {
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
    },
  ],
});
