import type pg from "pg";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { defineEvents } from "../../../src/index.js";
import type { SqlClient, Transaction } from "../../../src/postgres.js";

const events = defineEvents({ "user.created": z.object({ id: z.string() }) });
declare const client: pg.PoolClient;
declare const pool: pg.Pool;

describe("the send option tx and ctx.tx", () => {
  it("takes a node-postgres client, a pool, or an executeSql adapter", () => {
    void events.sendEvent("user.created", { id: "u" }, { tx: client });
    void events.sendEvent("user.created", { id: "u" }, { tx: pool });
    void events.sendEvent("user.created", { id: "u" }, { tx: { executeSql: async () => ({ rows: [] }) } });
    expectTypeOf(client).toExtend<Transaction>();
  });

  it("refuses what cannot run a query", () => {
    // @ts-expect-error a number is no transaction
    void events.sendEvent("user.created", { id: "u" }, { tx: 1 });
    // @ts-expect-error an object without query or executeSql
    void events.sendEvent("user.created", { id: "u" }, { tx: { run() {} } });
  });

  it("gives a handler the run's client as ctx.tx, absent on other transports", () => {
    events.on("user.created", async (_, ctx) => {
      expectTypeOf(ctx.tx).toEqualTypeOf<SqlClient | undefined>();
      if (ctx.tx) {
        const { rows } = await ctx.tx.query("select 1", []);
        expectTypeOf(rows).toEqualTypeOf<readonly any[]>();
      }
    });
  });
});
