import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { triggerTransport } from "../../../src/delivery/trigger/transport.js";
import { defineEvents } from "../../../src/index.js";
import { postgresTransport } from "../../../src/postgres.js";
import { schemas } from "../../fixtures/catalog.js";
import { type PostgresServer, startPostgres } from "../../helpers/postgres.js";
import { RELAY_ROUTES, RELAY_SETTINGS } from "../../helpers/relay-settings.js";
import { type FakeTrigger, startFakeTrigger } from "../../helpers/trigger-server.js";

// The outbox's crash test: relay workers in child processes are killed with SIGKILL while a
// forward is in flight (Trigger.dev created the run, its reply has not come back, the job's
// transaction is open), then restarted, while the stand-in also fails some requests. Every committed (event, task) must start exactly once at
// the Trigger.dev stand-in, no rolled-back event may reach it, and none may be lost.

const WORKER = fileURLToPath(new URL("../../helpers/relay-worker.ts", import.meta.url));
const EVENTS = 120;
const KILLS = 2;
const SEED = Number(process.env.HERALD_RELAY_SEED ?? 11);
const TASKS: Record<string, readonly string[]> = { ...RELAY_ROUTES, "file.uploaded": ["herald-dispatch"] };

let server: PostgresServer;
let trigger: FakeTrigger;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  server = await startPostgres();
  // beside the kills, the stand-in fails a tenth of requests (5xx, dropped connections, slow replies)
  console.log(`relay crash faults seed: ${SEED} (HERALD_RELAY_SEED)`);
  trigger = await startFakeTrigger({ faults: { rate: 0.1, seed: SEED, maxSlowMs: 30 } });
}, 60_000);
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await trigger?.close();
  await server?.stop();
});

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay worker not ready after 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("relay worker ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`relay worker exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("postgresTransport relay: worker processes killed mid-forward", () => {
  it(
    `starts each committed (event, task) of ${EVENTS} events once across ${KILLS} SIGKILLs, and no rolled-back one`,
    { timeout: 180_000 },
    async () => {
      const url = await server.createDatabase();
      const env = { DATABASE_URL: url, TRIGGER_URL: trigger.url };
      // the sender: relay mode, no forwarding worker in this process
      const transport = await postgresTransport({
        connectionString: url,
        ...RELAY_SETTINGS,
        relay: triggerTransport({ baseURL: trigger.url, accessToken: "tr_dev_testkey123" }),
        relayWorker: false,
      });
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      try {
        const events = defineEvents(schemas, { transport });
        const committed: { id: string; name: string }[] = [];
        const rolledBack = new Set<string>();
        const send = async (n: number): Promise<void> => {
          const id = `ev-${n}`;
          const commit = Math.floor(n / 3) % 3 !== 2; // a third rolled back, across all three events
          const client = await pool.connect();
          try {
            await client.query("BEGIN");
            let name: string;
            if (n % 3 === 0) {
              name = "user.created";
              await events.sendEvent(
                "user.created",
                { userId: `u${n}`, email: `u${n}@example.com` },
                { id, tx: client },
              );
            } else if (n % 3 === 1) {
              name = "order.placed";
              await events.sendEvent(
                "order.placed",
                { orderId: `o${n}`, items: [{ sku: "a", qty: 1 }] },
                { id, tx: client },
              );
            } else {
              name = "file.uploaded";
              await events.sendEvent("file.uploaded", { fileId: `f${n}`, filename: "a.txt" }, { id, tx: client });
            }
            await client.query(commit ? "COMMIT" : "ROLLBACK");
            if (commit) committed.push({ id, name });
            else rolledBack.add(id);
          } finally {
            client.release();
          }
        };
        // half before the first worker starts, the rest while workers run and die
        for (let n = 0; n < EVENTS / 2; n++) await send(n);
        const sending = (async () => {
          for (let n = EVENTS / 2; n < EVENTS; n++) {
            await send(n);
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
        })();

        for (let kills = 0; kills < KILLS; kills++) {
          const worker = await startWorker(env);
          const before = trigger.requests.length;
          await until("the worker forwards", () => trigger.requests.length >= before + 10, 30_000);
          // the next request is processed (its run created) and its reply held: the forward is in flight
          const stalledAt = trigger.requests.length;
          trigger.stallNext(/\/trigger$|\/items$/, Infinity, { process: true });
          await until("a forward is in flight", () => trigger.requests.length > stalledAt, 30_000);
          await kill(worker);
        }
        await sending;
        const last = await startWorker(env);
        const done = async (): Promise<boolean> => {
          const { rows } = await pool.query(
            "SELECT count(*) FILTER (WHERE state = 'completed')::int AS completed, count(*) FILTER (WHERE state = 'failed')::int AS failed FROM pgboss.job WHERE name = 'herald.relay'",
          );
          expect(rows[0].failed).toBe(0);
          return rows[0].completed === committed.length;
        };
        // each killed worker's runs wait for their expiry: 7 s, found by maintenance within 1 s
        await until("every committed event is forwarded", done, 120_000);
        await kill(last);

        expect(trigger.invalid).toEqual([]);
        const pairs = new Map<string, number>();
        for (const run of trigger.runs) {
          const pair = `${run.payload.id}|${run.taskId}`;
          pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
        }
        const expected = committed.flatMap(({ id, name }) => TASKS[name]!.map((task) => `${id}|${task}`)).sort();
        expect([...pairs.keys()].sort()).toEqual(expected);
        expect([...pairs.entries()].filter(([, count]) => count !== 1)).toEqual([]);
        expect([...trigger.runsByKey().values()].filter((runs) => runs.length !== 1)).toEqual([]);
        expect(trigger.runs.length).toBe(expected.length);
        expect(trigger.runs.filter((run) => rolledBack.has(run.payload.id))).toEqual([]);
        expect(committed.length).toBe(EVENTS - rolledBack.size);
        expect(rolledBack.size).toBeGreaterThan(EVENTS / 4);
        // the kills hit the crash window: a restarted worker found runs its dead predecessor had started
        expect(trigger.dedupedItems()).toBeGreaterThanOrEqual(KILLS);
        console.log(
          `relay crash: ${committed.length} committed, ${rolledBack.size} rolled back, ${trigger.runs.length} runs, ${trigger.requests.length} requests, ${trigger.dedupedItems()} deduplicated at the stand-in`,
        );
      } finally {
        await transport.close();
        await pool.end();
      }
    },
  );
});
