/**
 * HTTP ingestion, side by side in one run: herald on its documented node entry and mounted inside
 * Hono, against a Hono route on `@hono/node-server` and a Fastify route doing the same job (see
 * servers.ts). Each server runs in a process of its own; this process is the load generator
 * (autocannon, 50 connections). Rounds are interleaved (the order rotates each round) and the
 * median and spread of req/s and p99 are printed, with ratios. Not run in CI.
 *
 *   npm run bench:http                      # 5 rounds of 5 s per server, about 3 minutes
 *   npm run bench:http -- --quick           # 3 rounds of 2 s, under a minute
 *   npm run bench:http -- --profile herald  # also writes a V8 CPU profile of that server to .tmp/prof/
 *   npm run bench:http -- --only herald,hono
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    profile: { type: "string" },
    only: { type: "string" },
    rounds: { type: "string" },
    seconds: { type: "string" },
  },
});
const ROUNDS = Number(args.rounds ?? (args.quick ? 3 : 5));
const SECONDS = Number(args.seconds ?? (args.quick ? 2 : 5));
const WARMUP_SECONDS = args.quick ? 1 : 3;
const CONNECTIONS = 50;
// the same secrets as servers.ts, which is not imported here: it starts a server when loaded
const TOKEN = "bench-token-0123456789abcdef";
const SECRET = "bench-secret-0123456789abcdef";

const ALL = ["hono", "fastify", "herald", "herald-in-hono", "herald-bearer", "herald-hmac"] as const;
type Variant = (typeof ALL)[number];
const variants: readonly Variant[] = args.only ? ALL.filter((v) => args.only!.split(",").includes(v)) : ALL;

const BODY = JSON.stringify({
  event: "user.created",
  payload: { email: "user@example.com", name: "John Doe", userId: "123456" },
});
const JSON_HEADERS = { "content-type": "application/json" };

/** autocannon options per variant: a fixed request, except HMAC, signed afresh for each request. */
function requestOptions(variant: Variant): Partial<autocannon.Options> {
  if (variant === "herald-bearer")
    return { method: "POST", body: BODY, headers: { ...JSON_HEADERS, authorization: `Bearer ${TOKEN}` } };
  if (variant !== "herald-hmac") return { method: "POST", body: BODY, headers: JSON_HEADERS };
  let n = 0;
  return {
    requests: [
      {
        method: "POST",
        // a distinct body and a current timestamp per request, as real senders make, so replay checks pass
        setupRequest: (request) => {
          const body = JSON.stringify({
            event: "user.created",
            payload: { email: "user@example.com", name: "John Doe", userId: String(++n) },
          });
          const timestamp = String(Math.floor(Date.now() / 1000));
          const mac = createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex");
          return {
            ...request,
            body,
            headers: {
              ...JSON_HEADERS,
              "x-herald-timestamp": timestamp,
              "x-herald-signature": `sha256=${mac}`,
            },
          };
        },
      },
    ],
  };
}

async function startServer(variant: Variant): Promise<{ port: number; child: ChildProcess }> {
  const flags = ["--import", "tsx"];
  if (args.profile === variant) {
    mkdirSync(".tmp/prof", { recursive: true });
    // a sample every 250 µs (V8 default: 1 ms), so a request of 50-100 µs shows its parts
    flags.push("--cpu-prof", "--cpu-prof-dir=.tmp/prof", "--cpu-prof-interval=250");
  }
  const child = spawn(process.execPath, [...flags, fileURLToPath(new URL("./servers.ts", import.meta.url)), variant], {
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child
      .stdout!.setEncoding("utf8")
      .once("data", (line: string) => resolve((JSON.parse(line) as { port: number }).port));
    child.once("exit", (code) => reject(new Error(`${variant} server exited with ${code}`)));
  });
  return { port, child };
}

interface Sample {
  rps: number;
  p99: number;
  /** The server process's CPU time (user + system) per answered request, in microseconds. */
  cpu: number;
}

function cpuOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once("message", (usage) => resolve((usage as NodeJS.CpuUsage).user + (usage as NodeJS.CpuUsage).system));
    child.send("cpu");
  });
}

async function load(variant: Variant, server: { port: number; child: ChildProcess }, seconds: number): Promise<Sample> {
  const { port, child } = server;
  const cpuBefore = await cpuOf(child);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/trigger`,
    connections: CONNECTIONS,
    duration: seconds,
    ...requestOptions(variant),
  });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${variant}: ${failed} failed requests of ${result.requests.total}`);
  const cpu = (await cpuOf(child)) - cpuBefore;
  return { rps: result["2xx"] / (result.duration || seconds), p99: result.latency.p99, cpu: cpu / result["2xx"] };
}

// read from node_modules: not every package exports its package.json
const versionOf = (name: string): string =>
  (
    JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), "utf8")) as {
      version: string;
    }
  ).version;
const versions = {
  node: process.version,
  ...Object.fromEntries(
    ["hono", "@hono/node-server", "fastify", "autocannon", "zod"].map((name) => [name, versionOf(name)]),
  ),
};

const servers = new Map<Variant, { port: number; child: ChildProcess }>();
const samples = new Map<Variant, Sample[]>(variants.map((v) => [v, []]));
try {
  for (const variant of variants) servers.set(variant, await startServer(variant));
  for (const variant of variants) await load(variant, servers.get(variant)!, WARMUP_SECONDS);
  for (let round = 0; round < ROUNDS; round++) {
    // rotate the order each round, so no variant always runs first or right after the same one
    const order = variants.map((_, i) => variants[(i + round) % variants.length]!);
    for (const variant of order) samples.get(variant)!.push(await load(variant, servers.get(variant)!, SECONDS));
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
} finally {
  for (const { child } of servers.values()) child.kill("SIGTERM");
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const summary = new Map(
  [...samples].map(([v, xs]) => {
    const rps = xs.map((x) => x.rps);
    const p99 = xs.map((x) => x.p99);
    const cpu = xs.map((x) => x.cpu);
    return [
      v,
      {
        rps: median(rps),
        rpsMin: Math.min(...rps),
        rpsMax: Math.max(...rps),
        p99: median(p99),
        p99Min: Math.min(...p99),
        p99Max: Math.max(...p99),
        cpu: median(cpu),
        cpuMin: Math.min(...cpu),
        cpuMax: Math.max(...cpu),
      },
    ];
  }),
);

const LABELS: Record<Variant, string> = {
  hono: "Hono route on @hono/node-server",
  fastify: "Fastify route",
  herald: 'herald toNodeHandler, auth "none"',
  "herald-in-hono": "herald handler mounted in Hono",
  "herald-bearer": "herald toNodeHandler, bearer token",
  "herald-hmac": "herald toNodeHandler, HMAC signature",
};
const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const hono = summary.get("hono");
const fastify = summary.get("fastify");
const herald = summary.get("herald");
console.log(
  `\nherald/http bench: ${ROUNDS} rounds x ${SECONDS} s per server, ${CONNECTIONS} connections, loopback, rounds interleaved`,
);
console.log(
  `${cpus().length} x ${cpus()[0]?.model ?? "cpu"}; ${Object.entries(versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ")}\n`,
);
console.log(
  "| server | req/s (median) | req/s (min-max) | p99 ms (median, min-max) | vs Hono | vs Fastify | server CPU µs/req (median, min-max) | CPU vs Hono |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const [variant, s] of summary) {
  const vs = (base: typeof hono): string => (base ? `${(s.rps / base.rps).toFixed(2)}x` : "-");
  console.log(
    `| ${LABELS[variant]} | ${fmt(s.rps)} | ${fmt(s.rpsMin)}-${fmt(s.rpsMax)} | ${s.p99} (${s.p99Min}-${s.p99Max}) | ${vs(hono)} | ${vs(fastify)} | ${s.cpu.toFixed(0)} (${s.cpuMin.toFixed(0)}-${s.cpuMax.toFixed(0)}) | ${hono ? `${(s.cpu / hono.cpu).toFixed(2)}x` : "-"} |`,
  );
}
console.log("\nTargets (issue 13):");
const check = (label: string, value: number, ok: boolean): void =>
  console.log(`  ${ok ? "met   " : "MISSED"} ${label}: ${value.toFixed(2)}`);
if (herald && hono) {
  check("herald req/s / Hono (>= 1.0)", herald.rps / hono.rps, herald.rps >= hono.rps);
  check("herald p99 / Hono p99 (<= 1.25)", herald.p99 / hono.p99, herald.p99 <= 1.25 * hono.p99);
}
if (herald && fastify)
  check("herald req/s / Fastify (>= 0.9)", herald.rps / fastify.rps, herald.rps >= 0.9 * fastify.rps);
const mounted = summary.get("herald-in-hono");
if (mounted && hono)
  check(
    "cost of herald mounted in Hono / plain Hono route, time per request (<= 1.15)",
    hono.rps / mounted.rps,
    hono.rps <= 1.15 * mounted.rps,
  );
if (mounted && hono)
  console.log(
    `  CPU    herald mounted in Hono / plain Hono route, server CPU per request: ${(mounted.cpu / hono.cpu).toFixed(2)}`,
  );
if (herald && hono)
  console.log(`  CPU    herald / Hono, server CPU per request: ${(herald.cpu / hono.cpu).toFixed(2)}`);
if (herald && fastify)
  console.log(`  CPU    herald / Fastify, server CPU per request: ${(herald.cpu / fastify.cpu).toFixed(2)}`);
// the same ratios taken within each round (both servers loaded minutes, not hours, apart), then
// their median and range: on a shared machine these move less than a ratio of medians
const paired = (label: string, a: Variant, b: Variant, of: (x: Sample, y: Sample) => number, goal: string): void => {
  const xs = samples.get(a);
  const ys = samples.get(b);
  if (!xs || !ys) return;
  const ratios = xs.map((x, round) => of(x, ys[round]!));
  console.log(
    `  round  ${label}: median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})${goal}`,
  );
};
console.log("\nRatios within each round (median, min-max over rounds):");
paired("herald req/s / Hono", "herald", "hono", (x, y) => x.rps / y.rps, ", target >= 1.0");
paired("herald p99 / Hono p99", "herald", "hono", (x, y) => x.p99 / y.p99, ", target <= 1.25");
paired("herald req/s / Fastify", "herald", "fastify", (x, y) => x.rps / y.rps, ", target >= 0.9");
paired(
  "mounted in Hono, time per request / Hono",
  "herald-in-hono",
  "hono",
  (x, y) => y.rps / x.rps,
  ", target <= 1.15",
);
paired("herald CPU per request / Hono", "herald", "hono", (x, y) => x.cpu / y.cpu, "");
paired("herald CPU per request / Fastify", "herald", "fastify", (x, y) => x.cpu / y.cpu, "");
paired("mounted in Hono, CPU per request / Hono", "herald-in-hono", "hono", (x, y) => x.cpu / y.cpu, "");
paired("bearer, CPU per request / auth none", "herald-bearer", "herald", (x, y) => x.cpu / y.cpu, "");
paired("HMAC, CPU per request / auth none", "herald-hmac", "herald", (x, y) => x.cpu / y.cpu, "");
for (const secure of ["herald-bearer", "herald-hmac"] as const) {
  const s = summary.get(secure);
  if (s && herald)
    console.log(
      `  cost   ${LABELS[secure]}: ${(herald.rps / s.rps).toFixed(2)}x the time per request of auth "none" (${fmt(s.rps)} req/s, p99 ${s.p99} ms); server CPU per request ${(s.cpu / herald.cpu).toFixed(2)}x`,
    );
}
