import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

// tests that run herald with the third parties themselves (Trigger.dev's CLI pipeline, ...): slower than the
// unit run, so a run of their own (`npm run test:interop`)
export default defineConfig({
  resolve: {
    // examples import "herald" as users do; as in tsconfig.json, that is the source, so no build is needed
    alias: [
      { find: /^herald$/, replacement: `${src}index.ts` },
      { find: /^herald\/(.*)$/, replacement: `${src}$1.ts` },
    ],
  },
  test: {
    include: ["tests/interop/**/*.test.ts"],
    // the Trigger.dev pipeline bundles and indexes twice and forks a run worker: minutes on 2 busy cores
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
