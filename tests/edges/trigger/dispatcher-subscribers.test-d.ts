import { task } from "@trigger.dev/sdk";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineEvents } from "../../../src/index.js";
import { createDispatcher, type DispatcherTask, eventTask } from "../../../src/trigger.js";

const events = defineEvents({
  "user.created": z.object({ userId: z.string() }),
  "file.uploaded": z.object({ fileId: z.string() }),
});

describe("createDispatcher's subscribers", () => {
  it("takes task ids per event name of the catalog", () => {
    expectTypeOf(createDispatcher(events, { "user.created": ["a", "b"] })).toEqualTypeOf<
      DispatcherTask<"herald-dispatch">
    >();
    expectTypeOf(createDispatcher(events, { "file.uploaded": ["c"] }, { id: "fan-out" })).toEqualTypeOf<
      DispatcherTask<"fan-out">
    >();
  });

  it("refuses a misspelt event name, which could otherwise pass for a module namespace", () => {
    // @ts-expect-error: "user.crated" is not an event of the catalog
    createDispatcher(events, { "user.crated": ["a"] });
    // @ts-expect-error: ids, not numbers
    createDispatcher(events, { "user.created": [1] });
  });

  it("still takes a list of event tasks, or a module namespace whose exports are no lists", () => {
    const welcome = eventTask(events, "user.created", { id: "welcome", run: () => undefined });
    const plain = task({ id: "plain", run: async () => undefined });
    expectTypeOf(createDispatcher(events, [welcome])).toEqualTypeOf<DispatcherTask<"herald-dispatch">>();
    expectTypeOf(createDispatcher(events, { welcome, plain, version: 3 })).toEqualTypeOf<
      DispatcherTask<"herald-dispatch">
    >();
  });
});
