import { describe, expect, it } from "vitest";
import { EventValidationError, InvalidOptionsError, TransportError } from "../../../src/core/errors.js";
import { createEmbeddedEngine } from "../../../src/delivery/embedded/engine.js";
import type { Delivery } from "../../../src/delivery/transport.js";
import { createTestEngine, envelope, flaky } from "../../helpers/engine.js";
import { watchEscapes } from "../../helpers/unhandled.js";

describe("dispatch", () => {
  it("broadcasts an event to every subscriber of its name, and to no other", async () => {
    const { engine, clock } = createTestEngine();
    const seen: [string, Delivery][] = [];
    engine.subscribe("user.created", (d) => void seen.push(["a", d]));
    engine.subscribe("user.created", (d) => void seen.push(["b", d]));
    engine.subscribe("user.deleted", (d) => void seen.push(["c", d]));
    const event = envelope("user.created", { userId: "u1" });
    await engine.deliver([event]);
    await clock.advance(0);
    expect(seen.map(([who]) => who).sort()).toEqual(["a", "b"]);
    for (const [, delivery] of seen) {
      expect(delivery.envelope).toBe(event);
      expect(delivery.attempt).toBe(1);
      expect(delivery.signal.aborted).toBe(false);
    }
  });

  it("returns receipts with the event's identity", async () => {
    const { engine } = createTestEngine();
    const event = envelope("a.b", {}, { id: "e1", delayMs: 5000 });
    expect(await engine.deliver([event])).toEqual([
      { id: "e1", name: "a.b", timestamp: event.timestamp, deliverAt: event.deliverAt, duplicate: false },
    ]);
  });

  it("records an event with no subscribers as succeeded with no runs", async () => {
    const { engine, clock } = createTestEngine();
    await engine.deliver([envelope("a.b", {}, { id: "lonely" })]);
    await clock.advance(0);
    expect(engine.history.get("lonely")).toMatchObject({ status: "succeeded", runs: [] });
  });

  it("sends an event to the subscribers present when it is due: one who subscribes later does not get it", async () => {
    const { engine, clock } = createTestEngine();
    const got: string[] = [];
    engine.subscribe("a.b", (d) => void got.push(`early:${d.envelope.id}`));
    const pending = engine.deliver([
      envelope("a.b", {}, { id: "now" }),
      envelope("a.b", {}, { id: "later", delayMs: 1000 }),
    ]);
    engine.subscribe("a.b", (d) => void got.push(`late:${d.envelope.id}`));
    await pending;
    await clock.advance(0);
    expect(got).toEqual(["early:now"]);
    // a delayed event goes to whoever is subscribed when it falls due
    await clock.advance(1000);
    expect(got.sort()).toEqual(["early:later", "early:now", "late:later"]);
  });

  it("has settled an event nobody subscribed to by the time deliver resolves", async () => {
    const { engine } = createTestEngine();
    const [receipt] = await engine.deliver([envelope("a.b", {}, { id: "alone" })]);
    expect(receipt!.duplicate).toBe(false);
    expect(engine.history.get("alone")).toMatchObject({ status: "succeeded", runs: [] });
    await engine.drain();
  });

  it("keeps both records when an id forgotten by dedupe (dedupeLimit below historyLimit) comes again; get() returns the newest", async () => {
    const { engine, clock } = createTestEngine({ dedupeLimit: 1, historyLimit: 10 });
    const first = envelope("a.b", { n: 1 }, { id: "x" });
    await engine.deliver([first, envelope("a.b", {}, { id: "y" }), envelope("a.b", { n: 2 }, { id: "x" })]);
    await clock.advance(0);
    expect(engine.history.list().map((r) => r.event.id)).toEqual(["x", "y", "x"]);
    expect(engine.history.get("x")!.event.payload).toEqual({ n: 2 });
  });

  it("runs the other subscribers when one fails, and records the failure", async () => {
    const { engine, clock } = createTestEngine({ maxAttempts: 1 });
    const ran: string[] = [];
    engine.subscribe(
      "a.b",
      () => {
        throw Object.assign(new Error("card declined"), { code: "E_CARD" });
      },
      { id: "charge" },
    );
    engine.subscribe("a.b", async () => void ran.push("email"), { id: "email" });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    expect(ran).toEqual(["email"]);
    const record = engine.history.get("e1")!;
    expect(record.status).toBe("failed");
    expect(record.runs.find((r) => r.subscriber === "charge")).toMatchObject({
      id: "e1:charge",
      status: "failed",
      attempts: 1,
      error: { name: "Error", message: "card declined", code: "E_CARD" },
    });
    expect(record.runs.find((r) => r.subscriber === "email")).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(record.runs.find((r) => r.subscriber === "email")).not.toHaveProperty("error");
  });
});

describe("retries", () => {
  it("backs off 100, 200, 400 ms by default", async () => {
    const { engine, clock } = createTestEngine({ maxAttempts: 4 });
    const { handler, times } = flaky(clock, 10);
    engine.subscribe("a.b", handler);
    await engine.deliver([envelope("a.b")]);
    await clock.advance(99);
    expect(times).toEqual([0]);
    await clock.advance(10_000);
    expect(times).toEqual([0, 100, 300, 700]);
  });

  it("follows a custom backoff, capped at maxMs", async () => {
    const { engine, clock } = createTestEngine({
      maxAttempts: 5,
      backoff: { initialMs: 1000, factor: 3, maxMs: 5000 },
    });
    const { handler, times } = flaky(clock, 10);
    engine.subscribe("a.b", handler);
    await engine.deliver([envelope("a.b")]);
    await clock.advance(60_000);
    expect(times).toEqual([0, 1000, 4000, 9000, 14_000]);
  });

  it("succeeds on a later attempt and clears the earlier error", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 1);
    const attempts: number[] = [];
    engine.subscribe(
      "a.b",
      (d) => {
        attempts.push(d.attempt);
        handler();
      },
      { id: "s" },
    );
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(1000);
    expect(attempts).toEqual([1, 2]);
    expect(times).toEqual([0, 100]);
    const run = engine.history.get("e1")!.runs[0]!;
    expect(run).toMatchObject({ status: "succeeded", attempts: 2, durationMs: 100 });
    expect(run).not.toHaveProperty("error");
  });

  it("stops at the engine's maxAttempts (3 by default)", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 10);
    engine.subscribe("a.b", handler);
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(60_000);
    expect(times).toHaveLength(3);
    expect(engine.history.get("e1")!.runs[0]).toMatchObject({
      status: "failed",
      attempts: 3,
      error: { message: "boom" },
    });
  });

  it("lets a subscriber set its own maxAttempts", async () => {
    const { engine, clock } = createTestEngine({ maxAttempts: 2 });
    const few = flaky(clock, 10);
    const many = flaky(clock, 10);
    engine.subscribe("a.b", few.handler, { id: "few" });
    engine.subscribe("a.b", many.handler, { id: "many", maxAttempts: 5 });
    await engine.deliver([envelope("a.b")]);
    await clock.advance(60_000);
    expect(few.times).toHaveLength(2);
    expect(many.times).toHaveLength(5);
  });

  it.each([
    [
      "an EventValidationError",
      () => new EventValidationError("a.b", [{ message: "Required", path: ["x"] }]),
      "VALIDATION_FAILED",
    ],
    ["an InvalidOptionsError", () => new InvalidOptionsError("bad"), "INVALID_OPTIONS"],
    [
      "a TransportError with retryable: false",
      () => new TransportError("gone", { retryable: false }),
      "TRANSPORT_FAILED",
    ],
    ["any error with retryable: false", () => Object.assign(new Error("permanent"), { retryable: false }), undefined],
  ])("does not retry %s", async (_, make, code) => {
    const { engine, clock } = createTestEngine({ maxAttempts: 5 });
    const { handler, times } = flaky(clock, 10, make);
    engine.subscribe("a.b", handler);
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(60_000);
    expect(times).toEqual([0]);
    const run = engine.history.get("e1")!.runs[0]!;
    expect(run.status).toBe("failed");
    expect(run.error?.code).toBe(code);
  });

  it("retries a TransportError marked retryable", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 10, () => new TransportError("flaky", { retryable: true }));
    engine.subscribe("a.b", handler);
    await engine.deliver([envelope("a.b")]);
    await clock.advance(60_000);
    expect(times).toEqual([0, 100, 300]);
  });
});

describe("subscriber ids", () => {
  it("names a subscriber after its handler, else <event>#<n>, and keeps ids unique per event", async () => {
    const { engine, clock } = createTestEngine();
    function sendWelcome(): void {}
    engine.subscribe("a.b", sendWelcome);
    engine.subscribe("a.b", sendWelcome);
    engine.subscribe("a.b", () => undefined, { id: "crm" });
    engine.subscribe("a.b", () => undefined, { id: "crm" });
    engine.subscribe(
      "a.b",
      (
        () => () =>
          undefined
      )(),
    );
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    const runs = engine.history.get("e1")!.runs;
    expect(runs.map((r) => r.subscriber)).toEqual([
      "sendWelcome",
      "sendWelcome#2",
      "crm",
      "crm#2",
      expect.stringMatching(/^a\.b#\d+$/),
    ]);
    expect(runs.map((r) => r.id)).toEqual(runs.map((r) => `e1:${r.subscriber}`));
  });
});

describe("options", () => {
  it.each([
    [{ maxAttempts: 0 }, /maxAttempts/],
    [{ maxAttempts: -1 }, /maxAttempts/],
    [{ maxAttempts: 1.5 }, /maxAttempts/],
    [{ maxAttempts: Number.NaN }, /maxAttempts/],
    [{ historyLimit: 0 }, /historyLimit/],
    [{ dedupeLimit: 0 }, /dedupeLimit/],
  ])("rejects %o with InvalidOptionsError", (options, message) => {
    expect(() => createEmbeddedEngine(options)).toThrow(InvalidOptionsError);
    expect(() => createEmbeddedEngine(options)).toThrow(message);
  });

  it("rejects a subscriber's maxAttempts of 0", () => {
    const { engine } = createTestEngine();
    expect(() => engine.subscribe("a.b", () => undefined, { maxAttempts: 0 })).toThrow(InvalidOptionsError);
  });
});

describe("failures never escape", () => {
  const throwers: Record<string, (d: Delivery) => unknown> = {
    syncError: () => {
      throw new Error("sync");
    },
    asyncError: async () => {
      throw new Error("async");
    },
    string: () => {
      throw "a string";
    },
    number: () => Promise.reject(42),
    undefinedValue: () => Promise.reject(undefined),
    nullValue: () => {
      throw null;
    },
    symbol: () => {
      throw Symbol("thrown");
    },
    bareObject: () => {
      throw Object.create(null);
    },
    thenable: () => ({ then: (_: unknown, reject: (e: unknown) => void) => reject(new Error("thenable")) }),
  };

  it("records every kind of failure as a failed run, and no rejection reaches the process", async () => {
    const watch = watchEscapes();
    const { engine, clock } = createTestEngine({ maxAttempts: 2 });
    for (const [id, handler] of Object.entries(throwers)) engine.subscribe("a.b", handler, { id });
    engine.subscribe("a.b", () => new Promise((_, reject) => clock.setTimeout(() => reject(new Error("late")), 50)), {
      id: "lateReject",
    });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(10_000);
    await engine.drain();
    const runs = engine.history.get("e1")!.runs;
    expect(runs).toHaveLength(Object.keys(throwers).length + 1);
    for (const run of runs)
      expect(run, run.subscriber).toMatchObject({
        status: "failed",
        attempts: 2,
        error: { message: expect.any(String) },
      });
    expect(runs.find((r) => r.subscriber === "string")!.error).toEqual({ name: "Error", message: "a string" });
    expect(engine.history.get("e1")!.status).toBe("failed");
    expect(await watch.stop()).toEqual([]);
  });
});
