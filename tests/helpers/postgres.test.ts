import { existsSync, readFileSync } from "node:fs";
import pg from "pg";
import PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  findPostgresBin,
  PostgresStartError,
  reapPostgresOrphans,
  startPostgres,
  type PostgresServer,
} from "./postgres.js";
import { startNodeProcess } from "./node-process.js";

// The harness every herald/postgres test stands on, checked against the real server: pg and
// pg-boss 10 work through it, restart() cuts connections and comes back on the same port, and no
// server outlives its owner.

let server: PostgresServer;

beforeAll(async () => {
  server = await startPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** pg-boss's `db` shape over one node-postgres client, so its SQL joins that client's transaction. */
function executorOf(client: pg.Client): PgBoss.Db {
  return { executeSql: (text, values) => client.query(text, values) };
}

/** Whether `pid` runs: a zombie (exited, not yet reaped by its parent) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("startPostgres", () => {
  it("runs the PostgreSQL found on this machine, on 127.0.0.1 with the test settings", async () => {
    const rows = await withClient(server.url, async (client) => {
      const { rows } = await client.query(
        "SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, " +
          "current_setting('max_connections')::int AS max_connections, host(inet_server_addr()) AS address",
      );
      return rows;
    });
    expect(rows[0].version.split(" ")[0]).toBe(findPostgresBin().version);
    expect(rows[0]).toMatchObject({ fsync: "off", max_connections: 200, address: "127.0.0.1" });
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
  });

  it("creates separate databases", async () => {
    const a = await server.createDatabase();
    const b = await server.createDatabase();
    expect(a).not.toBe(b);
    await withClient(a, (client) => client.query("CREATE TABLE only_in_a (id int)"));
    const found = await withClient(b, async (client) => {
      const { rows } = await client.query("SELECT to_regclass('only_in_a') AS found");
      return rows[0].found;
    });
    expect(found).toBeNull();
    await expect(server.createDatabase('x"; DROP DATABASE postgres; --')).rejects.toThrow(/not a plain database name/);
  });

  it("fails within its bound with the server log's tail when the server cannot start", async () => {
    const started = Date.now();
    const error = await startPostgres({ settings: { max_connections: "many" }, startTimeoutMs: 10_000 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PostgresStartError);
    expect((error as PostgresStartError).message).toMatch(/invalid value for parameter "max_connections"/);
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 30_000);
});

describe("pg-boss 10 on the harness", () => {
  let boss: PgBoss;
  let url: string;
  const errors: unknown[] = [];

  beforeAll(async () => {
    url = await server.createDatabase();
    boss = new PgBoss({ connectionString: url, schedule: false, supervise: false });
    boss.on("error", (error) => errors.push(error));
    await boss.start();
    await boss.createQueue("smoke");
  }, 30_000);

  afterAll(async () => {
    await boss?.stop({ graceful: false, timeout: 1_000 });
  });

  it("send with { db } writes nothing when the transaction rolls back, and a job when it commits", async () => {
    await withClient(url, async (client) => {
      await client.query("BEGIN");
      const rolledBack = await boss.send("smoke", { n: 1 }, { db: executorOf(client) });
      expect(rolledBack).toMatch(/^[0-9a-f-]{36}$/);
      await client.query("ROLLBACK");
      expect(await boss.getJobById("smoke", rolledBack!)).toBeNull();
      expect(await boss.getQueueSize("smoke")).toBe(0);

      await client.query("BEGIN");
      const committed = await boss.send("smoke", { n: 2 }, { db: executorOf(client) });
      // not visible outside the transaction before COMMIT
      expect(await boss.getQueueSize("smoke")).toBe(0);
      await client.query("COMMIT");
      expect(await boss.getQueueSize("smoke")).toBe(1);

      const received = new Promise<PgBoss.Job<{ n: number }>>((resolve) => {
        void boss.work<{ n: number }>("smoke", { pollingIntervalSeconds: 0.5 }, async ([job]) => resolve(job!));
      });
      const job = await withTimeout(received, 10_000);
      expect(job).toMatchObject({ id: committed, data: { n: 2 } });
      await boss.offWork("smoke");
    });
  }, 30_000);

  it("send with an id already in the queue returns null and leaves the first job", async () => {
    await boss.createQueue("dedupe");
    const id = "3b241101-e2bb-4255-8caf-4136c566a962";
    expect(await boss.send("dedupe", { first: true }, { id })).toBe(id);
    expect(await boss.send("dedupe", { first: false }, { id })).toBeNull();
    expect((await boss.getJobById<{ first: boolean }>("dedupe", id))?.data).toEqual({ first: true });
  });

  it("complete(name, id, data, { db }) joins the transaction; a later complete affects nothing", async () => {
    await boss.createQueue("manual");
    const id = await boss.send("manual", { n: 3 });
    const [job] = await boss.fetch("manual");
    expect(job?.id).toBe(id);
    await withClient(url, async (client) => {
      await client.query("BEGIN");
      // the runtime signature is (name, id, data, options), whatever the .d.ts overloads say
      const inTx = (await boss.complete("manual", id!, null as never, { db: executorOf(client) })) as unknown;
      expect(inTx).toMatchObject({ affected: 1 });
      expect((await boss.getJobById("manual", id!))?.state).toBe("active");
      await client.query("COMMIT");
    });
    expect((await boss.getJobById("manual", id!))?.state).toBe("completed");
    expect(await boss.complete("manual", id!)).toMatchObject({ affected: 0 });
  });

  it("reported no error events while the server stayed up", () => {
    expect(errors).toEqual([]);
  });
});

describe("restart", () => {
  it("cuts connections, comes back on the same port, and a running pg-boss worker resumes", async () => {
    const url = await server.createDatabase();
    const boss = new PgBoss({ connectionString: url, schedule: false, supervise: false });
    const errors: unknown[] = [];
    boss.on("error", (error) => errors.push(error));
    await boss.start();
    try {
      await boss.createQueue("after-restart");
      const seen: unknown[] = [];
      await boss.work("after-restart", { pollingIntervalSeconds: 0.5 }, async ([job]) => {
        seen.push(job!.data);
      });

      const held = new pg.Client({ connectionString: url });
      const heldErrors: Error[] = [];
      held.on("error", (error) => heldErrors.push(error));
      await held.connect();
      const port = server.port;
      const pidBefore = server.pid();

      await server.restart({ mode: "fast" });

      expect(server.port).toBe(port);
      expect(server.pid()).not.toBe(pidBefore);
      await expect(held.query("SELECT 1")).rejects.toThrow();
      await held.end().catch(() => {});
      const one = await withClient(url, async (client) => (await client.query("SELECT 1 AS one")).rows[0].one);
      expect(one).toBe(1);

      await boss.send("after-restart", { after: "restart" });
      await waitFor(() => (seen.length > 0 ? true : undefined), 15_000);
      expect(seen).toEqual([{ after: "restart" }]);
    } finally {
      await boss.stop({ graceful: false, timeout: 1_000 });
    }
  }, 60_000);

  it("down() refuses connections until up(), even after an immediate (crash) stop", async () => {
    const url = await server.createDatabase();
    await server.down("immediate");
    expect(server.pid()).toBeUndefined();
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
    await server.up();
    expect(await withClient(url, async (c) => (await c.query("SELECT 2 AS two")).rows[0].two)).toBe(2);
  }, 60_000);
});

describe("no orphans", () => {
  it("stop() ends the server and removes its directory", async () => {
    const other = await startPostgres();
    const pid = other.pid()!;
    expect(isAlive(pid)).toBe(true);
    await other.stop();
    await other.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
  }, 60_000);

  it("a server whose owner was SIGKILLed is stopped and removed by the next reaper pass", async () => {
    const owner = startNodeProcess("tests/fixtures/postgres-owner.ts");
    const line = await owner.waitForLine(/^\{/, 45_000);
    const { dir, pid, ownerPid } = JSON.parse(line) as { dir: string; pid: number; ownerPid: number };
    // the pid recorded in the cluster's directory is the process we kill, not a wrapper's
    expect(ownerPid).toBe(owner.pid);
    expect(isAlive(pid)).toBe(true);

    await owner.kill("SIGKILL");
    // SIGKILL runs no exit hook: the server outlives its owner until a reaper pass finds it
    expect(isAlive(pid)).toBe(true);

    reapPostgresOrphans();
    await waitFor(() => (isAlive(pid) ? undefined : true), 10_000);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
