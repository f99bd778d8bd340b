import pg from "pg";
import PgBoss from "pg-boss";
import { describe, expect, it } from "vitest";
import { triggerTransport, type TriggerTransportOptions } from "../../../src/delivery/trigger/transport.js";
import { defineEvents, InvalidOptionsError, TransportError } from "../../../src/index.js";
import { type PostgresTransportOptions, postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { usePostgres } from "../../helpers/use-postgres.js";
import { type FakeTrigger, startFakeTrigger } from "../../helpers/trigger-server.js";
import type { FaultOptions } from "../../helpers/trigger-faults.js";

// The outbox: postgresTransport({ relay: triggerTransport(...) }) writes events in the sender's
// transaction and a relay worker forwards the committed ones through the real @trigger.dev/sdk to
// the loopback Trigger.dev stand-in, which dedupes runs by idempotency key as Trigger.dev does.

const KEY = "tr_dev_testkey123";
// which tasks each event starts: one trigger, a two-run batch, and the dispatcher (no route)
const TASKS: Record<string, readonly string[]> = {
  "user.created": ["welcome"],
  "order.placed": ["bill", "ship"],
  "file.uploaded": ["herald-dispatch"],
};
const ROUTES = { "user.created": TASKS["user.created"]!, "order.placed": TASKS["order.placed"]! };

const postgres = usePostgres();
const open = postgres.open;

async function setup(
  options: {
    faults?: FaultOptions;
    relay?: Partial<TriggerTransportOptions>;
    transport?: Partial<PostgresTransportOptions>;
  } = {},
) {
  const url = await postgres.server.createDatabase();
  const trigger = await startFakeTrigger(options.faults ? { faults: options.faults } : {});
  open.push(trigger);
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  open.push({ close: () => pool.end() });
  const relay = triggerTransport({
    baseURL: trigger.url,
    accessToken: KEY,
    routes: ROUTES,
    // the relay worker's job retries are what is under test: one request per forward
    retry: { maxAttempts: 1 },
    timeoutMs: 1000,
    ...options.relay,
  });
  const transport = await postgresTransport({
    connectionString: url,
    pollingIntervalMs: 500,
    maxAttempts: 5,
    retryDelaySeconds: 1,
    retryBackoff: false,
    relay,
    ...options.transport,
  });
  open.push(transport);
  const events = defineEvents(schemas, { transport });
  return { url, pool, trigger, transport, events };
}

type Events = Awaited<ReturnType<typeof setup>>["events"];

/** Sends event `n` (its name by n % 3) inside a transaction on `pool`, then commits or rolls back. */
async function sendIn(
  pool: pg.Pool,
  events: Events,
  n: number,
  commit: boolean,
): Promise<{ id: string; name: string }> {
  const id = `ev-${n}`;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    let name: string;
    if (n % 3 === 0) {
      name = "user.created";
      await events.sendEvent("user.created", { userId: `u${n}`, email: `u${n}@example.com` }, { id, tx: client });
    } else if (n % 3 === 1) {
      name = "order.placed";
      await events.sendEvent("order.placed", { orderId: `o${n}`, items: [{ sku: "a", qty: 1 }] }, { id, tx: client });
    } else {
      name = "file.uploaded";
      await events.sendEvent("file.uploaded", { fileId: `f${n}`, filename: "a.txt" }, { id, tx: client });
    }
    const { command } = await client.query(commit ? "COMMIT" : "ROLLBACK");
    expect(command).toBe(commit ? "COMMIT" : "ROLLBACK");
    return { id, name };
  } finally {
    client.release();
  }
}

/** Runs the stand-in started, counted per "eventId|taskId". */
function runsPerPair(trigger: FakeTrigger): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of trigger.runs) {
    const pair = `${run.payload.id}|${run.taskId}`;
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

/** Every committed (event, task) started exactly once, and nothing else. */
function expectExactlyOnce(trigger: FakeTrigger, committed: readonly { id: string; name: string }[]): void {
  expect(trigger.invalid).toEqual([]);
  const expected = committed.flatMap(({ id, name }) => TASKS[name]!.map((task) => `${id}|${task}`)).sort();
  expect([...runsPerPair(trigger).keys()].sort()).toEqual(expected);
  expect([...runsPerPair(trigger).values()].every((count) => count === 1)).toBe(true);
  expect([...trigger.runsByKey().values()].every((runs) => runs.length === 1)).toBe(true);
  expect(trigger.runs.length).toBe(expected.length);
}

const requestsTo = (trigger: FakeTrigger, path: RegExp) => trigger.requests.filter((r) => path.test(r.path));

describe("postgresTransport with relay: triggerTransport", () => {
  it("starts each task of a committed event once, and nothing of a rolled-back one", async () => {
    const { pool, trigger, transport, events } = await setup();
    const committed: { id: string; name: string }[] = [];
    const rolledBack: string[] = [];
    for (let n = 0; n < 24; n++) {
      const commit = n % 4 !== 3;
      const sent = await sendIn(pool, events, n, commit);
      if (commit) committed.push(sent);
      else rolledBack.push(sent.id);
    }
    await transport.drain();
    expectExactlyOnce(trigger, committed);
    const started = new Set(trigger.runs.map((run) => run.payload.id as string));
    expect(rolledBack.filter((id) => started.has(id))).toEqual([]);
    // each run carries the event as herald's wire event, and a resend of an id starts nothing new
    const run = trigger.runs.find((r) => r.payload.id === "ev-0")!;
    expect(run.payload).toMatchObject({ "~herald": 1, name: "user.created", payload: { userId: "u0" } });
    const again = await events.sendEvent("user.created", { userId: "u0", email: "u0@example.com" }, { id: "ev-0" });
    expect(again.duplicate).toBe(true);
    await transport.drain();
    expect(trigger.runs.length).toBe(committed.flatMap(({ name }) => TASKS[name]!).length);
  }, 60_000);

  it("retries 5xx replies and a reply lost past the relay's deadline, starting each task once", async () => {
    // one event per forward, so that each canned reply meets the event it was meant for
    const { pool, trigger, transport, events } = await setup({ transport: { concurrency: 1 } });
    trigger.replyNext(
      /\/tasks\/welcome\/trigger$/,
      { status: 500, body: { error: "boom" } },
      { status: 503, body: { error: "unavailable" } },
    );
    trigger.replyNext(/^\/api\/v3\/batches$/, { status: 502, body: { error: "bad gateway" } });
    // the dispatcher's run is created, but its reply hangs past the relay's 1 s deadline
    trigger.stallNext(/\/tasks\/herald-dispatch\/trigger$/, Infinity, { process: true });
    const committed = [
      await sendIn(pool, events, 0, true),
      await sendIn(pool, events, 1, true),
      await sendIn(pool, events, 2, true),
    ];
    await transport.drain();
    expectExactlyOnce(trigger, committed);
    expect(requestsTo(trigger, /\/tasks\/welcome\/trigger$/)).toHaveLength(3);
    expect(requestsTo(trigger, /\/tasks\/herald-dispatch\/trigger$/)).toHaveLength(2);
    // the second dispatcher request found the run the lost reply had created
    expect(trigger.dedupedItems()).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it("holds a retry back for a 429's retry-after, beyond the queue's retry delay", async () => {
    const { pool, trigger, transport, events } = await setup();
    trigger.replyNext(/\/tasks\/welcome\/trigger$/, {
      status: 429,
      body: { error: "rate limited" },
      headers: { "retry-after": "3" },
    });
    const committed = [await sendIn(pool, events, 0, true)];
    await transport.drain();
    expectExactlyOnce(trigger, committed);
    const [limited, retried] = requestsTo(trigger, /\/tasks\/welcome\/trigger$/);
    // the queue's retry delay is 1 s; the server asked for 3
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(2900);
  }, 60_000);

  it("caps a retry-after at an hour", async () => {
    const { pool, trigger, events } = await setup();
    trigger.replyNext(/\/tasks\/welcome\/trigger$/, {
      status: 429,
      body: { error: "rate limited" },
      headers: { "retry-after": String(30 * 86_400) },
    });
    await sendIn(pool, events, 0, true);
    let wait: number | undefined;
    for (let tries = 0; tries < 200 && wait === undefined; tries++) {
      const { rows } = await pool.query(
        "SELECT extract(epoch FROM start_after - now())::float AS wait FROM pgboss.job WHERE name = 'herald.relay' AND state = 'retry'",
      );
      wait = rows[0]?.wait;
      if (wait === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(wait).toBeGreaterThan(3500);
    expect(wait).toBeLessThanOrEqual(3600);
  }, 60_000);

  it("ends a relay that fails for good (HTTP 422) at once: job failed with its error, event in the dead letter queue", async () => {
    const { pool, trigger, transport, events } = await setup({
      transport: { deadLetterQueue: "relay-dead", concurrency: 1 },
    });
    trigger.replyNext(/\/tasks\/welcome\/trigger$/, { status: 422, body: { error: "Task payload is invalid" } });
    await sendIn(pool, events, 0, true);
    const ok = await sendIn(pool, events, 1, true);
    await transport.drain();
    expectExactlyOnce(trigger, [ok]);
    expect(requestsTo(trigger, /\/tasks\/welcome\/trigger$/)).toHaveLength(1);
    const { rows: failed } = await pool.query(
      "SELECT state, retry_count, output FROM pgboss.job WHERE name = 'herald.relay' AND data->>'id' = 'ev-0'",
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ state: "failed", retry_count: 0 });
    expect(failed[0].output).toMatchObject({ name: "TransportError", code: "TRANSPORT_FAILED" });
    expect(failed[0].output.message).toContain("HTTP 422");
    const { rows: dead } = await pool.query("SELECT data->>'id' AS id FROM pgboss.job WHERE name = 'relay-dead'");
    expect(dead).toEqual([{ id: "ev-0" }]);
    const { rows: marks } = await pool.query("SELECT event_id FROM pgboss.herald_run ORDER BY event_id");
    expect(marks).toEqual([{ event_id: "ev-1" }]);
  }, 60_000);

  it("forwards under random faults (5xx, dropped connections, slow replies), each task once", async () => {
    const seed = Number(process.env.HERALD_RELAY_SEED ?? 7);
    console.log(`relay faults seed: ${seed} (HERALD_RELAY_SEED)`);
    const { pool, trigger, transport, events } = await setup({
      faults: { rate: 0.3, seed, maxSlowMs: 30 },
      relay: { retry: { maxAttempts: 2, minTimeoutInMs: 1, maxTimeoutInMs: 4 } },
      transport: { maxAttempts: 20, concurrency: 8 },
    });
    const committed: { id: string; name: string }[] = [];
    for (let n = 0; n < 45; n++) {
      const sent = await sendIn(pool, events, n, n % 5 !== 4);
      if (n % 5 !== 4) committed.push(sent);
    }
    await transport.drain();
    expectExactlyOnce(trigger, committed);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n, sum(retry_count)::int AS retries FROM pgboss.job WHERE name = 'herald.relay' AND state = 'completed'",
    );
    expect(rows[0].n).toBe(committed.length);
    // the faults did bite
    expect(rows[0].retries).toBeGreaterThan(0);
  }, 120_000);

  it("wakes the relay worker on commit, without waiting for its poll", async () => {
    const { pool, trigger, events } = await setup({ transport: { pollingIntervalMs: 20_000 } });
    // the worker's first fetch finds nothing, then it sleeps until the poll or a notification
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sentAt = Date.now();
    await sendIn(pool, events, 0, true);
    while (trigger.runs.length === 0 && Date.now() - sentAt < 15_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(trigger.runs).toHaveLength(1);
    expect(Date.now() - sentAt).toBeLessThan(5000);
  }, 60_000);

  it("forwards the events of one fetch in one batch.trigger, and fails only the event the relay refuses", async () => {
    const { pool, trigger, transport, events } = await setup({
      // file.uploaded has no route and there is no dispatcher: the relay refuses it, for good
      relay: { dispatcher: false },
      transport: { concurrency: 10, deadLetterQueue: "relay-dead" },
    });
    const client = await pool.connect();
    const committed: { id: string; name: string }[] = [];
    try {
      await client.query("BEGIN");
      for (let n = 0; n < 6; n++) {
        const id = `ev-${n}`;
        await events.sendEvent("user.created", { userId: `u${n}`, email: `u${n}@example.com` }, { id, tx: client });
        committed.push({ id, name: "user.created" });
      }
      await events.sendEvent("file.uploaded", { fileId: "f", filename: "a.txt" }, { id: "ev-unroutable", tx: client });
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    await transport.drain();
    expectExactlyOnce(trigger, committed);
    // one fetch took all seven; the refused one failed the batch before any request was sent, and
    // one by one, the six went out and the seventh failed alone
    expect(requestsTo(trigger, /^\/api\/v3\/batches$/)).toHaveLength(0);
    expect(requestsTo(trigger, /\/tasks\/welcome\/trigger$/)).toHaveLength(6);
    const { rows } = await pool.query(
      "SELECT data->>'id' AS id, state FROM pgboss.job WHERE name IN ('herald.relay', 'relay-dead') ORDER BY name, id",
    );
    expect(rows).toEqual([
      ...committed.map(({ id }) => ({ id, state: "completed" })),
      { id: "ev-unroutable", state: "failed" },
      { id: "ev-unroutable", state: "created" },
    ]);
  }, 60_000);

  it("forwards a batch all at once: one batch.trigger for the events of one commit", async () => {
    const { pool, trigger, transport, events } = await setup({ transport: { concurrency: 10 } });
    const client = await pool.connect();
    const committed: { id: string; name: string }[] = [];
    try {
      await client.query("BEGIN");
      for (let n = 0; n < 8; n++) {
        const id = `ev-${n}`;
        await events.sendEvent("user.created", { userId: `u${n}`, email: `u${n}@example.com` }, { id, tx: client });
        committed.push({ id, name: "user.created" });
      }
      await client.query("COMMIT");
    } finally {
      client.release();
    }
    await transport.drain();
    expectExactlyOnce(trigger, committed);
    expect(requestsTo(trigger, /\/tasks\/welcome\/trigger$/)).toHaveLength(0);
    expect(requestsTo(trigger, /^\/api\/v3\/batches$/)).toHaveLength(1);
    expect(new Set(trigger.runs.map((run) => run.batchId)).size).toBe(1);
  }, 60_000);

  it("creates the relay queue before it resolves: a failure there rejects at start-up, not a send that stores no job", async () => {
    const url = await postgres.server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    open.push({ close: () => pool.end() });
    const boss = new PgBoss({ connectionString: url, schedule: false });
    open.push({ close: () => boss.stop({ graceful: false, close: true }) });
    const createQueue = boss.createQueue.bind(boss);
    boss.createQueue = async (name: string, options?: PgBoss.Queue) => {
      if (name === "herald.relay")
        throw Object.assign(new Error("permission denied for schema pgboss"), { code: "42501" });
      return createQueue(name, options as PgBoss.Queue);
    };
    const relay = triggerTransport({ baseURL: "http://127.0.0.1:9", accessToken: KEY });
    const starting = postgresTransport({ pool, boss: boss as never, relay, relayWorker: false });
    const transport = await starting.catch(() => undefined);
    if (transport) open.push(transport);
    await expect(starting).rejects.toBeInstanceOf(TransportError);
    await expect(starting).rejects.toThrow(/permission denied/);
  }, 30_000);

  it("refuses on(): subscribers run behind the relay", async () => {
    const { events } = await setup();
    expect(() => events.on("user.created", () => {}, { id: "welcome" })).toThrow(InvalidOptionsError);
  }, 30_000);
});
