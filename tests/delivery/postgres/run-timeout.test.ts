import pg from "pg";
import { describe, expect, it } from "vitest";
import { defineEvents, TransportError } from "../../../src/index.js";
import { postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { usePostgres } from "../../helpers/use-postgres.js";

// A handler that outlives its attempt's time limit: its transaction was rolled back and its client
// released, so whatever it still writes through ctx.tx must not reach the database.

const postgres = usePostgres();

describe("postgresTransport: a run past its time limit", () => {
  it("refuses the late writes of a timed-out attempt through ctx.tx; the retry's writes alone commit", async () => {
    const url = await postgres.server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    const transport = await postgresTransport({
      connectionString: url,
      pollingIntervalMs: 500,
      timeoutMs: 1000,
      retryDelaySeconds: 1,
      retryBackoff: false,
    });
    try {
      await pool.query("CREATE TABLE effects (event_id text, note text)");
      const events = defineEvents(schemas, { transport });
      let late: unknown = "not yet";
      events.on(
        "file.uploaded",
        async (_, ctx) => {
          if (ctx.attempt === 1) {
            // past the 1 s limit: this attempt is rolled back and retried while it still runs
            await new Promise((resolve) => setTimeout(resolve, 1500));
            late = await ctx
              .tx!.query("INSERT INTO effects VALUES ($1, 'late write of attempt 1')", [ctx.event.id])
              .then(
                () => "written",
                (error: unknown) => error,
              );
            return;
          }
          await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'attempt 2')", [ctx.event.id]);
        },
        { id: "slow" },
      );
      await events.sendEvent("file.uploaded", { fileId: "f", filename: "a.txt" });
      await transport.drain();
      const deadline = Date.now() + 10_000;
      while (late === "not yet" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(late).toBeInstanceOf(TransportError);
      const { rows } = await pool.query("SELECT note FROM effects");
      expect(rows).toEqual([{ note: "attempt 2" }]);
    } finally {
      await transport.close();
      await pool.end();
    }
  }, 30_000);
});
