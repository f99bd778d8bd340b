import pg from "pg";
import { describe, expect, it } from "vitest";
import { defineEvents, HandlerTimeoutError, InvalidOptionsError } from "../../../src/index.js";
import { postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { usePostgres } from "../../helpers/use-postgres.js";

// on(name, handler, { maxAttempts, timeoutMs }) on herald/postgres: a subscriber's own limits
// override the transport's, as on the embedded engine (they were ignored before).

const postgres = usePostgres();
const open = postgres.open;

async function setup() {
  const url = await postgres.server.createDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  open.push({ close: () => pool.end() });
  const transport = await postgresTransport({
    connectionString: url,
    pollingIntervalMs: 500,
    maxAttempts: 3,
    retryDelaySeconds: 1,
    retryBackoff: false,
  });
  open.push(transport);
  return { pool, transport, events: defineEvents(schemas, { transport }) };
}

const order = { orderId: "o", items: [{ sku: "a", qty: 1 }] };

describe("a subscriber's own limits on herald/postgres", () => {
  it("maxAttempts: 1 fails the run after one attempt, where the transport's 3 retry the other subscriber", async () => {
    const { pool, transport, events } = await setup();
    const attempts = { once: 0, thrice: 0 };
    events.on(
      "order.placed",
      () => {
        attempts.once++;
        throw new Error("always");
      },
      { id: "once", maxAttempts: 1 },
    );
    events.on(
      "order.placed",
      () => {
        attempts.thrice++;
        throw new Error("always");
      },
      { id: "thrice" },
    );
    await events.sendEvent("order.placed", order);
    await transport.drain();
    expect(attempts).toEqual({ once: 1, thrice: 3 });
    const { rows } = await pool.query("SELECT name, state, retry_count FROM pgboss.job ORDER BY name");
    expect(rows).toEqual([
      { name: "herald.once", state: "failed", retry_count: 0 },
      { name: "herald.thrice", state: "failed", retry_count: 2 },
    ]);
  }, 60_000);

  it("timeoutMs bounds each attempt of that subscriber: its signal aborts with HandlerTimeoutError, and it is retried", async () => {
    const { transport, events } = await setup();
    const reasons: unknown[] = [];
    events.on(
      "order.placed",
      async (_, ctx) => {
        if (ctx.attempt > 1) return;
        await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        reasons.push(ctx.signal.reason);
      },
      { id: "slow", timeoutMs: 1000 },
    );
    const started = Date.now();
    await events.sendEvent("order.placed", order);
    await transport.drain();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toBeInstanceOf(HandlerTimeoutError);
    expect((reasons[0] as HandlerTimeoutError).timeoutMs).toBe(1000);
    expect(Date.now() - started).toBeLessThan(20_000); // not the transport's 15 minutes
  }, 60_000);

  it("refuses limits out of range, and the relay's reserved id, with InvalidOptionsError", async () => {
    const { events } = await setup();
    expect(() => events.on("order.placed", () => {}, { id: "a", maxAttempts: 0 })).toThrow(InvalidOptionsError);
    expect(() => events.on("order.placed", () => {}, { id: "b", timeoutMs: 1.5 })).toThrow(InvalidOptionsError);
    // the relay's queue: a subscriber with this id would silently never run
    expect(() => events.on("order.placed", () => {}, { id: "relay" })).toThrow(/reserved for the relay/);
    // hostile ids: a NUL PostgreSQL cannot store, a line break for the logs, an unbounded length
    expect(() => events.on("order.placed", () => {}, { id: "a\u0000b" })).toThrow(/control characters/);
    expect(() => events.on("order.placed", () => {}, { id: "a\nforged" })).toThrow(/control characters/);
    expect(() => events.on("order.placed", () => {}, { id: "x".repeat(201) })).toThrow(/1 to 200 characters/);
    expect(() => events.on("order.placed", () => {}, { id: "" })).toThrow(InvalidOptionsError);
  }, 60_000);
});
