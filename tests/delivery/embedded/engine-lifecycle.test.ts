import { describe, expect, it } from "vitest";
import { TransportError } from "../../../src/core/errors.js";
import { createTestEngine, envelope, flaky, T0 } from "../../helpers/engine.js";

/** Tracks whether a promise has settled, without awaiting it. */
function track(promise: Promise<unknown>): { readonly done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

describe("delays", () => {
  it("runs a delayed event only when the clock reaches its time", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 0);
    engine.subscribe("a.b", handler);
    await engine.deliver([envelope("a.b", {}, { id: "e1", delayMs: 60_000 })]);
    await clock.advance(59_999);
    expect(times).toEqual([]);
    expect(engine.history.get("e1")!.status).toBe("scheduled");
    await clock.advance(1);
    expect(times).toEqual([60_000]);
    expect(engine.history.get("e1")!.status).toBe("succeeded");
  });

  it("runs an event whose deliverAt has passed at once", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 0);
    engine.subscribe("a.b", handler);
    await clock.advance(10_000);
    await engine.deliver([envelope("a.b", {}, { delayMs: 5000 })]); // due at T0 + 5s, now is T0 + 10s
    await clock.advance(0);
    expect(times).toEqual([10_000]);
  });

  it("fires several delays in due order", async () => {
    const { engine, clock } = createTestEngine();
    const order: string[] = [];
    engine.subscribe("a.b", (d) => void order.push(d.envelope.id));
    await engine.deliver([
      envelope("a.b", {}, { id: "late", delayMs: 3000 }),
      envelope("a.b", {}, { id: "soon", delayMs: 1000 }),
    ]);
    await engine.deliver([envelope("a.b", {}, { id: "now" })]);
    await clock.advance(5000);
    expect(order).toEqual(["now", "soon", "late"]);
  });
});

describe("drain", () => {
  it("resolves at once when nothing is pending", async () => {
    const { engine } = createTestEngine();
    await expect(engine.drain()).resolves.toBeUndefined();
  });

  it("waits for pending retries and delayed events until the clock moves past them", async () => {
    const { engine, clock } = createTestEngine();
    engine.subscribe("a.b", flaky(clock, 1).handler);
    await engine.deliver([envelope("a.b"), envelope("a.b", {}, { delayMs: 30_000 })]);
    const drained = track(engine.drain());
    await clock.advance(1000);
    expect(drained.done).toBe(false);
    await clock.advance(30_000);
    expect(drained.done).toBe(true);
  });

  it("waits for every subscriber even when one throws a value that cannot be turned into a string", async () => {
    const { engine, clock } = createTestEngine();
    engine.subscribe(
      "a.b",
      () => {
        throw Object.create(null);
      },
      { maxAttempts: 1 },
    );
    engine.subscribe("a.b", flaky(clock, 1).handler);
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    const drained = track(engine.drain());
    await clock.advance(0);
    expect(drained.done).toBe(false);
    await clock.advance(100);
    expect(drained.done).toBe(true);
    expect(engine.history.get("e1")!.runs.map((r) => r.status)).toEqual(["failed", "succeeded"]);
  });
});

describe("close", () => {
  it("cancels scheduled events and pending retries, and releases their timers", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 10);
    engine.subscribe("a.b", handler, { id: "s" });
    await engine.deliver([envelope("a.b", {}, { id: "later", delayMs: 60_000 }), envelope("a.b", {}, { id: "now" })]);
    await clock.advance(0);
    expect(engine.history.get("now")!.runs[0]!.status).toBe("retrying");
    await engine.close();
    expect(clock.pending()).toBe(0);
    await clock.advance(120_000);
    expect(times).toEqual([0]);
    expect(engine.history.get("later")).toMatchObject({ status: "cancelled", runs: [] });
    expect(engine.history.get("now")).toMatchObject({
      status: "cancelled",
      runs: [{ status: "cancelled", attempts: 1 }],
    });
    await expect(engine.drain()).resolves.toBeUndefined();
  });

  it("aborts the signal of running attempts and waits for them to settle", async () => {
    const { engine, clock } = createTestEngine();
    let signal: AbortSignal | undefined;
    engine.subscribe("a.b", (d) => {
      signal = d.signal;
      return new Promise((_, reject) => d.signal.addEventListener("abort", () => reject(d.signal.reason)));
    });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    expect(signal?.aborted).toBe(false);
    await engine.close();
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBeInstanceOf(TransportError);
    expect(engine.history.get("e1")!.runs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      error: { code: "TRANSPORT_FAILED" },
    });
  });

  it("rejects later deliveries with a TransportError, and can be called twice", async () => {
    const { engine } = createTestEngine();
    await engine.close();
    await engine.close();
    await expect(engine.deliver([envelope("a.b")])).rejects.toThrow(TransportError);
  });
});

describe("unsubscribe", () => {
  it("stops deliveries through the returned function", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 0);
    const unsubscribe = engine.subscribe("a.b", handler);
    await engine.deliver([envelope("a.b")]);
    await clock.advance(0);
    unsubscribe();
    unsubscribe();
    await engine.deliver([envelope("a.b")]);
    await clock.advance(0);
    expect(times).toHaveLength(1);
  });

  it("stops deliveries when its AbortSignal aborts, or at once when already aborted", async () => {
    const { engine, clock } = createTestEngine();
    const controller = new AbortController();
    const live = flaky(clock, 0);
    const dead = flaky(clock, 0);
    engine.subscribe("a.b", live.handler, { signal: controller.signal });
    engine.subscribe("a.b", dead.handler, { signal: AbortSignal.abort() });
    await engine.deliver([envelope("a.b")]);
    await clock.advance(0);
    controller.abort();
    await engine.deliver([envelope("a.b")]);
    await clock.advance(0);
    expect(live.times).toHaveLength(1);
    expect(dead.times).toHaveLength(0);
  });

  it("cancels a run whose retry is waiting", async () => {
    const { engine, clock } = createTestEngine();
    const { handler, times } = flaky(clock, 10);
    const unsubscribe = engine.subscribe("a.b", handler, { id: "s" });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    unsubscribe();
    await clock.advance(10_000);
    await engine.drain();
    expect(times).toEqual([0]);
    expect(engine.history.get("e1")).toMatchObject({
      status: "cancelled",
      runs: [{ status: "cancelled", attempts: 1 }],
    });
  });
});

describe("dedupe", () => {
  it("runs each subscriber once for an id sent twice, and marks the second receipt duplicate", async () => {
    const { engine, clock } = createTestEngine();
    const a = flaky(clock, 0);
    const b = flaky(clock, 0);
    engine.subscribe("a.b", a.handler);
    engine.subscribe("a.b", b.handler);
    const [first] = await engine.deliver([envelope("a.b", {}, { id: "same" })]);
    const [second, third] = await engine.deliver([
      envelope("a.b", {}, { id: "same" }),
      envelope("a.b", {}, { id: "same" }),
    ]);
    await clock.advance(0);
    expect([first!.duplicate, second!.duplicate, third!.duplicate]).toEqual([false, true, true]);
    expect(a.times).toHaveLength(1);
    expect(b.times).toHaveLength(1);
    expect(engine.history.list()).toHaveLength(1);
  });

  it("forgets the oldest ids past dedupeLimit", async () => {
    const { engine, clock } = createTestEngine({ dedupeLimit: 2 });
    const { handler, times } = flaky(clock, 0);
    engine.subscribe("a.b", handler);
    for (const id of ["x", "y", "z", "x"]) await engine.deliver([envelope("a.b", {}, { id })]);
    const [again] = await engine.deliver([envelope("a.b", {}, { id: "z" })]);
    await clock.advance(0);
    expect(times).toHaveLength(4);
    expect(again!.duplicate).toBe(true);
  });
});

it("stamps runs with the clock's time", async () => {
  const { engine, clock } = createTestEngine();
  engine.subscribe("a.b", flaky(clock, 1).handler, { id: "s" });
  await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
  await clock.advance(1000);
  expect(engine.history.get("e1")!.runs[0]).toMatchObject({
    startedAt: new Date(T0).toISOString(),
    finishedAt: new Date(T0 + 100).toISOString(),
    durationMs: 100,
  });
});
