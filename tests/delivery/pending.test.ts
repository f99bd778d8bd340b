import { describe, expect, it } from "vitest";
import { createPendingCounter } from "../../src/delivery/pending.js";

describe("createPendingCounter", () => {
  it("resolves idle() when the count returns to zero, at once when nothing is pending", async () => {
    const pending = createPendingCounter();
    await pending.idle();
    pending.begin();
    pending.begin();
    let idle = false;
    const waiting = pending.idle().then(() => (idle = true));
    pending.end();
    await Promise.resolve();
    expect(idle).toBe(false);
    pending.end();
    await waiting;
    expect(pending.count).toBe(0);
  });

  it("release() frees waiters, and a late end() never takes the count below zero", async () => {
    const pending = createPendingCounter();
    pending.begin();
    const waiting = pending.idle();
    pending.release();
    await waiting;
    pending.end();
    expect(pending.count).toBe(0);
    await pending.idle();
  });
});
