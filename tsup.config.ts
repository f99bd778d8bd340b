import { defineConfig } from "tsup";

export default defineConfig({
  // entry names match the files in src/ and the subpaths in package.json "exports"
  entry: { index: "src/index.ts", testing: "src/testing.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: false,
  // the runtime floor is Node 18.20, as Trigger.dev's
  target: "node18",
  splitting: true,
  treeshake: true,
});
