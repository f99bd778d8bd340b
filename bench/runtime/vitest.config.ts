import { defineConfig } from "vitest/config";

// `npm run bench:runtime`: the benches only, no type check
export default defineConfig({
  test: {
    benchmark: { include: ["bench/runtime/**/*.bench.ts"] },
    typecheck: { enabled: false },
  },
});
