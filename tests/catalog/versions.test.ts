import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type AnyCatalog,
  defineEvent,
  defineEvents,
  EventValidationError,
  InvalidOptionsError,
  UnknownVersionError,
} from "../../src/index.js";
import { createRecordingTransport } from "../../src/testing.js";
import { caught, rejection } from "../helpers/caught.js";
import { createTestEngine, envelope, T0 } from "../helpers/engine.js";
import { contractSchemas, upcastCalls } from "../fixtures/contract-schemas.js";

const ada = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" };

function catalog() {
  const { engine, clock } = createTestEngine({ maxAttempts: 1 });
  const events = defineEvents(contractSchemas, { transport: engine });
  const seen: { payload: unknown; version: number | undefined }[] = [];
  events.on("user.created", (user, ctx) => void seen.push({ payload: user, version: ctx.event.version }));
  upcastCalls.length = 0;
  return { events, engine, clock, seen, loose: events as AnyCatalog };
}

describe("senders send the newest version", () => {
  it("stamps the newest version on a versioned event's envelope, and none on a plain event's", async () => {
    const transport = createRecordingTransport();
    const events = defineEvents(contractSchemas, { transport });
    await events.sendEvent("user.created", ada);
    await events.sendEvent("file.uploaded", { fileId: "f", size: 1 });
    expect(transport.sent.map((sent) => [sent.name, sent.version])).toEqual([
      ["user.created", 3],
      ["file.uploaded", undefined],
    ]);
    expect("version" in transport.sent[1]!).toBe(false);
  });

  it("validates an older payload as its version and upcasts it step by step before it is sent", async () => {
    const transport = createRecordingTransport();
    const loose = defineEvents(contractSchemas, { transport }) as AnyCatalog;
    upcastCalls.length = 0;
    await loose.send({
      name: "user.created",
      payload: { fullName: "Grace Brewster Hopper", email: "grace@example.com" },
      version: 1,
    });
    const name: string = "user.created";
    await loose.sendEvent(name, { ...ada }, { version: 2 });
    expect(transport.sent.map((sent) => [sent.payload, sent.version])).toEqual([
      [{ firstName: "Grace", lastName: "Brewster Hopper", email: "grace@example.com", plan: "free" }, 3],
      [{ ...ada, plan: "free" }, 3],
    ]);
    expect(upcastCalls).toEqual(["1->2", "2->3", "2->3"]);
  });

  it("refuses an older payload that fails its own version's schema, and sends nothing", async () => {
    const transport = createRecordingTransport();
    const loose = defineEvents(contractSchemas, { transport }) as AnyCatalog;
    const error = await rejection(loose.send({ name: "user.created", payload: ada, version: 1 }));
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).issues.map((issue) => issue.path?.[0])).toEqual(["fullName"]);
    expect(transport.sent).toEqual([]);
  });

  it.each([[0], [4], [1.5], ["1"], [null]])("refuses version %o with UnknownVersionError", async (version) => {
    const { loose } = catalog();
    const error = await rejection(loose.send({ name: "user.created", payload: ada, version: version as number }));
    expect(error).toBeInstanceOf(UnknownVersionError);
    expect(error).toMatchObject({ event: "user.created", version, latest: 3 });
  });

  it("accepts version 1 of an unversioned event, and nothing else", async () => {
    const { loose } = catalog();
    await expect(
      loose.send({ name: "file.uploaded", payload: { fileId: "f", size: 1 }, version: 1 }),
    ).resolves.toMatchObject({ name: "file.uploaded" });
    expect(
      await rejection(loose.send({ name: "file.uploaded", payload: { fileId: "f", size: 1 }, version: 2 })),
    ).toBeInstanceOf(UnknownVersionError);
  });
});

describe("handlers receive the newest version", () => {
  it("upcasts an old envelope from a delayed queue when it comes due, without touching a newest one", async () => {
    const { engine, clock, seen } = catalog();
    await engine.deliver([
      envelope("user.created", { fullName: "Ada Lovelace", email: "ada@example.com" }, { id: "old", delayMs: 60_000 }),
      { ...envelope("user.created", { ...ada, plan: "pro" }, { id: "new" }), version: 3 },
    ]);
    await clock.advance(59_999);
    expect(seen).toEqual([{ payload: { ...ada, plan: "pro" }, version: 3 }]);
    expect(upcastCalls).toEqual([]);
    await clock.advance(1);
    await engine.drain();
    expect(seen[1]).toEqual({ payload: { ...ada, plan: "free" }, version: 3 });
    expect(upcastCalls).toEqual(["1->2", "2->3"]);
    // history keeps the envelope as it travelled
    expect(engine.history.get("old")?.event.version).toBeUndefined();
  });

  it("treats an envelope without a version as version 1 and one with version 2 from there", async () => {
    const { engine, seen } = catalog();
    await engine.deliver([{ ...envelope("user.created", ada, { id: "v2" }), version: 2 }]);
    await engine.drain();
    expect(seen).toEqual([{ payload: { ...ada, plan: "free" }, version: 3 }]);
    expect(upcastCalls).toEqual(["2->3"]);
  });

  it("fails the run, not the process, for an envelope newer than this catalog or of a version the event never had", async () => {
    const { engine, seen } = catalog();
    await engine.deliver([
      { ...envelope("user.created", ada, { id: "future" }), version: 4 },
      { ...envelope("user.created", ada, { id: "zero" }), version: 0 },
    ]);
    await engine.drain();
    expect(seen).toEqual([]);
    for (const id of ["future", "zero"]) {
      expect(engine.history.get(id)?.runs[0]).toMatchObject({ status: "failed", error: { code: "UNKNOWN_VERSION" } });
    }
  });

  it("fails the run when an old payload no longer passes after upcasting", async () => {
    const { engine, seen } = catalog();
    await engine.deliver([envelope("user.created", { fullName: "Ada", email: "not an email" }, { id: "bad" })]);
    await engine.drain();
    expect(seen).toEqual([]);
    expect(engine.history.get("bad")?.runs[0]).toMatchObject({
      status: "failed",
      error: { code: "VALIDATION_FAILED" },
    });
  });

  it("chains from an upcast event with its lineage", async () => {
    const { engine, clock } = createTestEngine();
    const events = defineEvents(contractSchemas, { transport: engine });
    events.chain("user.created", "invoice.sent", (user) => ({ invoiceId: `welcome-${user.firstName}-${user.plan}` }));
    const sent: unknown[] = [];
    events.on(
      "invoice.sent",
      (invoice, ctx) => void sent.push([invoice, ctx.event.causationId, ctx.event.correlationId]),
    );
    await engine.deliver([
      envelope("user.created", { fullName: "Ada L", email: "ada@example.com" }, { id: "root", now: clock.now() }),
    ]);
    await engine.drain();
    expect(sent).toEqual([[{ invoiceId: "welcome-Ada-free" }, "root", "root"]]);
    expect(clock.now()).toBe(T0);
  });
});

describe("events.upcast", () => {
  it("returns the newest output of an old payload, synchronously", () => {
    const { events } = catalog();
    expect(events.upcast("user.created", 1, { fullName: "Ada Lovelace", email: "ada@example.com" })).toEqual({
      ...ada,
      plan: "free",
    });
    expect(events.upcast("user.created", 3, { ...ada, plan: "pro" })).toEqual({ ...ada, plan: "pro" });
    expect(events.upcast("file.uploaded", 1, { fileId: "f", size: 2 })).toEqual({ fileId: "f", size: 2 });
    expect(caught(() => events.upcast("user.created", 1, ada))).toBeInstanceOf(EventValidationError);
    expect(caught(() => events.upcast("user.created", 9, ada))).toBeInstanceOf(UnknownVersionError);
  });

  it("reads each version's output, so a transform of version 1 reaches the upcaster", () => {
    const events = defineEvents({
      "price.set": defineEvent({
        versions: [z.object({ cents: z.string().transform(Number) }), z.object({ amount: z.number() })],
        upcast: [(v1) => ({ amount: v1.cents / 100 })],
      }),
    });
    expect(events.upcast("price.set", 1, { cents: "250" })).toEqual({ amount: 2.5 });
  });

  it("refuses an upcaster that returns a promise, and is synchronous only for synchronous schemas", async () => {
    const asyncSchema = z.object({ n: z.number() }).refine(async () => true);
    const events = defineEvents({
      "count.set": defineEvent({
        versions: [z.object({ n: z.number() }), z.object({ n: z.number() })],
        upcast: [(async (v1: unknown) => v1) as never],
      }),
      "count.reset": defineEvent({ versions: [z.object({ n: z.number() }), asyncSchema], upcast: [(v1) => v1] }),
    });
    expect((caught(() => events.upcast("count.set", 1, { n: 1 })) as Error).message).toBe(
      "count.set: the upcaster from version 1 to 2 returned a promise; upcasters must be synchronous",
    );
    expect(caught(() => events.upcast("count.reset", 1, { n: 1 }))).toBeInstanceOf(InvalidOptionsError);
    // a send handles the asynchronous schema
    const loose = events as AnyCatalog;
    await expect(loose.send({ name: "count.reset", payload: { n: 1 }, version: 1 })).resolves.toMatchObject({
      name: "count.reset",
    });
  });
});
