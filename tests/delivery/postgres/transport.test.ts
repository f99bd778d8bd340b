import pg from "pg";
import { describe, expect, it } from "vitest";
import {
  defineEvents,
  EventValidationError,
  IdempotencyConflictError,
  InvalidOptionsError,
  TransportError,
} from "../../../src/index.js";
import { type PostgresTransport, postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { usePostgres } from "../../helpers/use-postgres.js";

// herald/postgres against a real PostgreSQL 15: sends in transactions, fan-out to subscribers,
// runs whose writes through ctx.tx commit with their completion, retries, delays, lineage.

const postgres = usePostgres();
const open = postgres.open;

async function setup(options: Partial<Parameters<typeof postgresTransport>[0]> = {}) {
  const url = await postgres.server.createDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  open.push({ close: () => pool.end() });
  const transport = await postgresTransport({ connectionString: url, pollingIntervalMs: 500, ...options });
  open.push(transport);
  const events = defineEvents(schemas, { transport });
  await pool.query("CREATE TABLE effects (event_id text, subscriber text, note text)");
  return { url, pool, transport, events };
}

async function count(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query(sql, values);
  return Number(rows[0].n);
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("postgresTransport", () => {
  it("delivers an event sent in a committed transaction, and nothing of a rolled-back one", async () => {
    const { pool, events, transport } = await setup();
    events.on(
      "user.created",
      async (user, ctx) => {
        await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'welcome', $2)", [ctx.event.id, user.email]);
      },
      { id: "welcome" },
    );
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await events.sendEvent("user.created", { userId: "u1", email: "a@example.com" }, { tx: client });
      await client.query("ROLLBACK");
      await client.query("BEGIN");
      const receipt = await events.sendEvent("user.created", { userId: "u2", email: "b@example.com" }, { tx: client });
      await client.query("COMMIT");
      expect(receipt.duplicate).toBe(false);
    } finally {
      client.release();
    }
    await transport.drain();
    const { rows } = await pool.query("SELECT note FROM effects");
    expect(rows).toEqual([{ note: "b@example.com" }]);
  }, 30_000);

  it("fans out to every subscriber once, and a resent id runs nothing new", async () => {
    const { pool, events, transport } = await setup();
    for (const id of ["mailer", "crm"])
      events.on(
        "order.placed",
        async (order, ctx) => {
          await ctx.tx!.query("INSERT INTO effects VALUES ($1, $2, $3)", [ctx.event.id, id, order.orderId]);
        },
        { id },
      );
    const first = await events.sendEvent(
      "order.placed",
      { orderId: "o1", items: [{ sku: "a", qty: 1 }] },
      { id: "order-1" },
    );
    const again = await events.sendEvent(
      "order.placed",
      { orderId: "o1", items: [{ sku: "a", qty: 1 }] },
      { id: "order-1" },
    );
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    await expect(
      events.sendEvent("order.placed", { orderId: "o2", items: [{ sku: "a", qty: 1 }] }, { id: "order-1" }),
    ).rejects.toBeInstanceOf(IdempotencyConflictError);
    await transport.drain();
    const { rows } = await pool.query("SELECT subscriber, note FROM effects ORDER BY subscriber");
    expect(rows).toEqual([
      { subscriber: "crm", note: "o1" },
      { subscriber: "mailer", note: "o1" },
    ]);
  }, 30_000);

  it("rolls a failed attempt's writes back and retries it; chained events carry lineage and join the run's transaction", async () => {
    const { pool, events, transport } = await setup({ retryDelaySeconds: 1, retryBackoff: false });
    let attempts = 0;
    events.on(
      "file.uploaded",
      async (file, ctx) => {
        attempts++;
        await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'processor', $2)", [
          ctx.event.id,
          `attempt ${ctx.attempt}`,
        ]);
        await ctx.sendEvent("file.processed", { fileId: file.fileId, processingResult: "success" });
        if (ctx.attempt === 1) throw new Error("flaky");
      },
      { id: "processor" },
    );
    const seen: { causationId: string | undefined; correlationId: string }[] = [];
    events.on(
      "file.processed",
      async (_, ctx) => {
        seen.push({ causationId: ctx.event.causationId, correlationId: ctx.event.correlationId });
      },
      { id: "after" },
    );
    const root = await events.sendEvent("file.uploaded", { fileId: "f1", filename: "a.txt" });
    await waitFor(async () => seen.length === 1);
    await transport.drain();
    expect(attempts).toBe(2);
    const { rows } = await pool.query("SELECT note FROM effects");
    expect(rows).toEqual([{ note: "attempt 2" }]);
    expect(seen).toEqual([{ causationId: root.id, correlationId: root.id }]);
  }, 30_000);

  it("fails a run whose handler swallowed an SQL error, since its transaction rolled back", async () => {
    const { pool, events, transport } = await setup({ maxAttempts: 2, retryDelaySeconds: 1, retryBackoff: false });
    const attempts: number[] = [];
    events.on(
      "user.created",
      async (_, ctx) => {
        attempts.push(ctx.attempt);
        await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'swallow', 'written')", [ctx.event.id]);
        if (ctx.attempt === 1) await ctx.tx!.query("SELECT * FROM no_such_table").catch(() => {});
      },
      { id: "swallow" },
    );
    await events.sendEvent("user.created", { userId: "u", email: "a@example.com" });
    await transport.drain();
    expect(attempts).toEqual([1, 2]);
    expect(await count(pool, "SELECT count(*) AS n FROM effects")).toBe(1);
  }, 30_000);

  it("in one batch, a failing run's writes roll back to its savepoint and the others' commit", async () => {
    const { pool, events, transport } = await setup({ maxAttempts: 1 });
    const batches: number[] = [];
    events.on(
      "file.uploaded",
      async (file, ctx) => {
        batches.push(ctx.attempt);
        await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'saver', $2)", [ctx.event.id, file.fileId]);
        if (file.fileId === "bad") throw new Error("refused");
      },
      { id: "saver" },
    );
    await events.sendEvents([
      { name: "file.uploaded", payload: { fileId: "good1", filename: "a" } },
      { name: "file.uploaded", payload: { fileId: "bad", filename: "b" } },
      { name: "file.uploaded", payload: { fileId: "good2", filename: "c" } },
    ]);
    await transport.drain();
    const { rows } = await pool.query("SELECT note FROM effects ORDER BY note");
    expect(rows).toEqual([{ note: "good1" }, { note: "good2" }]);
    expect(await count(pool, "SELECT count(*) AS n FROM pgboss.herald_run")).toBe(2);
    expect(
      await count(pool, "SELECT count(*) AS n FROM pgboss.job WHERE name = 'herald.saver' AND state = 'failed'"),
    ).toBe(1);
  }, 30_000);

  it("delivers a delayed event when it is due", async () => {
    const { events, transport } = await setup();
    const got: number[] = [];
    events.on(
      "file.archived",
      () => {
        got.push(Date.now());
      },
      { id: "archiver" },
    );
    const sent = Date.now();
    await events.sendEvent("file.archived", { fileId: "f", by: "me" }, { delay: "2s" });
    await transport.drain();
    expect(got).toHaveLength(1);
    expect(got[0]! - sent).toBeGreaterThanOrEqual(1900);
  }, 30_000);

  it("writes nothing for an invalid payload, and refuses tx on another transport", async () => {
    const { pool, events } = await setup();
    await expect(
      events.sendEvent("user.created", { userId: "u", email: "not an email" } as never),
    ).rejects.toBeInstanceOf(EventValidationError);
    expect(await count(pool, "SELECT count(*) AS n FROM pgboss.herald_event")).toBe(0);
    const local = defineEvents(schemas);
    await expect(
      local.sendEvent("user.created", { userId: "u", email: "a@example.com" }, { tx: pool }),
    ).rejects.toBeInstanceOf(InvalidOptionsError);
  }, 30_000);

  it("closes while its LISTEN connection is still being set up (close() used to wait for it forever)", async () => {
    const url = await postgres.server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 5 });
    open.push({ close: () => pool.end() });
    const transport = await postgresTransport({ pool, pollingIntervalMs: 500 });
    // hold the LISTEN statement of the transport's listener until close() has begun
    let listenReached!: () => void;
    const reached = new Promise<void>((resolve) => (listenReached = resolve));
    let letListen!: () => void;
    const gate = new Promise<void>((resolve) => (letListen = resolve));
    const connect = pool.connect.bind(pool) as (...args: unknown[]) => Promise<pg.PoolClient>;
    // pool.query() connects with a callback: only the promise form (the listener's) is held
    pool.connect = (async (...args: unknown[]) => {
      if (args.length > 0) return connect(...args);
      const client = await connect();
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      client.query = (async (...args: unknown[]) => {
        if (typeof args[0] === "string" && args[0].startsWith("LISTEN")) {
          listenReached();
          await gate;
        }
        return query(...args);
      }) as never;
      return client;
    }) as never;
    const events = defineEvents(schemas, { transport });
    events.on("user.created", () => {}, { id: "welcome" });
    await reached;
    const closing = transport.close();
    letListen();
    const outcome = await Promise.race([
      closing.then(() => "closed"),
      new Promise((resolve) => setTimeout(resolve, 5_000, "still open after 5 s")),
    ]);
    expect(outcome).toBe("closed");
  }, 30_000);

  it("fails at start-up with a retryable TransportError when the database cannot be reached", async () => {
    const error = await postgresTransport({ connectionString: "postgres://postgres@127.0.0.1:1/nope" }).catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.retryable).toBe(true);
    expect(error.cause).toBeDefined();
  }, 30_000);
});

export type { PostgresTransport };
