import { defineConfig } from "@trigger.dev/sdk";

export default defineConfig({
  project: "proj_herald_example",
  dirs: ["./trigger"],
  maxDuration: 300,
  retries: {
    enabledInDev: true,
    default: { maxAttempts: 3, minTimeoutInMs: 1_000, maxTimeoutInMs: 10_000, factor: 2 },
  },
});
