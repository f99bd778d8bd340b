import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, FIXTURES, runCli } from "./run-cli.js";

beforeAll(assertBuilt);
const catalog = join(FIXTURES, "payloadless-catalog.ts");

describe("herald export, over events without payload (z.undefined(), z.void())", () => {
  it("exits 0 with a JSON Schema that admits no value for each", async () => {
    const { code, stdout, stderr } = await runCli(["export", catalog, "--format", "json-schema"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const schemas = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    for (const name of ["cache.flushed", "cron.ticked"])
      expect(schemas[name]).toEqual({ $schema: "https://json-schema.org/draft/2020-12/schema", title: name, not: {} });
    expect(schemas["cache.warmed"]).toMatchObject({ type: "object", required: ["keys"] });
  });

  it("exits 0 with AsyncAPI messages that carry no payload", async () => {
    const { code, stdout } = await runCli(["export", catalog, "--format", "asyncapi"]);
    expect(code).toBe(0);
    const { messages } = (JSON.parse(stdout) as { components: { messages: Record<string, object> } }).components;
    expect(messages["cache.flushed"]).not.toHaveProperty("payload");
    expect(messages["cache.warmed"]).toHaveProperty("payload");
  });
});
