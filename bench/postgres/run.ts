/**
 * herald/postgres against raw pg-boss 10 on the same database, in one run: rounds interleave the
 * cases, each ratio is printed as the median of the per-round ratios with its spread.
 *
 * - **Sends in a transaction.** `BEGIN; <one send>; COMMIT` on `--clients` connections at once.
 *   Raw: pg-boss's `send(queue, data, { db })` to the one queue of the event. herald:
 *   `sendEvent(name, payload, { tx })`, which validates, writes the event row (dedupe, history)
 *   and one job per subscriber (here 1), in one statement.
 * - **Deliveries end to end.** `--events` sent (outside transactions), then the time until every one
 *   has run. Raw: `work(queue, { batchSize, pollingIntervalSeconds: 0.5 })` with a handler that
 *   does nothing. herald: one subscriber (`concurrency` = batchSize) whose run is a transaction
 *   with its completion mark (the exactly-once guarantee), handler doing nothing. A second raw
 *   baseline fetches and completes in a loop with no wait between batches, as a user after
 *   throughput writes it (`work()` waits a polling interval after every batch).
 *
 *   npm run bench:postgres                            # 5 rounds, 2,000 sends, 2,000 deliveries
 *   npx tsx bench/postgres/run.ts --rounds 7 --sends 5000 --events 5000 --clients 8
 *
 * The server is a throwaway PostgreSQL cluster (tests/helpers/postgres.ts: fsync off, as in tests).
 */
import { parseArgs } from "node:util";
import pg from "pg";
import PgBoss from "pg-boss";
import { z } from "zod";
import { defineEvents } from "../../src/index.js";
import { postgresTransport } from "../../src/postgres.js";
import { startPostgres } from "../../tests/helpers/postgres.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    sends: { type: "string", default: "2000" },
    events: { type: "string", default: "2000" },
    clients: { type: "string", default: "8" },
    batch: { type: "string", default: "10" },
  },
});
const rounds = Number(values.rounds);
const sends = Number(values.sends);
const eventCount = Number(values.events);
const clients = Number(values.clients);
const batchSize = Number(values.batch);

const schemas = { "order.placed": z.object({ orderId: z.string(), total: z.number() }) };
const payload = (i: number) => ({ orderId: `o${i}`, total: i });
const QUEUE = "raw.order";

const server = await startPostgres({ settings: { max_connections: 300 } });
const rawUrl = await server.createDatabase("raw");
const heraldUrl = await server.createDatabase("herald");

const rawPool = new pg.Pool({ connectionString: rawUrl, max: clients + 4 });
const boss = new PgBoss({
  db: { executeSql: (text: string, params: unknown[]) => rawPool.query(text, params) },
  schedule: false,
} as never);
boss.on("error", () => {});
await boss.start();
await boss.createQueue(QUEUE);

const heraldPool = new pg.Pool({ connectionString: heraldUrl, max: clients + 4 });
const transport = await postgresTransport({ pool: heraldPool, pollingIntervalMs: 500, concurrency: batchSize });
const events = defineEvents(schemas, { transport });

/** Runs `total` transactions on `clients` connections at once; returns sends per second. */
async function inTransactions(
  pool: pg.Pool,
  total: number,
  send: (client: pg.PoolClient, i: number) => Promise<unknown>,
) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = await pool.connect();
      try {
        for (let i = next++; i < total; i = next++) {
          await client.query("BEGIN");
          await send(client, i);
          await client.query("COMMIT");
        }
      } finally {
        client.release();
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

const rawSend = () =>
  inTransactions(rawPool, sends, (client, i) =>
    boss.send(QUEUE, payload(i), {
      db: { executeSql: (text: string, params: unknown[]) => client.query(text, params) },
    } as never),
  );
const heraldSend = () =>
  inTransactions(heraldPool, sends, (client, i) => events.sendEvent("order.placed", payload(i), { tx: client }));

let round = 0;
/** Sends `eventCount` events, then waits until all ran; deliveries per second from the first send. */
async function rawDeliver(): Promise<number> {
  const tag = `r${round}`;
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const queue = `${QUEUE}.${tag}`;
  await boss.createQueue(queue);
  const started = performance.now();
  const worker = await boss.work(queue, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
    done += jobs.length;
    if (done >= eventCount) finish();
  });
  await boss.insert(Array.from({ length: eventCount }, (_, i) => ({ name: queue, data: payload(i) })));
  await all;
  const rate = eventCount / ((performance.now() - started) / 1000);
  await boss.offWork(worker as never);
  return rate;
}
// what a throughput-minded pg-boss user writes instead of work(), which waits a polling interval
// after every batch: fetch and complete in a loop, waiting only when the queue is empty
async function rawLoop(): Promise<number> {
  const queue = `${QUEUE}.l${round}`;
  await boss.createQueue(queue);
  const started = performance.now();
  await boss.insert(Array.from({ length: eventCount }, (_, i) => ({ name: queue, data: payload(i) })));
  let done = 0;
  while (done < eventCount) {
    const jobs = await boss.fetch(queue, { batchSize });
    if (jobs.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    await boss.complete(
      queue,
      jobs.map((job) => job.id),
    );
    done += jobs.length;
  }
  return eventCount / ((performance.now() - started) / 1000);
}
async function heraldDeliver(): Promise<number> {
  const tag = `h${round}`;
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const off = events.on(
    "order.placed",
    () => {
      if (++done >= eventCount) finish();
    },
    { id: `bench-${tag}` },
  );
  const started = performance.now();
  // in batches of 100, as the raw case inserts in one call
  for (let i = 0; i < eventCount; i += 100)
    await events.sendEvents(
      Array.from({ length: Math.min(100, eventCount - i) }, (_, j) => ({
        name: "order.placed" as const,
        payload: payload(i + j),
      })),
    );
  await all;
  const rate = eventCount / ((performance.now() - started) / 1000);
  off();
  return rate;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const cases = {
  "sends in a transaction": { raw: rawSend, herald: heraldSend },
  "deliveries end to end, raw work()": { raw: rawDeliver, herald: heraldDeliver },
  "deliveries end to end, raw fetch/complete loop": { raw: rawLoop, herald: heraldDeliver },
};
const results: Record<string, { raw: number[]; herald: number[]; ratio: number[] }> = {};
// warm up both sides once
await rawSend();
await heraldSend();
for (round = 0; round < rounds; round++) {
  for (const [name, { raw, herald }] of Object.entries(cases)) {
    const entry = (results[name] ??= { raw: [], herald: [], ratio: [] });
    // alternate which side goes first
    const [a, b] = round % 2 === 0 ? [await raw(), await herald()] : ([] as number[]);
    let rawRate = a;
    let heraldRate = b;
    if (round % 2 === 1) {
      heraldRate = await herald();
      rawRate = await raw();
    }
    entry.raw.push(rawRate!);
    entry.herald.push(heraldRate!);
    entry.ratio.push(heraldRate! / rawRate!);
  }
  process.stdout.write(`round ${round + 1}/${rounds}\n`);
}

console.log(
  `\nherald/postgres vs raw pg-boss ${(await import("pg-boss/package.json", { with: { type: "json" } })).default.version}, PostgreSQL ${server.version}, Node ${process.version}, ${clients} clients, batch ${batchSize}, ${rounds} rounds`,
);
console.log("| case | raw pg-boss /s | herald /s | herald / raw (median, spread) |");
console.log("|---|---|---|---|");
for (const [name, { raw, herald, ratio }] of Object.entries(results)) {
  const lo = Math.min(...ratio).toFixed(2);
  const hi = Math.max(...ratio).toFixed(2);
  console.log(
    `| ${name} | ${median(raw).toFixed(0)} | ${median(herald).toFixed(0)} | **${median(ratio).toFixed(2)}x** (${lo}–${hi}) |`,
  );
}

await transport.close();
await boss.stop({ graceful: false, close: false });
await rawPool.end();
await heraldPool.end();
await server.stop();
