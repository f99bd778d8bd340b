import { defineConfig } from "vitest/config";

// the published .d.ts under TypeScript 5.9, 6.0 and 7.0: `npm run test:package-types`, after `npm run build`
export default defineConfig({
  test: {
    include: ["tests/package-types/**/*.test.ts"],
    typecheck: { enabled: false },
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
