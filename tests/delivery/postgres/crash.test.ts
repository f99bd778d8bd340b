import { type ChildProcess, spawn } from "node:child_process";
import { createServer, Socket } from "node:net";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defineEvents, EventValidationError, InvalidOptionsError, TransportError } from "../../../src/index.js";
import { postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { type PostgresServer, startPostgres } from "../../helpers/postgres.js";
import { seededRandom } from "../../helpers/seeded-random.js";

// herald/postgres under faults, against a real PostgreSQL 15: 1,000 events sent in transactions (a
// third rolled back) while worker processes run two subscribers, are SIGKILLed mid-run and
// restarted, and the database itself crashes and restarts once. Each run writes one row through
// ctx.tx into a table without a unique constraint, so a run whose writes committed twice shows up.

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const WORKER = fileURLToPath(new URL("../../fixtures/postgres-crash-worker.ts", import.meta.url));
const EVENTS = 1000;
const SUBSCRIBERS = ["a", "b"] as const;
const WORKERS = 3;
const SENDERS = 4;
const KILLS = 4;

let server: PostgresServer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  // an immediate stop is a crash: with synchronous_commit off (the helper's default) a commit the
  // client saw could still sit in WAL buffers and be lost, which is the setting's doing, not herald's
  server = await startPostgres({ settings: { synchronous_commit: "on" } });
}, 60_000);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    const t = Date.now();
    await cleanup();
    // a slow close is worth knowing about (close() waits up to closeTimeoutMs for running attempts)
    if (Date.now() - t > 2000)
      console.log(`slow cleanup: ${cleanup.toString().slice(0, 60)} took ${Date.now() - t} ms`);
  }
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function count(pool: pg.Pool, sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await pool.query(sql, values);
  return Number(rows[0].n);
}

interface WorkerProcess {
  readonly child: ChildProcess;
  /** Set before this test kills it: any other exit is a crash of the worker itself. */
  killed: boolean;
  /** Runs this worker reports between their write and their end (its stdout: "+" and "-"). */
  inFlight: number;
  readonly exited: Promise<void>;
}

/** A worker process (node with tsx's loader, so a SIGKILL hits the worker itself, not a wrapper). */
function spawnWorker(url: string, crashes: string[]): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
    cwd: ROOT,
    env: { ...process.env, HERALD_CRASH_URL: url, HERALD_CRASH_SLEEP_MS: "100" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const worker: WorkerProcess = {
    child,
    killed: false,
    inFlight: 0,
    exited: new Promise((resolve) =>
      child.once("exit", (code, signal) => {
        if (!worker.killed) crashes.push(`worker ${child.pid} exited (${code ?? signal}) by itself:\n${stderr}`);
        resolve();
      }),
    ),
  };
  child.stdout!.on("data", (chunk: Buffer) => {
    for (const byte of chunk) worker.inFlight += byte === 0x2b ? 1 : byte === 0x2d ? -1 : 0;
  });
  return worker;
}

async function kill(worker: WorkerProcess): Promise<void> {
  worker.killed = true;
  worker.child.kill("SIGKILL");
  await worker.exited;
}

describe("postgresTransport under crashes", () => {
  it("1,000 events in transactions, a third rolled back, workers SIGKILLed and the database restarted: each committed event's subscribers write once, nothing else", async () => {
    const seed = Number(process.env.HERALD_CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`crash test seed: ${seed} (replay with HERALD_CRASH_SEED=${seed})`);
    const rand = seededRandom(seed);
    const started = Date.now();

    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    // the test's own idle connections see the restart too; the pool drops them
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    await pool.query("CREATE TABLE effects (event_id text NOT NULL, subscriber text NOT NULL, pid int)");
    await pool.query("CREATE TABLE orders (id text PRIMARY KEY)");

    // the sending process: a transport with no subscribers, so it only writes events
    const background: Error[] = [];
    const transport = await postgresTransport({ connectionString: url, onError: (error) => background.push(error) });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });

    const crashes: string[] = [];
    const workers: WorkerProcess[] = [];
    cleanups.push(async () => {
      await Promise.all(workers.map(kill));
    });
    for (let i = 0; i < WORKERS; i++) workers.push(spawnWorker(url, crashes));
    // events reach the subscribers whose queues are subscribed when they are written
    await waitFor(
      "the workers' subscriptions",
      async () =>
        (await count(pool, "SELECT count(*) AS n FROM pgboss.subscription WHERE event = 'file.uploaded'")) === 2,
      60_000,
    );
    const ready = Date.now();

    // faults at points of progress, not times, so that a slow machine sees them mid-stream too
    const killAt = Array.from({ length: KILLS }, (_, i) => Math.floor(((i + 1) * EVENTS) / (KILLS + 2) + rand() * 60));
    const restartAt = Math.floor(EVENTS * 0.45 + rand() * 60);
    const victims = Array.from({ length: KILLS }, () => Math.floor(rand() * WORKERS));
    const faults: Promise<void>[] = [];
    let kills = 0;
    let cutRuns = 0;
    let restarted = false;
    let restartMs = 0;
    let firstFaultAt = 0;

    const committed = new Set<string>();
    const rolledBack = new Set<string>();
    // a COMMIT that failed may or may not have committed: the event is sent again with the same id
    // in a new transaction, and the receipt of the send that commits says which (duplicate: it had)
    const uncertain = new Set<string>();
    const duplicates = new Set<string>();
    const transportErrors: TransportError[] = [];
    const otherSendErrors: unknown[] = [];
    let failedAttempts = 0;
    let next = 0;
    let done = 0;

    const onProgress = (): void => {
      done++;
      if (firstFaultAt === 0 && done >= Math.min(killAt[0]!, restartAt)) firstFaultAt = Date.now();
      while (kills < KILLS && done >= killAt[kills]!) {
        const index = victims[kills]!;
        kills++;
        const victim = workers[index]!;
        faults.push(
          (async () => {
            // kill it while it runs something, so the kill cuts a run between its write and COMMIT
            await waitFor("a run in the victim", async () => victim.inFlight > 0, 5_000).catch(() => {});
            cutRuns += victim.inFlight;
            await kill(victim);
            workers[index] = spawnWorker(url, crashes);
          })(),
        );
      }
      if (!restarted && done >= restartAt) {
        restarted = true;
        const down = Date.now();
        faults.push(server.restart({ mode: "immediate" }).then(() => void (restartMs = Date.now() - down)));
      }
    };

    const connect = async (): Promise<pg.Client> => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
      // a connection lost between queries emits 'error'; the next query fails and the loop retries
      client.on("error", () => {});
      await client.connect();
      return client;
    };

    // a sender: BEGIN, a business row, the event, then COMMIT (or, for every third, ROLLBACK);
    // anything failing is retried as a whole transaction with the same event id
    const sender = async (): Promise<void> => {
      let client: pg.Client | undefined;
      while (next < EVENTS) {
        const n = next++;
        const id = `ev-${String(n).padStart(4, "0")}`;
        const rollBack = n % 3 === 2;
        for (let attempt = 1; ; attempt++) {
          if (attempt > 300) throw new Error(`${id}: still failing after 300 attempts`);
          let committing = false;
          try {
            client ??= await connect();
            await client.query("BEGIN");
            await client.query("INSERT INTO orders (id) VALUES ($1) ON CONFLICT DO NOTHING", [id]);
            try {
              const receipt = await events.sendEvent(
                "file.uploaded",
                { fileId: id, filename: `${id}.txt` },
                { tx: client, id },
              );
              if (receipt.duplicate) duplicates.add(id);
              else duplicates.delete(id);
            } catch (error) {
              if (error instanceof TransportError) transportErrors.push(error);
              else otherSendErrors.push(error);
              throw error;
            }
            if (rollBack) {
              await client.query("ROLLBACK");
              rolledBack.add(id);
              break;
            }
            committing = true;
            const result = await client.query("COMMIT");
            // an aborted transaction answers COMMIT with ROLLBACK, without an error
            if (result.command !== "COMMIT") throw new Error(`${id}: COMMIT answered ${result.command}`);
            committed.add(id);
            break;
          } catch {
            failedAttempts++;
            if (committing) uncertain.add(id);
            await client?.end().catch(() => {});
            client = undefined;
            await sleep(50);
          }
        }
        onProgress();
      }
      await client?.end().catch(() => {});
    };
    await Promise.all(Array.from({ length: SENDERS }, sender));
    const sent = Date.now();
    await Promise.all(faults);

    const pending = (): Promise<number> =>
      count(pool, "SELECT count(*) AS n FROM pgboss.job WHERE name = ANY($1) AND state < 'completed'", [
        SUBSCRIBERS.map((s) => `herald.${s}`),
      ]);
    // killed runs come back after their expiry (timeoutMs 2 s + 5 s) and the next maintenance
    await waitFor("every job completed", async () => (await pending()) === 0, 90_000);
    const finished = Date.now();

    // what was sent
    expect(committed.size + rolledBack.size).toBe(EVENTS);
    expect(rolledBack.size).toBe(Math.floor(EVENTS / 3));
    // only a resend after a COMMIT that failed finds its event already there
    expect([...duplicates].filter((id) => !uncertain.has(id))).toEqual([]);
    expect(otherSendErrors).toEqual([]);
    for (const error of transportErrors) {
      expect(error.retryable, error.message).toBe(true);
      expect(error.cause, error.message).toBeInstanceOf(Error);
    }
    const ids = async (sql: string): Promise<string[]> =>
      (await pool.query(sql)).rows.map((row: { id: string }) => row.id).sort();
    const expected = [...committed].sort();
    // the business rows and the events committed together, and only together
    expect(await ids("SELECT id FROM orders")).toEqual(expected);
    expect(await ids("SELECT id FROM pgboss.herald_event")).toEqual(expected);

    // what ran: one effect per (committed event, subscriber), no rolled-back event's, no duplicate
    const { rows: effects } = await pool.query<{ event_id: string; subscriber: string; n: number }>(
      "SELECT event_id, subscriber, count(*)::int AS n FROM effects GROUP BY 1, 2",
    );
    const duplicated = effects.filter((row) => row.n !== 1);
    const stray = effects.filter((row) => !committed.has(row.event_id));
    const pairs = (rows: { event_id: string; subscriber: string }[]): string[] =>
      rows.map((row) => `${row.event_id}/${row.subscriber}`).sort();
    const want = expected.flatMap((id) => SUBSCRIBERS.map((s) => `${id}/${s}`)).sort();
    expect(duplicated).toEqual([]);
    expect(stray).toEqual([]);
    expect(pairs(effects)).toEqual(want);
    const { rows: runs } = await pool.query<{ event_id: string; subscriber: string; attempt: number }>(
      "SELECT event_id, subscriber, attempt FROM pgboss.herald_run",
    );
    expect(pairs(runs)).toEqual(want);
    expect(
      await count(pool, "SELECT count(*)::int AS n FROM pgboss.job WHERE name = ANY($1) AND state = 'completed'", [
        SUBSCRIBERS.map((s) => `herald.${s}`),
      ]),
    ).toBe(want.length);

    // the faults happened, and hit runs: some runs completed only on a later attempt
    const retried = runs.filter((run) => run.attempt > 1).length;
    expect(kills).toBe(KILLS);
    expect(restarted).toBe(true);
    expect(cutRuns).toBeGreaterThan(0);
    expect(retried).toBeGreaterThan(0);
    expect(crashes).toEqual([]);
    console.log(
      `crash test: ${committed.size} committed, ${rolledBack.size} rolled back, ${uncertain.size} failed COMMITs resent (${duplicates.size} had committed), ` +
        `${failedAttempts} failed send attempts (${transportErrors.length} TransportErrors), ${kills} workers killed (cutting ${cutRuns} runs), ` +
        `1 database restart (${restartMs} ms), ${retried} runs completed on a later attempt; workers ready in ${ready - started} ms, ` +
        `sends took ${sent - ready} ms (the first ${Math.min(killAt[0]!, restartAt)} before any fault: ${firstFaultAt - ready} ms), ` +
        `all runs done ${finished - sent} ms later; transport errors seen by senders: ` +
        JSON.stringify([...new Set(transportErrors.map((error) => error.message.replace(/[^\x20-\x7e]/g, "?")))]),
    );
  }, 240_000);
});

describe("postgresTransport when the database goes away", () => {
  it("a send while the database is down rejects with a retryable TransportError that keeps its cause; after it is back, the same transport sends and its workers resume", async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    await pool.query("CREATE TABLE effects (event_id text NOT NULL, subscriber text NOT NULL)");
    const background: Error[] = [];
    const transport = await postgresTransport({
      connectionString: url,
      pollingIntervalMs: 500,
      onError: (error) => background.push(error),
    });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });
    let sleeping: (() => void) | undefined;
    events.on(
      "file.uploaded",
      async (file, ctx) => {
        await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'resumer')", [ctx.event.id]);
        // the first run holds its connection while the server stops under it
        if (file.fileId === "held" && ctx.attempt === 1) await new Promise<void>((resolve) => (sleeping = resolve));
      },
      { id: "resumer" },
    );
    const effectsOf = (id: string) => count(pool, "SELECT count(*)::int AS n FROM effects WHERE event_id = $1", [id]);

    await events.sendEvent("file.uploaded", { fileId: "held", filename: "h" }, { id: "held" });
    await waitFor("the held run", async () => sleeping !== undefined, 15_000);
    await server.down("fast");
    // a failing assertion must not leave the server down for the tests after this one
    cleanups.push(() => server.up());
    sleeping!();

    const error = await events
      .sendEvent("file.uploaded", { fileId: "f", filename: "f" }, { id: "while-down" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).retryable).toBe(true);
    expect((error as TransportError).cause).toBeInstanceOf(Error);
    expect((error as TransportError).message).toMatch(/ECONNREFUSED/);

    // waiting for the queues is a database read too: the same error, not a raw driver one
    const drained = await transport.drain().catch((e: unknown) => e);
    expect(drained).toBeInstanceOf(TransportError);
    expect((drained as TransportError).retryable).toBe(true);
    expect((drained as TransportError).cause).toBeInstanceOf(Error);

    await server.up();
    const receipt = await events.sendEvent("file.uploaded", { fileId: "f", filename: "f" }, { id: "after" });
    expect(receipt.duplicate).toBe(false);
    // the run cut off by the stop is retried once its attempt expires; the new event runs at once
    await waitFor("the run after the restart", async () => (await effectsOf("after")) === 1, 30_000);
    expect(await effectsOf("while-down")).toBe(0);
    expect(background.length).toBeGreaterThan(0);
    expect(background.every((e) => e instanceof TransportError)).toBe(true);
  }, 60_000);
});

describe("postgresTransport when a run outlives its time limit", () => {
  it("drops the run's connection: a write the timed-out handler makes afterwards through ctx.tx is refused, and the retry writes once", async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    cleanups.push(() => pool.end());
    await pool.query("CREATE TABLE effects (event_id text NOT NULL, subscriber text NOT NULL)");
    const transport = await postgresTransport({
      connectionString: url,
      pollingIntervalMs: 500,
      timeoutMs: 300,
      retryDelaySeconds: 1,
      retryBackoff: false,
    });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });
    let late: unknown = "not yet";
    events.on(
      "file.uploaded",
      async (_file, ctx) => {
        // the first attempt ignores its signal and writes after its time is up
        if (ctx.attempt === 1) await sleep(1500);
        const write = ctx.tx!.query("INSERT INTO effects VALUES ($1, 'slow')", [ctx.event.id]);
        if (ctx.attempt === 1)
          late = await write.then(
            () => "written",
            (error: unknown) => error,
          );
        else await write;
      },
      { id: "slow" },
    );
    await events.sendEvent("file.uploaded", { fileId: "f", filename: "f" }, { id: "slow-1" });
    await waitFor("the late write", async () => late !== "not yet", 15_000);
    await transport.drain();
    expect(await count(pool, "SELECT count(*)::int AS n FROM effects WHERE event_id = 'slow-1'")).toBe(1);
    expect(late).toBeInstanceOf(Error);
    const { rows } = await pool.query("SELECT attempt FROM pgboss.herald_run WHERE event_id = 'slow-1'");
    expect(rows).toEqual([{ attempt: 2 }]);
  }, 30_000);
});

/**
 * A TCP proxy to the server that can lose a COMMIT's answer: once armed, it forwards the next
 * `COMMIT` to the server and then cuts the client's connection instead of passing the reply on,
 * so the transaction commits while its client sees the connection fail.
 */
async function commitLosingProxy(port: number): Promise<{ port: number; arm(): void; close(): Promise<void> }> {
  const commit = Buffer.from("Q\0\0\0\x0bCOMMIT\0", "latin1");
  let armed = false;
  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    let cutNext = false;
    client.on("data", (chunk: Buffer) => {
      if (armed && chunk.includes(commit)) {
        armed = false;
        cutNext = true;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk: Buffer) => {
      if (cutNext) {
        client.destroy();
        upstream.destroy();
      } else client.write(chunk);
    });
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    port: (proxy.address() as { port: number }).port,
    arm: () => void (armed = true),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  };
}

describe("postgresTransport when a COMMIT's answer is lost", () => {
  it("the event may have committed: sent again with its id in a new transaction, it is a duplicate and its subscriber runs once", async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    cleanups.push(() => pool.end());
    await pool.query("CREATE TABLE effects (event_id text NOT NULL, subscriber text NOT NULL)");
    const transport = await postgresTransport({ connectionString: url, pollingIntervalMs: 500 });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });
    events.on(
      "file.uploaded",
      async (_file, ctx) => {
        await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'once')", [ctx.event.id]);
      },
      { id: "once" },
    );
    const proxy = await commitLosingProxy(server.port);
    cleanups.push(() => proxy.close());
    const payload = { fileId: "f", filename: "f" };

    const cut = new pg.Client({
      host: "127.0.0.1",
      port: proxy.port,
      user: "postgres",
      database: new URL(url).pathname.slice(1),
    });
    cut.on("error", () => {});
    await cut.connect();
    await cut.query("BEGIN");
    expect((await events.sendEvent("file.uploaded", payload, { tx: cut, id: "lost-answer" })).duplicate).toBe(false);
    proxy.arm();
    await expect(cut.query("COMMIT")).rejects.toThrow(/Connection terminated/);
    await cut.end().catch(() => {});

    const again = await pool.connect();
    try {
      await again.query("BEGIN");
      const receipt = await events.sendEvent("file.uploaded", payload, { tx: again, id: "lost-answer" });
      expect((await again.query("COMMIT")).command).toBe("COMMIT");
      // the first transaction had committed: the resend says so and adds nothing
      expect(receipt.duplicate).toBe(true);
    } finally {
      again.release();
    }
    await transport.drain();
    expect(await count(pool, "SELECT count(*)::int AS n FROM effects WHERE event_id = 'lost-answer'")).toBe(1);
    expect(await count(pool, "SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'herald.once'")).toBe(1);
  }, 30_000);
});

describe("postgresTransport after a restart, woken by LISTEN again", () => {
  it("listens again once the database is back: sends wake the workers well before their next poll", async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    // polling this slow, a delivery within 3 s can only come from a notification
    const transport = await postgresTransport({ connectionString: url, pollingIntervalMs: 10_000, onError: () => {} });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });
    const got = new Map<string, number>();
    events.on("file.uploaded", (_file, ctx) => void got.set(ctx.event.id, Date.now()), { id: "woken" });
    const listening = () =>
      count(
        pool,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'",
      );
    await waitFor("the first LISTEN", async () => (await listening()) === 1, 15_000);
    await server.restart({ mode: "fast" });
    // the lost listener waits one polling interval before it connects again
    await waitFor("LISTEN after the restart", async () => (await listening().catch(() => 0)) === 1, 30_000);
    for (const id of ["woken-1", "woken-2"]) {
      const sent = Date.now();
      await events.sendEvent("file.uploaded", { fileId: id, filename: id }, { id });
      await waitFor(`${id} delivered`, async () => got.has(id), 15_000);
      expect(got.get(id)! - sent, id).toBeLessThan(3000);
    }
  }, 60_000);
});

describe("postgresTransport when a handler swallows a failed statement on ctx.tx", () => {
  it("does not complete the run (its transaction is aborted, so the completion fails) and retries it: its writes land once", async () => {
    const url = await server.createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    cleanups.push(() => pool.end());
    await pool.query("CREATE TABLE effects (event_id text NOT NULL, subscriber text NOT NULL)");
    const transport = await postgresTransport({ connectionString: url, pollingIntervalMs: 500, retryBackoff: false });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });
    events.on(
      "file.uploaded",
      async (_file, ctx) => {
        await ctx.tx!.query("INSERT INTO effects VALUES ($1, 'swallower')", [ctx.event.id]);
        // an error caught and ignored leaves the transaction aborted: COMMIT would answer ROLLBACK
        if (ctx.attempt === 1) await ctx.tx!.query("SELECT 1/0").catch(() => {});
      },
      { id: "swallower" },
    );
    await events.sendEvent("file.uploaded", { fileId: "f", filename: "f" }, { id: "swallowed" });
    await transport.drain();
    expect(await count(pool, "SELECT count(*)::int AS n FROM effects")).toBe(1);
    const { rows } = await pool.query("SELECT attempt FROM pgboss.herald_run WHERE event_id = 'swallowed'");
    expect(rows).toEqual([{ attempt: 2 }]);
  }, 30_000);
});

describe("postgresTransport subscribing while the database is down", () => {
  it("sets the subscriber up once the database is back, so it gets the events sent after", async () => {
    const url = await server.createDatabase();
    const background: Error[] = [];
    const transport = await postgresTransport({
      connectionString: url,
      pollingIntervalMs: 500,
      onError: (error) => background.push(error),
    });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });
    const got: string[] = [];
    await server.down("fast");
    cleanups.push(() => server.up());
    events.on("file.uploaded", (_file, ctx) => void got.push(ctx.event.id), { id: "late" });
    await waitFor("the failed set-up's report", async () => background.length > 0, 15_000);
    await server.up();
    await waitFor(
      "the subscription",
      async () => {
        const receipt = await events.sendEvent("file.uploaded", { fileId: "f", filename: "f" }).catch(() => undefined);
        return receipt !== undefined && (await transport.drain().then(() => got.length > 0));
      },
      20_000,
    );
    expect(background[0]).toBeInstanceOf(TransportError);
    expect((background[0] as TransportError).retryable).toBe(true);
  }, 60_000);
});

describe("postgresTransport given bad input in a transaction", () => {
  it("an invalid payload rejects before anything is written: the caller's transaction is untouched and still commits", async () => {
    const url = await server.createDatabase();
    const transport = await postgresTransport({ connectionString: url });
    cleanups.push(() => transport.close());
    const events = defineEvents(schemas, { transport });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    cleanups.push(() => client.end());
    await client.query("CREATE TABLE orders (id text PRIMARY KEY)");
    await client.query("BEGIN");
    await client.query("INSERT INTO orders VALUES ('o1')");
    const error = await events
      .sendEvent("order.placed", { orderId: "o1", items: [] } as never, { tx: client, id: "o1" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventValidationError);
    // had herald run a failing statement in it, COMMIT would answer ROLLBACK (without an error)
    expect((await client.query("COMMIT")).command).toBe("COMMIT");
    expect((await client.query("SELECT count(*)::int AS n FROM orders")).rows).toEqual([{ n: 1 }]);
    expect((await client.query("SELECT count(*)::int AS n FROM pgboss.herald_event")).rows).toEqual([{ n: 0 }]);
    expect((await client.query("SELECT count(*)::int AS n FROM pgboss.job")).rows).toEqual([{ n: 0 }]);
  }, 30_000);
});

describe("postgresTransport misconfigured", () => {
  it("refuses a schema name that is not a plain identifier before it connects", async () => {
    for (const schema of ["pg-boss", "x; DROP TABLE users", "", "1abc", "a".repeat(51)]) {
      const error = await postgresTransport({ connectionString: "postgres://postgres@127.0.0.1:1/none", schema }).catch(
        (e: unknown) => e,
      );
      expect(error, schema).toBeInstanceOf(InvalidOptionsError);
    }
  });

  it("refuses at start-up a schema whose pg-boss version is not 10's, naming both versions", async () => {
    const url = await server.createDatabase();
    const first = await postgresTransport({ connectionString: url, schema: "jobs" });
    await first.close();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    cleanups.push(() => pool.end());
    // a newer pg-boss migrated this schema (pg-boss itself leaves a newer schema as it is)
    await pool.query("UPDATE jobs.version SET version = 26");
    const error = await postgresTransport({ connectionString: url, schema: "jobs" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).retryable).toBe(false);
    expect((error as TransportError).message).toMatch(
      /"jobs".*version 26.*pg-boss >=10\.1\.5 <11 \(schema version 24\)/,
    );
    // nothing of it was left open: the database can be dropped at once
    expect(
      await count(
        pool,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
      ),
    ).toBe(0);
  }, 30_000);

  it("refuses at start-up a database that does not exist, or a role that may not create the schema, with a non-retryable TransportError", async () => {
    const missing = await postgresTransport({ connectionString: server.urlFor("no_such_database") }).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(TransportError);
    expect((missing as TransportError).retryable).toBe(false);
    expect((missing as TransportError).message).toMatch(/database "no_such_database" does not exist/);
    expect((missing as TransportError).cause).toBeInstanceOf(Error);

    const url = await server.createDatabase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query("DROP ROLE IF EXISTS herald_limited");
      await admin.query("CREATE ROLE herald_limited LOGIN");
      await admin.query(`REVOKE CREATE ON DATABASE ${new URL(url).pathname.slice(1)} FROM PUBLIC`);
    } finally {
      await admin.end();
    }
    const limited = new URL(url);
    limited.username = "herald_limited";
    const denied = await postgresTransport({ connectionString: limited.href }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(TransportError);
    expect((denied as TransportError).retryable).toBe(false);
    expect((denied as TransportError).message).toMatch(/starting pg-boss in schema "pgboss".*permission denied/);
  }, 30_000);
});
