import { describe, expect, it, vi } from "vitest";
import { IdempotencyConflictError } from "../../../src/core/errors.js";
import { createTestEngine, envelope } from "../../helpers/engine.js";
import { createEmbeddedEngine } from "../../../src/delivery/embedded/engine.js";
import { defineEvents } from "../../../src/catalog/define-events.js";

const chosen = { chosenIds: true } as const;

describe("a reused event id", () => {
  it("with the same name and payload is a duplicate: one run, a receipt that says so", async () => {
    const { engine, clock } = createTestEngine();
    let runs = 0;
    engine.subscribe("a.b", () => void runs++);
    const [first] = await engine.deliver([envelope("a.b", { x: 1, y: [1, 2] }, { id: "k1" })], chosen);
    // key order does not make another payload
    const [again] = await engine.deliver([envelope("a.b", { y: [1, 2], x: 1 }, { id: "k1" })], chosen);
    await clock.advance(0);
    expect([first!.duplicate, again!.duplicate, runs]).toEqual([false, true, 1]);
  });

  it.each([
    ["another payload", envelope("a.b", { x: 2 }, { id: "k1" }), /was reused: it was first used with another payload/],
    [
      "another event name",
      envelope("c.d", { x: 1 }, { id: "k1" }),
      /was reused: it was first used by an event named a\.b/,
    ],
  ])("with %s is refused with IdempotencyConflictError, and the first event stands", async (_, second, message) => {
    const { engine, clock } = createTestEngine();
    const seen: unknown[] = [];
    engine.subscribe("a.b", (d) => void seen.push(d.envelope.payload));
    engine.subscribe("c.d", (d) => void seen.push(d.envelope.payload));
    await engine.deliver([envelope("a.b", { x: 1 }, { id: "k1" })], chosen);
    const error = await engine.deliver([second], chosen).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdempotencyConflictError);
    expect(error).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", id: "k1", message: expect.stringMatching(message) });
    await clock.advance(0);
    expect(seen).toEqual([{ x: 1 }]);
    expect(engine.history.list().map((r) => r.event.name)).toEqual(["a.b"]);
  });

  it("refuses a whole batch when one member conflicts, with the engine or with the batch itself", async () => {
    const { engine } = createTestEngine();
    await engine.deliver([envelope("a.b", { x: 1 }, { id: "k1" })], chosen);
    await expect(
      engine.deliver([envelope("a.b", {}, { id: "fresh" }), envelope("a.b", { x: 9 }, { id: "k1" })], chosen),
    ).rejects.toThrow(IdempotencyConflictError);
    await expect(
      engine.deliver([envelope("a.b", { x: 1 }, { id: "k2" }), envelope("a.b", { x: 2 }, { id: "k2" })], chosen),
    ).rejects.toThrow(IdempotencyConflictError);
    expect(engine.history.get("fresh")).toBeUndefined();
    expect(engine.history.get("k2")).toBeUndefined();
  });

  it("compares names only for a payload JSON cannot express", async () => {
    const { engine } = createTestEngine();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await engine.deliver([envelope("a.b", cyclic, { id: "k1" })], chosen);
    const [receipt] = await engine.deliver([envelope("a.b", { other: true }, { id: "k1" })], chosen);
    expect(receipt!.duplicate).toBe(true);
    await expect(engine.deliver([envelope("c.d", {}, { id: "k1" })], chosen)).rejects.toThrow(IdempotencyConflictError);
  });

  it("is not checked when the caller chose no id (generated ids never collide): a plain duplicate", async () => {
    const { engine } = createTestEngine();
    await engine.deliver([envelope("a.b", { x: 1 }, { id: "k1" })]);
    const [receipt] = await engine.deliver([envelope("a.b", { x: 2 }, { id: "k1" })]);
    expect(receipt!.duplicate).toBe(true);
  });
});

describe("the conflict check's code, loaded on the first send with a chosen id", () => {
  // a fresh copy of the engine module each time: the loaded check is kept per module, not per engine
  const freshEngine = async () => {
    vi.resetModules();
    const { createEmbeddedEngine } = await import("../../../src/delivery/embedded/engine.js");
    return createEmbeddedEngine();
  };

  it("counts as pending while it loads: drain() waits for the send, and its handler runs", async () => {
    const engine = await freshEngine();
    const seen: unknown[] = [];
    engine.subscribe("a.b", (d) => void seen.push(d.envelope.id));
    const receipt = engine.deliver([envelope("a.b", { x: 1 }, { id: "k1" })], chosen);
    await engine.drain();
    expect(seen).toEqual(["k1"]);
    expect((await receipt)[0]).toMatchObject({ id: "k1", duplicate: false });
  });

  it("checks sends made while it loads in the order they were made: a same-tick reuse is still a conflict", async () => {
    const engine = await freshEngine();
    const first = engine.deliver([envelope("a.b", { x: 1 }, { id: "k1" })], chosen);
    const second = engine.deliver([envelope("a.b", { x: 2 }, { id: "k1" })], chosen).catch((e: unknown) => e);
    expect((await first)[0]!.duplicate).toBe(false);
    expect(await second).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", id: "k1" });
  });

  it("refuses a send that was waiting for it when the engine closed meanwhile", async () => {
    const engine = await freshEngine();
    const send = engine.deliver([envelope("a.b", { x: 1 }, { id: "k1" })], chosen).catch((e: unknown) => e);
    await engine.close();
    expect(await send).toMatchObject({ code: "TRANSPORT_FAILED", retryable: false });
    expect(engine.history.list()).toEqual([]);
  });
});

// the catalog's generated ids skip the engine's lookup and join its index only when an id is looked up
describe("a generated id, sent again", () => {
  const schema = { "~standard": { version: 1, vendor: "t", validate: (value: unknown) => ({ value }) } } as const;
  const catalogOf = (dedupeLimit: number) => {
    const engine = createEmbeddedEngine({ dedupeLimit });
    return { engine, events: defineEvents({ "a.b": schema }, { transport: engine }) };
  };

  it("as a chosen id or a delivered envelope is a duplicate while the window holds it, before and after a lookup", async () => {
    const { engine, events } = catalogOf(4);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await events.sendEvent("a.b", { i })).id);
    // the first lookup indexes the three fresh ids
    expect((await events.sendEvent("a.b", { i: 0 }, { id: ids[0]! })).duplicate).toBe(true);
    ids.push((await events.sendEvent("a.b", { i: 3 })).id);
    expect((await engine.deliver([envelope("a.b", { i: 3 }, { id: ids[3]! })]))[0]!.duplicate).toBe(true);
    expect((await events.sendEvent("a.b", { i: 1 }, { id: ids[1]! })).duplicate).toBe(true);
  });

  it("is forgotten once the window passes, whether or not it was ever looked up", async () => {
    for (const lookups of [false, true]) {
      const { events } = catalogOf(3);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        ids.push((await events.sendEvent("a.b", { i })).id);
        if (lookups) await events.sendEvent("a.b", { i }, { id: ids[i]! });
      }
      // the window of 3 holds the newest ids (a duplicate is not remembered again); newest first,
      // as an older id sent again is a new event that pushes the next one out
      const duplicates: boolean[] = [];
      for (const id of ids.reverse()) duplicates.push((await events.sendEvent("a.b", {}, { id })).duplicate);
      expect(duplicates).toEqual([true, true, true, false, false, false, false]);
    }
  });
});
