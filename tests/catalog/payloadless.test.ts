import { Parser } from "@asyncapi/parser";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEvents } from "../../src/index.js";
import { fixture } from "../../src/testing.js";

// the README's own event without payload, and its z.void() twin (issue 11, finding 4)
const events = defineEvents({
  "cache.flushed": z.undefined(),
  "cron.ticked": z.void(),
  "cache.warmed": z.object({ keys: z.number().int() }),
});

describe("an event without payload (z.undefined(), z.void())", () => {
  it("exports as a JSON Schema no value satisfies (the payload is left out), for input and output", async () => {
    for (const io of ["input", "output"] as const) {
      const schemas = await events.toJSONSchema({ io });
      expect(schemas["cache.flushed"]).toEqual({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "cache.flushed",
        not: {},
      });
      expect(schemas["cron.ticked"]).toMatchObject({ title: "cron.ticked", not: {} });
    }
  });

  it("has an AsyncAPI message without payload, in a document @asyncapi/parser accepts", async () => {
    const document = await events.toAsyncAPI({ title: "cache", version: "1.0.0" });
    expect(document.components.messages["cache.flushed"]).toEqual({
      name: "cache.flushed",
      title: "cache.flushed",
      contentType: "application/json",
    });
    expect(document.components.messages["cache.warmed"]).toHaveProperty("payload");
    const diagnostics = await new Parser().validate(JSON.stringify(document));
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
  });

  it("has undefined as its fixture, which sends", async () => {
    expect(fixture(events, "cache.flushed")).toBeUndefined();
    expect(fixture(events, "cron.ticked")).toBeUndefined();
    const receipt = await events.sendEvent("cache.flushed", fixture(events, "cache.flushed"));
    expect(receipt.name).toBe("cache.flushed");
  });
});
