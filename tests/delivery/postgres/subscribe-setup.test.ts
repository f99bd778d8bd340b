import pg from "pg";
import { describe, expect, it } from "vitest";
import { defineEvents } from "../../../src/index.js";
import { postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { usePostgres } from "../../helpers/use-postgres.js";

// Subscribers registered in one tick each create their queue (a partition of pg-boss's job table);
// run at once, those set-ups could deadlock (40P01), and the loser was never subscribed: its
// events were written with no job for it, silently.

const postgres = usePostgres();

describe("postgresTransport subscriber set-up", () => {
  it("subscribes every one of several subscribers registered at once (3 rounds of 5)", async () => {
    const errors: Error[] = [];
    for (let round = 0; round < 3; round++) {
      const url = await postgres.server.createDatabase();
      const transport = await postgresTransport({
        connectionString: url,
        pollingIntervalMs: 500,
        onError: (error) => errors.push(error),
      });
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      try {
        const events = defineEvents(schemas, { transport });
        const ran: string[] = [];
        for (const id of ["a", "b", "c", "d", "e"]) events.on("user.created", () => void ran.push(id), { id });
        await events.sendEvent("user.created", { email: "a@example.com", userId: `u${round}` });
        await transport.drain();
        const { rows } = await pool.query("SELECT count(*)::int AS n FROM pgboss.subscription");
        expect({ round, subscriptions: rows[0].n, ran: ran.sort() }).toEqual({
          round,
          subscriptions: 5,
          ran: ["a", "b", "c", "d", "e"],
        });
      } finally {
        await pool.end();
        await transport.close();
      }
    }
    expect(errors).toEqual([]);
  }, 120_000);
});
