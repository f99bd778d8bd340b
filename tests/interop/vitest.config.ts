import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// the interop layer runs herald with the third-party packages themselves (Next.js, Express,
// Fastify, Hono's Node server, ajv, Modelina, ...): `npm run test:interop`, after `npm run build`
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["tests/interop/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
  },
});
