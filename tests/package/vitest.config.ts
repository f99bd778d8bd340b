import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// the package test and the docs' snippets test pack and install the build, so it runs on its own (`npm run test:package`),
// after `npm run build`, and stays out of the quick unit run
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/package/**/*.test.ts", "tests/docs/snippets.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
