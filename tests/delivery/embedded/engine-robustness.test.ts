import { describe, expect, it } from "vitest";
import { HandlerTimeoutError, InvalidOptionsError } from "../../../src/core/errors.js";
import type { Delivery } from "../../../src/delivery/transport.js";
import { createTestEngine, envelope } from "../../helpers/engine.js";

function hostileError(): Error {
  const error = new Error("x");
  Object.defineProperty(error, "message", {
    get() {
      throw new Error("message getter");
    },
  });
  Object.defineProperty(error, "retryable", {
    get() {
      throw new Error("retryable getter");
    },
  });
  return error;
}

const trap = (): never => {
  throw new Error("trap");
};
const hostileProxy = (): unknown =>
  new Proxy({}, { get: trap, getPrototypeOf: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap });

describe("whatever a handler throws, the run settles", () => {
  it.each([
    ["an Error whose message and retryable getters throw", hostileError],
    ["a Proxy whose every trap throws", hostileProxy],
    ["null", () => null],
    ["undefined", () => undefined],
    ["an object whose toString throws", () => ({ toString: trap })],
    ["an Error whose code getter throws", () => Object.defineProperty(new Error("c"), "code", { get: trap })],
    ["an Error with a megabyte message", () => new Error("m".repeat(1_000_000))],
  ])("%s: the run ends failed after its attempts, with a safe description", async (_, thrown) => {
    const { engine, clock } = createTestEngine({ maxAttempts: 2 });
    let calls = 0;
    engine.subscribe("a.b", () => {
      calls++;
      throw thrown();
    });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(1000);
    await engine.drain();
    const record = engine.history.get("e1")!;
    expect(record.status).toBe("failed");
    const run = record.runs[0]!;
    expect(run).toMatchObject({ status: "failed", attempts: 2 });
    expect(calls).toBe(2);
    expect(typeof run.error!.name).toBe("string");
    expect(typeof run.error!.message).toBe("string");
    expect(run.error!.message.length).toBeLessThanOrEqual(1000);
  });

  it("the same for a rejected promise of a hostile value", async () => {
    const { engine, clock } = createTestEngine({ maxAttempts: 1 });
    engine.subscribe("a.b", () => Promise.reject(hostileProxy()));
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    await engine.drain();
    expect(engine.history.get("e1")).toMatchObject({ status: "failed", runs: [{ status: "failed" }] });
  });
});

const never = (): Promise<never> => new Promise<never>(() => undefined);

describe("per-run time limit", () => {
  it("aborts the attempt's signal and fails it with HandlerTimeoutError, retried like any failure", async () => {
    const { engine, clock } = createTestEngine({ backoff: { initialMs: 100 } });
    const signals: AbortSignal[] = [];
    engine.subscribe(
      "a.b",
      (d: Delivery) => {
        signals.push(d.signal);
        return never();
      },
      { timeoutMs: 1000, maxAttempts: 2 },
    );
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(999);
    expect(signals.map((s) => s.aborted)).toEqual([false]);
    await clock.advance(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(signals[0]!.reason).toBeInstanceOf(HandlerTimeoutError);
    expect(engine.history.get("e1")!.runs[0]).toMatchObject({ status: "retrying", attempts: 1 });
    await clock.advance(100 + 1000);
    await engine.drain();
    expect(signals).toHaveLength(2);
    expect(engine.history.get("e1")).toMatchObject({
      status: "failed",
      runs: [{ status: "failed", attempts: 2, error: { name: "HandlerTimeoutError", code: "HANDLER_TIMEOUT" } }],
    });
  });

  it("takes the engine's timeoutMs as the default, and leaves a handler that settles in time alone", async () => {
    const { engine, clock } = createTestEngine({ timeoutMs: 500, maxAttempts: 1 });
    engine.subscribe("a.b", never, { id: "stuck" });
    engine.subscribe("a.b", () => new Promise((resolve) => setTimeout(resolve, 0)), { id: "quick" });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await clock.advance(500);
    await engine.drain();
    const runs = engine.history.get("e1")!.runs;
    expect(runs.find((r) => r.subscriber === "quick")).toMatchObject({ status: "succeeded" });
    expect(runs.find((r) => r.subscriber === "stuck")).toMatchObject({
      status: "failed",
      error: { code: "HANDLER_TIMEOUT" },
    });
  });

  it("refuses a timeoutMs that is not a whole number of 1 or more", () => {
    const { engine } = createTestEngine();
    expect(() => engine.subscribe("a.b", () => undefined, { timeoutMs: 0 })).toThrow(InvalidOptionsError);
    expect(() => createTestEngine({ timeoutMs: 1.5 })).toThrow(InvalidOptionsError);
    expect(() => createTestEngine({ closeTimeoutMs: -1 })).toThrow(InvalidOptionsError);
  });
});

describe("close() is bounded", () => {
  it("resolves after its timeout though a handler never settles, marking the run cancelled", async () => {
    const { engine, clock } = createTestEngine();
    let signal: AbortSignal | undefined;
    engine.subscribe("a.b", (d) => {
      signal = d.signal;
      return never();
    });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    let closed = false;
    const closing = engine.close({ timeoutMs: 2000 }).then(() => (closed = true));
    expect(signal!.aborted).toBe(true);
    await clock.advance(1999);
    expect(closed).toBe(false);
    await clock.advance(1);
    await closing;
    expect(engine.history.get("e1")).toMatchObject({
      status: "cancelled",
      runs: [{ status: "cancelled", error: { code: "HANDLER_TIMEOUT" } }],
    });
    await engine.drain(); // released too
  });

  it("waits the engine's closeTimeoutMs by default, and no longer than the runs need", async () => {
    const { engine, clock } = createTestEngine({ closeTimeoutMs: 300 });
    engine.subscribe("a.b", never);
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    const closing = engine.close();
    await clock.advance(300);
    await closing;
    expect(engine.history.get("e1")!.status).toBe("cancelled");

    const other = createTestEngine();
    other.engine.subscribe("a.b", (d) => new Promise((resolve) => d.signal.addEventListener("abort", resolve)));
    await other.engine.deliver([envelope("a.b", {}, { id: "e2" })]);
    await other.clock.advance(0);
    await other.engine.close(); // the handler settles on abort: no clock advance needed
    expect(other.engine.history.get("e2")!.runs[0]!.status).toBe("succeeded");
  });
});

describe("unsubscribing wins for runs that have not started", () => {
  it("deliver(); off() in the same tick: the handler does not run", async () => {
    const { engine, clock } = createTestEngine();
    let calls = 0;
    const off = engine.subscribe("a.b", () => void calls++);
    const delivered = engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    off();
    await delivered;
    await clock.advance(0);
    await engine.drain();
    expect(calls).toBe(0);
    expect(engine.history.get("e1")).toMatchObject({ status: "succeeded", runs: [] });
  });

  it("a handler that unsubscribes a later subscriber stops it; one already started finishes", async () => {
    const { engine, clock } = createTestEngine();
    const calls: string[] = [];
    let offFirst = (): void => undefined;
    let offThird = (): void => undefined;
    offFirst = engine.subscribe("a.b", () => void calls.push("first"), { id: "first" });
    engine.subscribe(
      "a.b",
      () => {
        calls.push("second");
        offFirst(); // already running: it finishes
        offThird(); // not started yet: it does not run
      },
      { id: "second" },
    );
    offThird = engine.subscribe("a.b", () => void calls.push("third"), { id: "third" });
    await engine.deliver([envelope("a.b", {}, { id: "e1" })]);
    await clock.advance(0);
    await engine.drain();
    expect(calls).toEqual(["first", "second"]);
    expect(engine.history.get("e1")!.runs.map((r) => `${r.subscriber}:${r.status}`)).toEqual([
      "first:succeeded",
      "second:succeeded",
    ]);
  });
});
