/**
 * Code the engine loads on first use (bench/size: start-up code): the conflict check, on the first
 * send with a caller-chosen id, and close()'s abandoning of runs that outlived its timeout. Each
 * test imports the engine afresh (vi.resetModules), so its first use really is the first: the
 * behaviour must be the same then and on every use after, in the same engine and in another.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { envelope } from "../../helpers/engine.js";

async function freshEngine(options: { closeTimeoutMs?: number } = {}) {
  const { createEmbeddedEngine } = await import("../../../src/delivery/embedded/engine.js");
  const { createManualClock } = await import("../../../src/delivery/embedded/clock.js");
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  return { engine: createEmbeddedEngine({ ...options, clock }), clock };
}

const never = (): Promise<never> => new Promise<never>(() => undefined);

beforeEach(() => {
  vi.resetModules();
});

describe("close() before any send, and after sends, on a fresh module", () => {
  it("closes an engine that never sent, then one whose run outlives the timeout, then another", async () => {
    const idle = await freshEngine();
    await idle.engine.close();
    await expect(idle.engine.deliver([envelope("a.b", {}, { id: "e0" })])).rejects.toMatchObject({
      code: "TRANSPORT_FAILED",
    });
    for (const id of ["e1", "e2"]) {
      const { engine, clock } = await freshEngine({ closeTimeoutMs: 100 });
      engine.subscribe("a.b", never);
      await engine.deliver([envelope("a.b", {}, { id })]);
      await clock.advance(0);
      const closing = engine.close();
      await clock.advance(100);
      await closing;
      expect(engine.history.get(id), id).toMatchObject({
        status: "cancelled",
        runs: [{ status: "cancelled", error: { code: "HANDLER_TIMEOUT" } }],
      });
      await engine.drain(); // released
    }
  });

  it("a run that settles in time is not abandoned, on the first close as on the next", async () => {
    for (const id of ["e1", "e2"]) {
      const { engine, clock } = await freshEngine({ closeTimeoutMs: 100 });
      engine.subscribe("a.b", (d) => new Promise((resolve) => d.signal.addEventListener("abort", resolve)));
      await engine.deliver([envelope("a.b", {}, { id })]);
      await clock.advance(0);
      await engine.close();
      expect(engine.history.get(id)!.runs[0]!.status, id).toBe("succeeded");
    }
  });
});

describe("the conflict check, on the first send with a chosen id and after", () => {
  it("refuses a reused id with another payload, first in one batch, then across sends", async () => {
    const { engine } = await freshEngine();
    await expect(
      engine.deliver([envelope("a.b", { n: 1 }, { id: "x" }), envelope("a.b", { n: 2 }, { id: "x" })], {
        chosenIds: true,
      }),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_CONFLICT", id: "x" });
    expect(engine.history.get("x")).toBeUndefined(); // nothing of the batch was accepted
    await engine.deliver([envelope("a.b", { n: 1 }, { id: "x" })], { chosenIds: true });
    const [again] = await engine.deliver([envelope("a.b", { n: 1 }, { id: "x" })], { chosenIds: true });
    expect(again).toMatchObject({ id: "x", duplicate: true });
    await expect(engine.deliver([envelope("a.b", { n: 2 }, { id: "x" })], { chosenIds: true })).rejects.toMatchObject({
      code: "IDEMPOTENCY_CONFLICT",
      message: expect.stringContaining("another payload"),
    });
  });
});
