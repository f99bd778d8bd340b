import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineEvents } from "../../../src/index.js";
import { eventTask, triggerTransport, withTrigger } from "../../../src/trigger.js";

const events = defineEvents({
  "file.uploaded": z.object({ fileId: z.string(), size: z.string().transform(Number) }),
  "file.processed": z.object({ fileId: z.string(), ok: z.boolean() }),
});

describe("herald/trigger types", () => {
  it("checks route keys against the catalog", () => {
    withTrigger(events, { routes: { "file.uploaded": ["scan"] } });
    // @ts-expect-error not an event of this catalog
    withTrigger(events, { routes: { "file.deleted": ["scan"] } });
    triggerTransport<"file.uploaded">({ routes: { "file.uploaded": ["scan"] } });
    // @ts-expect-error not one of the names given
    triggerTransport<"file.uploaded">({ routes: { "file.processed": ["scan"] } });
  });

  it("types run with the schema's output and a context that chains with checked payloads", () => {
    const task = eventTask(events, "file.uploaded", {
      id: "scan",
      run: async (file, ctx) => {
        expectTypeOf(file).toEqualTypeOf<{ fileId: string; size: number }>();
        expectTypeOf(ctx.ctx.run.id).toBeString();
        expectTypeOf(ctx.event.name).toEqualTypeOf<"file.uploaded">();
        await ctx.sendEvent("file.processed", { fileId: file.fileId, ok: true });
        // @ts-expect-error ok must be a boolean
        await ctx.sendEvent("file.processed", { fileId: file.fileId, ok: "yes" });
        return { bytes: file.size };
      },
    });
    expectTypeOf(task.id).toEqualTypeOf<"scan">();
    expectTypeOf(task.event).toEqualTypeOf<"file.uploaded">();
    // trigger() takes what a sender writes: the schema's input
    expectTypeOf(task.trigger).parameter(0).toEqualTypeOf<{ fileId: string; size: string }>();
  });

  it("refuses an event name the catalog does not have", () => {
    // @ts-expect-error not an event of this catalog
    eventTask(events, "file.deleted", { id: "x", run: async () => undefined });
  });
});
