import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

// the interop layer runs herald with the third-party packages themselves (Next.js, Express, Fastify,
// Hono's Node server, ajv, Modelina, Trigger.dev's CLI pipeline, ...): slower than the unit run, so a
// run of its own, `npm run test:interop`, after `npm run build`
export default defineConfig({
  resolve: {
    // examples import "herald" as users do; as in tsconfig.json, that is the source, so no build is needed
    alias: [
      { find: /^herald$/, replacement: `${src}index.ts` },
      { find: /^herald\/(.*)$/, replacement: `${src}$1.ts` },
    ],
  },
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/interop/**/*.test.ts"],
    // the Trigger.dev pipeline bundles and indexes twice and forks a run worker; next build takes minutes on 2 busy cores
    testTimeout: 240_000,
    hookTimeout: 300_000,
  },
});
