import { defineConfig } from "tsup";

export default defineConfig({
  // entry names match the files in src/ and the subpaths in package.json "exports"
  // cli is the bin (its shebang is kept and the file made executable); its .cjs twin is unused but harmless
  entry: { index: "src/index.ts", testing: "src/testing.ts", http: "src/http.ts", trigger: "src/trigger.ts", cli: "src/cli.ts" },
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
});
