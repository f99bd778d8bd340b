import { describe, expect, it } from "vitest";
import { createHistory, type MutableEventRecord } from "../../../src/delivery/embedded/history.js";
import { createTestEngine, envelope } from "../../helpers/engine.js";

function record(
  id: string,
  name: string,
  status: MutableEventRecord["status"],
  runs: ("succeeded" | "failed")[] = [],
): MutableEventRecord {
  return {
    event: envelope(name, {}, { id }),
    status,
    runs: runs.map((s, i) => ({ id: `${id}:${i}`, subscriber: String(i), status: s, attempts: 1, startedAt: "" })),
  };
}

describe("history store", () => {
  it("keeps at most `limit` records, dropping the oldest", () => {
    const history = createHistory(2);
    for (const id of ["a", "b", "c"]) history.add(record(id, "x.y", "succeeded"));
    expect(history.get("a")).toBeUndefined();
    expect(history.list().map((r) => r.event.id)).toEqual(["c", "b"]);
  });

  it("lists newest first, filtered by name and status, up to limit", () => {
    const history = createHistory(10);
    history.add(record("1", "user.created", "succeeded"));
    history.add(record("2", "user.deleted", "failed"));
    history.add(record("3", "user.created", "failed"));
    history.add(record("4", "user.created", "succeeded"));
    const ids = (query: Parameters<typeof history.list>[0]): string[] => history.list(query).map((r) => r.event.id);
    expect(ids({})).toEqual(["4", "3", "2", "1"]);
    expect(ids({ name: "user.created" })).toEqual(["4", "3", "1"]);
    expect(ids({ status: "failed" })).toEqual(["3", "2"]);
    expect(ids({ name: "user.created", status: "succeeded", limit: 1 })).toEqual(["4"]);
    expect(ids({ limit: 0 })).toEqual([]);
  });

  it("counts events and runs per name, with a success rate over finished events", () => {
    const history = createHistory(10);
    history.add(record("1", "user.created", "succeeded", ["succeeded", "succeeded"]));
    history.add(record("2", "user.created", "failed", ["succeeded", "failed"]));
    history.add(record("3", "user.created", "succeeded"));
    history.add(record("4", "user.created", "scheduled"));
    history.add(record("5", "user.deleted", "cancelled"));
    const stats = history.stats();
    expect(stats.byName["user.created"]).toEqual({
      events: 4,
      succeeded: 2,
      failed: 1,
      pending: 1,
      successRate: 2 / 3,
      runs: { succeeded: 3, failed: 1 },
    });
    expect(stats.byName["user.deleted"]).toMatchObject({ events: 1, pending: 0, successRate: null });
    expect(stats).toMatchObject({ events: 5, succeeded: 2, failed: 1, pending: 1, successRate: 2 / 3 });
  });

  it("reports a null success rate before anything finished, and empties on clear", () => {
    const history = createHistory(10);
    expect(history.stats()).toMatchObject({ events: 0, successRate: null, byName: {} });
    history.add(record("1", "a.b", "running"));
    expect(history.stats().successRate).toBeNull();
    history.clear();
    expect(history.list()).toEqual([]);
  });
});

describe("engine history", () => {
  it("is bounded by historyLimit", async () => {
    const { engine, clock } = createTestEngine({ historyLimit: 3 });
    for (let i = 0; i < 5; i++) await engine.deliver([envelope("a.b", {}, { id: `e${i}` })]);
    await clock.advance(0);
    expect(engine.history.list().map((r) => r.event.id)).toEqual(["e4", "e3", "e2"]);
    expect(engine.history.get("e0")).toBeUndefined();
  });

  it("tracks success per event name from real runs", async () => {
    const { engine, clock } = createTestEngine({ maxAttempts: 1 });
    engine.subscribe("pay.charge", (d) => {
      if ((d.envelope.payload as { fail: boolean }).fail) throw new Error("declined");
    });
    for (const fail of [false, true, false, false]) await engine.deliver([envelope("pay.charge", { fail })]);
    await engine.deliver([envelope("user.created")]);
    await clock.advance(0);
    const stats = engine.history.stats();
    expect(stats.byName["pay.charge"]).toMatchObject({
      events: 4,
      succeeded: 3,
      failed: 1,
      successRate: 0.75,
      runs: { succeeded: 3, failed: 1 },
    });
    expect(stats.byName["user.created"]).toMatchObject({ events: 1, succeeded: 1, successRate: 1 });
    expect(engine.history.list({ status: "failed" })).toHaveLength(1);
    expect(engine.history.list({ name: "user.created" })).toHaveLength(1);
  });
});
