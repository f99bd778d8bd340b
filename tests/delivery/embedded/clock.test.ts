import { afterEach, describe, expect, it, vi } from "vitest";
import { createManualClock, systemClock } from "../../../src/delivery/embedded/clock.js";

describe("createManualClock", () => {
  it("starts at 2026-01-01 by default, or at the given time", () => {
    expect(createManualClock().now()).toBe(Date.UTC(2026, 0, 1));
    expect(createManualClock(5).now()).toBe(5);
    expect(createManualClock(new Date(1234)).now()).toBe(1234);
  });

  it("fires due timers in time order, then by creation order, with now set to each timer's time", async () => {
    const clock = createManualClock(0);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(["c", clock.now()]), 30);
    clock.setTimeout(() => fired.push(["a", clock.now()]), 10);
    clock.setTimeout(() => fired.push(["b", clock.now()]), 10);
    clock.setTimeout(() => fired.push(["later", clock.now()]), 100);
    await clock.advance(50);
    expect(fired).toEqual([
      ["a", 10],
      ["b", 10],
      ["c", 30],
    ]);
    expect(clock.now()).toBe(50);
    expect(clock.pending()).toBe(1);
  });

  it("fires timers that callbacks schedule within the advanced window", async () => {
    const clock = createManualClock(0);
    const fired: number[] = [];
    const tick = (): void => {
      fired.push(clock.now());
      if (fired.length < 10) clock.setTimeout(tick, 10);
    };
    clock.setTimeout(tick, 10);
    await clock.advance(35);
    expect(fired).toEqual([10, 20, 30]);
  });

  it("lets promises settle after each timer, so awaited work after a timer runs within advance()", async () => {
    const clock = createManualClock(0);
    const steps: number[] = [];
    const work = async (): Promise<void> => {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
      steps.push(clock.now());
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
      steps.push(clock.now());
    };
    void work();
    await clock.advance(20);
    expect(steps).toEqual([10, 20]);
  });

  it("never fires a cleared timer, and treats a negative delay as 0", async () => {
    const clock = createManualClock(0);
    const fired: string[] = [];
    const handle = clock.setTimeout(() => fired.push("cleared"), 5);
    clock.setTimeout(() => fired.push("negative"), -10);
    clock.clearTimeout(handle);
    await clock.advance(0);
    expect(fired).toEqual(["negative"]);
    expect(clock.pending()).toBe(0);
  });
});

describe("systemClock", () => {
  afterEach(() => void vi.useRealTimers());

  it("re-arms waits longer than setTimeout's 2^31-1 ms limit instead of firing early", () => {
    vi.useFakeTimers({ now: 0 });
    const fired = vi.fn();
    const fortyDays = 40 * 24 * 60 * 60 * 1000;
    systemClock.setTimeout(fired, fortyDays);
    vi.advanceTimersByTime(2_147_483_647 + 1000);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(fortyDays - 2_147_483_647 - 1000);
    expect(fired).toHaveBeenCalledOnce();
  });

  it("can clear a timer, including one that has re-armed", () => {
    vi.useFakeTimers({ now: 0 });
    const fired = vi.fn();
    const handle = systemClock.setTimeout(fired, 30 * 24 * 60 * 60 * 1000);
    vi.advanceTimersByTime(2_147_483_647 + 1);
    systemClock.clearTimeout(handle);
    vi.runAllTimers();
    expect(fired).not.toHaveBeenCalled();
    expect(systemClock.now()).toBe(Date.now());
  });
});
