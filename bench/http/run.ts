/**
 * Requests per second of herald's handler on node:http next to a bare Hono route that parses JSON
 * and validates the same zod schema (both on the same adapter), plus raw node:http as a floor.
 * Loopback only, bounded: a fixed number of requests at a fixed concurrency, rounds alternated.
 * Run: `npm run bench:http` (REQUESTS, CONCURRENCY, ROUNDS override the defaults).
 */
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";

const REQUESTS = Number(process.env.REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WARMUP = 2_000;
const BODY = JSON.stringify({
  event: "user.created",
  payload: { email: "user@example.com", name: "John Doe", userId: "123456" },
});

const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./servers.ts", import.meta.url))], {
  stdio: ["ignore", "pipe", "inherit"],
});
const ports = await new Promise<Record<"herald" | "hono" | "node", number>>((resolve, reject) => {
  child.stdout.setEncoding("utf8").once("data", (line: string) => resolve(JSON.parse(line)));
  child.once("exit", (code) => reject(new Error(`servers exited with ${code}`)));
});

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: "/trigger",
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(BODY) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(BODY);
  });
}

async function load(port: number, total: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      const status = await post(port);
      if (status !== 200) throw new Error(`status ${status} from port ${port}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return total / ((performance.now() - started) / 1000);
}

const results: Record<string, number[]> = { herald: [], hono: [], node: [] };
for (const port of Object.values(ports)) await load(port, WARMUP);
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, port] of Object.entries(ports)) results[name]!.push(await load(port, REQUESTS));
}
child.kill();
agent.destroy();

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rps = { herald: median(results.herald!), hono: median(results.hono!), node: median(results.node!) };
console.log(
  `herald/http bench: ${REQUESTS} requests x ${ROUNDS} rounds, concurrency ${CONCURRENCY}, loopback, median round`,
);
console.log(`  herald createEventHandler (toNodeHandler)  ${rps.herald.toFixed(0).padStart(7)} req/s`);
console.log(`  bare Hono route, same adapter              ${rps.hono.toFixed(0).padStart(7)} req/s`);
console.log(`  raw node:http, no Request/Response         ${rps.node.toFixed(0).padStart(7)} req/s`);
console.log(
  `  ratio herald / Hono: ${(rps.herald / rps.hono).toFixed(2)}   herald / raw node:http: ${(rps.herald / rps.node).toFixed(2)}`,
);
