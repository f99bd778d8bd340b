import { sql as drizzleSql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { pgTable, text } from "drizzle-orm/pg-core";
import knex from "knex";
import { CompiledQuery, Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { defineEvents } from "../../../src/index.js";
import { postgresTransport, type Transaction } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { usePostgres } from "../../helpers/use-postgres.js";

// The one-line adapters of docs/postgres.md#orm-adapters, each inside its ORM's own transaction on a
// real PostgreSQL 15: a row written with the ORM and an event sent through the adapter commit
// together (the event row, its subscriber's job, the subscriber's run) or roll back together.
// herald's statements use $1-style parameters, a JSON string for a jsonb cast and a text array
// (the id check of a send with its own `id`), so every adapter here carries all three.

const postgres = usePostgres();
const open = postgres.open;

/** An ORM over `url`: `transaction(work)` runs `work` in the ORM's own transaction, with an ORM insert and the adapter. */
interface Orm {
  transaction(work: (insertNote: (id: string) => Promise<void>, tx: Transaction) => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

const notes = pgTable("notes", { id: text("id").primaryKey() });
interface Database {
  notes: { id: string };
}

const orms: Record<string, (url: string) => Orm> = {
  "node-postgres (no adapter: the client itself)": (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    return {
      async transaction(work) {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await work(async (id) => void (await client.query("INSERT INTO notes (id) VALUES ($1)", [id])), client);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK");
          throw error;
        } finally {
          client.release();
        }
      },
      close: () => pool.end(),
    };
  },
  Drizzle: (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const db = drizzle(pool);
    return {
      transaction: (work) =>
        db.transaction(async (trx) => {
          // the adapter, as in docs/postgres.md
          const tx = {
            executeSql: (text: string, values: readonly unknown[] = []) =>
              trx.execute(
                drizzleSql.join(
                  text
                    .split(/\$(\d+)/)
                    .map((part, i) => (i % 2 ? drizzleSql.param(values[+part - 1]) : drizzleSql.raw(part))),
                ),
              ),
          };
          await work(async (id) => void (await trx.insert(notes).values({ id })), tx);
        }),
      close: () => pool.end(),
    };
  },
  Kysely: (url) => {
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
    });
    return {
      transaction: (work) =>
        db.transaction().execute(async (trx) => {
          const tx = {
            executeSql: (text: string, values: readonly unknown[] = []) =>
              trx.executeQuery(CompiledQuery.raw(text, [...values])),
          };
          await work(async (id) => void (await trx.insertInto("notes").values({ id }).execute()), tx);
        }),
      close: () => db.destroy(),
    };
  },
  Knex: (url) => {
    const db = knex({ client: "pg", connection: url, pool: { min: 0, max: 2 } });
    return {
      transaction: (work) =>
        db.transaction(async (trx) => {
          const tx = {
            executeSql: async (text: string, values: readonly unknown[] = []) =>
              trx.raw(text.replace(/\$\d+/g, "?"), values as knex.Knex.Value[]),
          };
          await work(async (id) => void (await trx("notes").insert({ id })), tx);
        }),
      close: () => db.destroy(),
    };
  },
};

async function setup(makeOrm: (url: string) => Orm) {
  const url = await postgres.server.createDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  open.push({ close: () => pool.end() });
  await pool.query("CREATE TABLE notes (id text PRIMARY KEY); CREATE TABLE effects (event_id text, order_id text)");
  const transport = await postgresTransport({ connectionString: url, pollingIntervalMs: 500 });
  open.push(transport);
  const events = defineEvents(schemas, { transport });
  events.on(
    "order.placed",
    async (order, ctx) => {
      await ctx.tx!.query("INSERT INTO effects VALUES ($1, $2)", [ctx.event.id, order.orderId]);
    },
    { id: "fulfilment" },
  );
  const orm = makeOrm(url);
  open.push(orm);
  const count = async (text: string, values: unknown[]): Promise<number> =>
    Number((await pool.query(`SELECT count(*) AS n FROM ${text}`, values)).rows[0].n);
  return { pool, transport, events, orm, count };
}

const order = (orderId: string) => ({ orderId, items: [{ sku: "a", qty: 1 }] });
const withId = (tx: Transaction, id: string | undefined) => (id === undefined ? { tx } : { tx, id });

describe.each(Object.keys(orms))("%s transaction as tx", (name) => {
  it("commit: the ORM's row, the event, its subscriber's job and the run; rollback: none of them", async () => {
    const { transport, events, orm, count } = await setup(orms[name]!);
    // a send with its own id also runs the id check (a text[] parameter); without, the insert alone
    const sends = [
      { note: "kept-1", id: "order-kept-1" },
      { note: "kept-2", id: undefined },
    ];
    const sentIds: string[] = [];
    for (const send of sends)
      await orm.transaction(async (insertNote, tx) => {
        await insertNote(send.note);
        const receipt = await events.sendEvent("order.placed", order(send.note), withId(tx, send.id));
        expect(receipt.duplicate).toBe(false);
        sentIds.push(receipt.id);
      });
    const rolledBack: string[] = [];
    for (const id of ["order-gone-1", undefined]) {
      const failure = await orm
        .transaction(async (insertNote, tx) => {
          await insertNote(`gone-${rolledBack.length}`);
          rolledBack.push((await events.sendEvent("order.placed", order("gone"), withId(tx, id))).id);
          throw new Error("roll back");
        })
        .catch((error: unknown) => error);
      expect((failure as Error).message).toBe("roll back");
    }
    expect(rolledBack).toHaveLength(2);

    await transport.drain();
    expect(await count("notes", [])).toBe(2);
    expect(await count("pgboss.herald_event WHERE id = ANY($1)", [sentIds])).toBe(2);
    expect(await count("pgboss.job WHERE name = 'herald.fulfilment' AND data->>'id' = ANY($1)", [sentIds])).toBe(2);
    expect(await count("effects WHERE event_id = ANY($1)", [sentIds])).toBe(2);
    // nothing of the rolled-back transactions: no ORM row, no event, no job, no run
    expect(await count("notes WHERE id LIKE 'gone-%'", [])).toBe(0);
    expect(await count("pgboss.herald_event WHERE id = ANY($1)", [rolledBack])).toBe(0);
    expect(await count("pgboss.job WHERE data->>'id' = ANY($1)", [rolledBack])).toBe(0);
    expect(await count("effects", [])).toBe(2);
  }, 60_000);

  it("a resent id in a later transaction is a duplicate, and a changed payload a conflict", async () => {
    const { events, orm } = await setup(orms[name]!);
    const receipts: boolean[] = [];
    for (let i = 0; i < 2; i++)
      await orm.transaction(async (_, tx) => {
        receipts.push((await events.sendEvent("order.placed", order("o"), { tx, id: "same" })).duplicate);
      });
    expect(receipts).toEqual([false, true]);
    const conflict = await orm
      .transaction(async (_, tx) => {
        await events.sendEvent("order.placed", order("other"), { tx, id: "same" });
      })
      .catch((error: unknown) => error);
    expect((conflict as Error & { code?: string }).code).toBe("IDEMPOTENCY_CONFLICT");
  }, 60_000);
});

describe("herald's send statement", () => {
  it("returns no void column (Prisma cannot read one) and still wakes workers when the transaction commits", async () => {
    const url = await postgres.server.createDatabase();
    const transport = await postgresTransport({ connectionString: url });
    open.push(transport);
    const events = defineEvents(schemas, { transport });
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    open.push({ close: () => pool.end() });
    const listener = await pool.connect();
    const client = await pool.connect();
    open.push({ close: async () => (listener.release(), client.release()) });
    const woken: (string | undefined)[] = [];
    listener.on("notification", (message) => woken.push(message.payload));
    await listener.query("LISTEN herald_pgboss");
    const VOID = 2278; // pg_type oid of void
    const columnTypes: number[] = [];
    const tx = {
      executeSql: async (text: string, values: readonly unknown[] = []) => {
        const result = await client.query(text, [...values]);
        columnTypes.push(...result.fields.map((field) => field.dataTypeID));
        return result;
      },
    };
    await client.query("BEGIN");
    await events.sendEvent("order.placed", order("o"), { tx, id: "with-id-check" });
    expect(columnTypes.length).toBeGreaterThan(0);
    expect(columnTypes).not.toContain(VOID);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(woken).toEqual([]); // a notification is sent at commit, not before
    await client.query("COMMIT");
    const deadline = Date.now() + 10_000;
    while (woken.length < 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(woken).toEqual(["order.placed"]);
  }, 30_000);
});
