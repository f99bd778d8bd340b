import pg from "pg";
import { describe, expect, it } from "vitest";
import { defineEvents, type EngineActivity, type EventRecord } from "../../../src/index.js";
import { postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { usePostgres } from "../../helpers/use-postgres.js";

// transport.monitor(): history and activity read back from a real PostgreSQL 15, in the embedded
// engine's shape, for events sent by another transport (as another process would) and run here.

const postgres = usePostgres();
const open = postgres.open;

const fast = { pollingIntervalMs: 500, retryDelaySeconds: 1, retryBackoff: false } as const;

async function setup() {
  const url = await postgres.server.createDatabase();
  // the workers' side: subscribers that succeed, fail for good, and fail once then succeed
  const workers = await postgresTransport({ connectionString: url, ...fast, maxAttempts: 3 });
  open.push(workers);
  const app = defineEvents(schemas, { transport: workers });
  let flaky = 0;
  app.on("user.created", () => {}, { id: "welcome" });
  // one at a time, so this file does not depend on the set-up fix (subscribe-setup.test.ts)
  await workers.drain();
  app.on(
    "user.created",
    () => {
      throw Object.assign(new Error("crm is down"), { code: "CRM_DOWN", retryable: false });
    },
    { id: "crm" },
  );
  await workers.drain();
  app.on(
    "order.placed",
    () => {
      if (++flaky === 1) throw new Error("first attempt fails");
    },
    { id: "billing" },
  );
  await workers.drain(); // the queues and subscriptions exist before anything is sent
  // the sender's side: another transport on the same database, with no subscribers of its own
  const sender = await postgresTransport({ connectionString: url, ...fast });
  open.push(sender);
  const events = defineEvents(schemas, { transport: sender });
  return { url, workers, sender, events };
}

const byStatus = (record: EventRecord | undefined) =>
  Object.fromEntries((record?.runs ?? []).map((run) => [run.subscriber, run.status]));

async function until<T>(read: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("postgresTransport(...).monitor()", () => {
  it("reads events sent elsewhere with their runs: succeeded, failed with the error, retried with attempts, no subscribers, scheduled", async () => {
    const { events, sender, workers } = await setup();
    const user = await events.sendEvent("user.created", { email: "a@example.com", userId: "u1" });
    const order = await events.sendEvent("order.placed", { orderId: "o1", items: [{ sku: "a", qty: 1 }] });
    const lonely = await events.sendEvent("file.archived", { fileId: "f1", by: "ops" });
    const later = await events.sendEvent("file.uploaded", { fileId: "f2", filename: "b.png" }, { delay: "1h" });
    await workers.drain();

    const monitor = sender.monitor({ pollingIntervalMs: 200 });
    await monitor.ready();
    const { history } = monitor;
    expect(history.list().map((record) => record.event.id)).toEqual([later.id, lonely.id, order.id, user.id]);

    const userRecord = history.get(user.id)!;
    expect(userRecord.event).toMatchObject({ id: user.id, name: "user.created", payload: { userId: "u1" } });
    expect(userRecord.status).toBe("failed");
    expect(byStatus(userRecord)).toEqual({ welcome: "succeeded", crm: "failed" });
    const crm = userRecord.runs.find((run) => run.subscriber === "crm")!;
    expect(crm).toMatchObject({
      id: `${user.id}:crm`,
      attempts: 1,
      error: { name: "Error", message: "crm is down", code: "CRM_DOWN" },
    });
    expect(Date.parse(crm.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(crm.startedAt));
    expect(crm.durationMs).toBeGreaterThanOrEqual(0);

    const orderRecord = history.get(order.id)!;
    expect(orderRecord.status).toBe("succeeded");
    expect(orderRecord.runs).toEqual([
      expect.objectContaining({ subscriber: "billing", status: "succeeded", attempts: 2 }),
    ]);
    expect(orderRecord.runs[0]!.error).toBeUndefined();

    expect(history.get(lonely.id)).toMatchObject({ status: "succeeded", runs: [] });
    expect(history.get(later.id)).toMatchObject({
      status: "scheduled",
      runs: [],
      event: { deliverAt: later.deliverAt },
    });

    expect(history.list({ status: "failed" }).map((r) => r.event.id)).toEqual([user.id]);
    expect(history.list({ name: "order.placed" }).map((r) => r.event.id)).toEqual([order.id]);
    expect(history.list({ limit: 2 })).toHaveLength(2);
    const stats = history.stats();
    expect(stats).toMatchObject({ events: 4, succeeded: 2, failed: 1, pending: 1, runs: { succeeded: 2, failed: 1 } });
    expect(stats.byName["user.created"]).toMatchObject({ events: 1, failed: 1, successRate: 0 });
  }, 60_000);

  it("reports what changed between reads as the embedded engine's activity, and nothing for what it found at start", async () => {
    const { events, sender, workers } = await setup();
    const before = await events.sendEvent("file.archived", { fileId: "f0", by: "ops" });
    const monitor = sender.monitor({ pollingIntervalMs: 200 });
    await monitor.ready();
    const seen: EngineActivity[] = [];
    const stop = monitor.observe((activity) =>
      seen.push(activity.type === "run" ? { ...activity, run: { ...activity.run } } : activity),
    );
    const user = await events.sendEvent("user.created", { email: "b@example.com", userId: "u2" });
    await until(() => monitor.history.get(user.id)?.status === "failed");
    await workers.drain();
    const mine = seen.filter((activity) => activity.record.event.id === user.id);
    expect(seen.some((activity) => activity.record.event.id === before.id)).toBe(false);
    expect(mine[0]).toMatchObject({ type: "event" });
    const settled = mine.filter(
      (activity) => activity.type === "run" && ["succeeded", "failed"].includes(activity.run.status),
    );
    expect(
      settled.map((activity) => activity.type === "run" && [activity.run.subscriber, activity.run.status]).sort(),
    ).toEqual([
      ["crm", "failed"],
      ["welcome", "succeeded"],
    ]);
    expect(mine.at(-1)).toMatchObject({ type: "event", record: { status: "failed" } });

    // a listener that throws changes nothing; one that stopped hears nothing more
    stop();
    monitor.observe(() => {
      throw new Error("a broken listener");
    });
    const count = seen.length;
    const next = await events.sendEvent("file.archived", { fileId: "f3", by: "ops" });
    await until(() => monitor.history.get(next.id));
    expect(seen).toHaveLength(count);
  }, 60_000);

  it("finds runs pg-boss has archived, keeps the newest historyLimit events, and clear() forgets only what came before", async () => {
    const { url, events, sender, workers } = await setup();
    const first = await events.sendEvent("user.created", { email: "c@example.com", userId: "u3" });
    await workers.drain();
    // what pg-boss's maintenance does after archiveCompletedAfterSeconds: move finished jobs to archive
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    open.push({ close: () => pool.end() });
    const columns =
      "id, name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff, start_after, started_on, singleton_key, singleton_on, expire_in, created_on, completed_on, keep_until, dead_letter, policy, output";
    const moved = await pool.query(
      `WITH d AS (DELETE FROM pgboss.job WHERE name LIKE 'herald.%' RETURNING *) INSERT INTO pgboss.archive (${columns}) SELECT ${columns} FROM d`,
    );
    expect(moved.rowCount).toBe(2);
    for (let i = 0; i < 3; i++) await events.sendEvent("file.archived", { fileId: `f${i}`, by: "ops" });

    const monitor = sender.monitor({ historyLimit: 3, pollingIntervalMs: 200 });
    await monitor.ready();
    expect(monitor.history.list()).toHaveLength(3);
    expect(monitor.history.get(first.id)).toBeUndefined();
    const wide = sender.monitor({ pollingIntervalMs: 200 });
    await wide.ready();
    expect(byStatus(wide.history.get(first.id))).toEqual({ welcome: "succeeded", crm: "failed" });
    expect(wide.history.get(first.id)?.status).toBe("failed");

    wide.history.clear();
    await wide.refresh();
    expect(wide.history.list()).toEqual([]);
    const after = await events.sendEvent("file.archived", { fileId: "f9", by: "ops" });
    await wide.refresh();
    expect(wide.history.list().map((record) => record.event.id)).toEqual([after.id]);
  }, 60_000);

  it("refuses bad options, reports a failed read as a retryable TransportError, and stops with the transport", async () => {
    const { sender } = await setup();
    expect(() => sender.monitor({ pollingIntervalMs: 10 })).toThrow(/at least 200/);
    expect(() => sender.monitor({ historyLimit: 0 })).toThrow(/historyLimit/);
    const errors: Error[] = [];
    const monitor = sender.monitor({ pollingIntervalMs: 200, onError: (error) => errors.push(error) });
    await monitor.ready();
    await postgres.server.down("fast");
    try {
      await expect(monitor.refresh()).rejects.toMatchObject({ code: "TRANSPORT_FAILED", retryable: true });
      await until(() => errors.length > 0);
      expect(errors[0]).toMatchObject({ code: "TRANSPORT_FAILED" });
    } finally {
      await postgres.server.up();
    }
    // reads resume by themselves once the database is back
    const deadline = Date.now() + 20_000;
    while (
      !(await monitor.refresh().then(
        () => true,
        () => false,
      )) &&
      Date.now() < deadline
    )
      await new Promise((resolve) => setTimeout(resolve, 200));
    await expect(monitor.refresh()).resolves.toBeUndefined();
  }, 60_000);
});
