import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runtimeOf } from "../../src/catalog/runtime.js";
import { defineEvent, defineEvents, type Envelope, InvalidOptionsError, UnknownEventError } from "../../src/index.js";
import { createRecordingTransport } from "../../src/testing.js";
import { createRecordedCatalog } from "../helpers/catalog.js";

const signal = new AbortController().signal;

describe("the catalog's runtime", () => {
  it("lives in a symbol slot that keys and JSON do not show", () => {
    const { events } = createRecordedCatalog();
    expect(runtimeOf(events).event("user.created").schema).toBe(events.schemas["user.created"]);
    expect(Object.keys(events)).not.toContain("~runtime");
    expect(Object.getOwnPropertySymbols(events).map(String)).toEqual(["Symbol(herald.runtime)"]);
    expect(JSON.stringify(events)).not.toContain("runtime");
    // each withTransport catalog has its own runtime, sending through its own transport
    const other = events.withTransport(createRecordingTransport());
    expect(runtimeOf(other)).not.toBe(runtimeOf(events));
  });

  it("refuses what defineEvents did not make", () => {
    for (const value of [{}, null, undefined, { names: [] }, "events"])
      expect(() => runtimeOf(value)).toThrow(InvalidOptionsError);
  });

  it("looks an event up by name, with its compiled record, or throws UnknownEventError", () => {
    const v1 = z.object({ n: z.number() });
    const v2 = z.object({ count: z.number() });
    const events = defineEvents(
      {
        "count.set": defineEvent({ versions: [v1, v2], upcast: [({ n }) => ({ count: n })], owner: "ops" }),
        "user.left": z.object({ id: z.string() }),
      },
      { transport: createRecordingTransport() },
    );
    const runtime = runtimeOf(events);
    expect(runtime.event("count.set")).toMatchObject({ version: 2, definition: { owner: "ops", versions: [v1, v2] } });
    expect(runtime.event("user.left")).toMatchObject({ version: undefined, definition: undefined });
    expect(() => runtime.event("user.gone")).toThrow(UnknownEventError);
    expect(() => runtime.event(42)).toThrow(UnknownEventError);
  });

  it("sends with a given lineage, so an event from outside keeps its chain", async () => {
    const { events, transport } = createRecordedCatalog();
    const senders = runtimeOf(events).senders({ correlationId: "ce-root", causationId: "ce-1" });
    await senders.send({ name: "file.uploaded", payload: { fileId: "f1", filename: "a.txt" }, id: "ce-2" });
    await senders.sendEvent("file.uploaded", { fileId: "f2", filename: "b.txt" });
    expect(transport.sent.map(({ id, correlationId, causationId }) => ({ id, correlationId, causationId }))).toEqual([
      { id: "ce-2", correlationId: "ce-root", causationId: "ce-1" },
      { id: "ce-1/0", correlationId: "ce-root", causationId: "ce-1" },
    ]);
  });

  it("handles a delivery as on() does: upcast, context with lineage and derived ids, plus extra fields", async () => {
    const transport = createRecordingTransport();
    const events = defineEvents(
      {
        "count.set": defineEvent({
          versions: [z.object({ n: z.number() }), z.object({ count: z.number() })],
          upcast: [({ n }) => ({ count: n })],
        }),
        "count.seen": z.object({ count: z.number() }),
      },
      { transport },
    );
    const old: Envelope = { id: "e1", name: "count.set", payload: { n: 3 }, timestamp: "t", correlationId: "root" };
    const seen: unknown[] = [];
    await runtimeOf(events).handle(
      async (payload, ctx) => {
        seen.push(payload, ctx.event.version, ctx.attempt, (ctx as unknown as { extra: string }).extra);
        await ctx.sendEvent("count.seen", payload);
        await ctx.sendEvents([{ name: "count.seen", payload }]);
      },
      { envelope: old, attempt: 2, signal },
      { extra: "trigger ctx" },
    );
    expect(seen).toEqual([{ count: 3 }, 2, 2, "trigger ctx"]);
    expect(transport.sent.map(({ id, correlationId, causationId }) => ({ id, correlationId, causationId }))).toEqual([
      { id: "e1/0", correlationId: "root", causationId: "e1" },
      { id: "e1/1", correlationId: "root", causationId: "e1" },
    ]);
  });
});
