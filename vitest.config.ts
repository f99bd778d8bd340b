import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    // the package test packs and installs the build: `npm run test:package`, after `npm run build`
    exclude: [...configDefaults.exclude, "tests/package/**", "tests/package-types/**", "tests/interop/**"],
    typecheck: {
      enabled: true,
      include: ["tests/**/*.test-d.ts"],
      tsconfig: "./tsconfig.json",
    },
    testTimeout: 20_000,
  },
});
