import { describe, expect, it } from "vitest";
import { createEmbeddedEngine, type EngineActivity } from "../../../src/index.js";
import { createEnvelope } from "../../../src/core/envelope.js";
import { createManualClock } from "../../../src/testing.js";

const envelope = (name: string, deliverAt?: number) =>
  createEnvelope({ name, payload: { n: 1 }, now: Date.UTC(2026, 0, 1), deliverAt });

// "event:<status>" or "run:<subscriber>:<status>", read at the moment of the call (records are live)
const describeActivity = (a: EngineActivity): string =>
  a.type === "event" ? `event:${a.record.status}` : `run:${a.run.subscriber}:${a.run.status}`;

describe("EmbeddedEngine.observe", () => {
  it("reports acceptance, each run's start, retry and end, and the event's end, in order", async () => {
    const clock = createManualClock();
    const engine = createEmbeddedEngine({ clock, backoff: { initialMs: 10 } });
    let calls = 0;
    engine.subscribe("a.b", () => {}, { id: "ok" });
    engine.subscribe(
      "a.b",
      () => {
        if (++calls === 1) throw new Error("once");
      },
      { id: "flaky" },
    );
    const seen: string[] = [];
    engine.observe((activity) => seen.push(describeActivity(activity)));
    await engine.deliver([envelope("a.b")]);
    await clock.advance(10);
    await engine.drain();
    // subscribers run concurrently: their interleaving is not part of the contract, each one's order is
    const only = (prefix: string): string[] => seen.filter((line) => line.startsWith(prefix));
    expect(seen[0]).toBe("event:running");
    expect(seen.at(-1)).toBe("event:succeeded");
    expect(only("event:")).toEqual(["event:running", "event:succeeded"]);
    expect(only("run:ok:")).toEqual(["run:ok:running", "run:ok:succeeded"]);
    expect(only("run:flaky:")).toEqual([
      "run:flaky:running",
      "run:flaky:retrying",
      "run:flaky:running",
      "run:flaky:succeeded",
    ]);
  });

  it("reports a scheduled event, and its cancellation on close", async () => {
    const clock = createManualClock();
    const engine = createEmbeddedEngine({ clock });
    const seen: string[] = [];
    engine.observe((activity) => seen.push(describeActivity(activity)));
    await engine.deliver([envelope("a.b", clock.now() + 60_000)]);
    await engine.close();
    expect(seen).toEqual(["event:scheduled", "event:cancelled"]);
  });

  it("ignores a listener that throws, and stops calling one that unsubscribed", async () => {
    const engine = createEmbeddedEngine();
    engine.subscribe("a.b", () => {}, { id: "s" });
    engine.observe(() => {
      throw new Error("observer bug");
    });
    const seen: string[] = [];
    const stop = engine.observe((activity) => seen.push(describeActivity(activity)));
    await engine.deliver([envelope("a.b")]);
    await engine.drain();
    expect(engine.history.list()[0]?.status).toBe("succeeded");
    const before = seen.length;
    expect(before).toBeGreaterThan(0);
    stop();
    await engine.deliver([envelope("a.b")]);
    await engine.drain();
    expect(seen.length).toBe(before);
  });
});
