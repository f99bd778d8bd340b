import { execFileSync } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedEngine, defineEvents, type Envelope, eventIdProblem } from "../../../src/index.js";
import { createEventHandler, signRequest, toNodeHandler } from "../../../src/http.js";
import { createManualClock } from "../../../src/testing.js";
import { schemas } from "./helpers.js";
import { listen } from "./server.js";

// An attacker's view of the handler, over real HTTP on 127.0.0.1: hostile names, ids, delays,
// bodies, headers, signatures, replays and key reuse. Seeded (HERALD_ADVERSARIAL_SEED replays a
// run), bounded in count (HERALD_ADVERSARIAL_RUNS, default 20,000) and in time (the test's timeout).
const SEED = Number(process.env.HERALD_ADVERSARIAL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.HERALD_ADVERSARIAL_RUNS ?? 20_000);
const CONCURRENCY = 16;
const LIMIT = 16 * 1024;
const TOKEN = "adversarial-token-0123456789";
const SECRET = "adversarial-secret";
const names = Object.keys(schemas) as (keyof typeof schemas)[];

const visible = (min: number, max: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{${min},${max}}$`));
// small pools, so ids, keys and captured requests come back often: reuse is the attack
const ids = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `id-${i}`)) },
  { weight: 2, arbitrary: visible(1, 40) },
  fc.constant("k".repeat(255)),
  fc.constant("k".repeat(256)),
  fc.constantFrom("", " ", "a\nb", "\u001b[2J\u001b[H", "caf\u00e9", "\u0000", "a b", "__proto__", "constructor"),
  fc.integer(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
);
const hostileName = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...names) },
  fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "user.created\u0000", "USER.CREATED"),
  fc.constantFrom("user.deleted", "", " ", "a".repeat(5000), "\u001b[31mred"),
  fc.string({ maxLength: 30 }),
  fc.jsonValue({ maxDepth: 1 }),
);
const hostileDelay = fc.oneof(
  fc.constantFrom(0, "0s", "90s", "1h30m", "366d", "-1s", "1e400s", "9".repeat(400) + "s", "", "soon"),
  fc.constantFrom(
    ...["constructor", "__proto__", "toString", "valueOf", "hasOwnProperty", "seconds"].map((k) => ({ [k]: 1 })),
  ),
  fc.record(
    { seconds: fc.oneof(fc.double(), fc.integer(), fc.string()), hours: fc.oneof(fc.integer(), fc.constant(1e308)) },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);
const DEEP_MARK = "@@deep@@";
const DEEP = "[".repeat(5000) + "]".repeat(5000);
const payloadFor = (name: unknown): fc.Arbitrary<unknown> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary:
        name === "test.event"
          ? fc.record({ message: fc.constantFrom("a", "b", "c") })
          : name === "order.placed"
            ? fc.record(
                {
                  orderId: fc.constantFrom("o1", "o2"),
                  quantity: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
                },
                { requiredKeys: ["orderId"] },
              )
            : name === "user.created"
              ? fc.record({ email: fc.constantFrom("a@example.com", "nope"), userId: fc.constantFrom("u1", "u2") })
              : fc.jsonValue({ maxDepth: 2 }),
    },
    fc.jsonValue({ maxDepth: 3 }),
    fc.constant(JSON.parse('{"__proto__":{"polluted":true},"message":"m"}')),
    // nested past what a recursive walk survives: arrays 5,000 deep, spliced into the JSON text (see DEEP)
    fc.constant(DEEP_MARK),
  );

interface Attack {
  route: "open" | "token" | "signed";
  kind: "herald" | "structured" | "binary" | "batch";
  body: Record<string, unknown> | unknown[];
  headerKey?: string;
  signature: "valid" | "stale" | "forged" | "none" | "replay";
  contentType: string;
}

const attack: fc.Arbitrary<Attack> = fc
  .record({
    route: fc.constantFrom("open", "token", "signed"),
    kind: fc.oneof(
      { weight: 6, arbitrary: fc.constant("herald" as const) },
      fc.constantFrom("structured", "binary", "batch") as fc.Arbitrary<Attack["kind"]>,
    ),
    name: hostileName,
    id: fc.option(ids, { nil: undefined, freq: 3 }),
    delay: fc.option(hostileDelay, { nil: undefined, freq: 2 }),
    headerKey: fc.option(
      fc.oneof(ids.filter((id): id is string => typeof id === "string" && /^[\x21-\x7e]*$/.test(id))),
      { nil: undefined, freq: 3 },
    ),
    signature: fc.constantFrom("valid", "valid", "valid", "stale", "forged", "none", "replay") as fc.Arbitrary<
      Attack["signature"]
    >,
    contentType: fc.oneof(
      { weight: 10, arbitrary: fc.constant("") },
      fc.constantFrom(
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-16",
      ),
    ),
  })
  .chain((a) =>
    payloadFor(a.name).map((payload): Attack => {
      const data = payload;
      const ce = { specversion: "1.0", id: a.id, source: "/attacker", type: a.name, data, traceparent: "00-x" };
      const body =
        a.kind === "herald"
          ? {
              event: a.name,
              payload: data,
              ...(a.id === undefined ? {} : { id: a.id }),
              ...(a.delay === undefined ? {} : { delay: a.delay }),
            }
          : a.kind === "batch"
            ? [ce, { ...ce, id: `${String(a.id)}-2` }]
            : ce;
      return {
        route: a.route,
        kind: a.kind,
        body,
        ...(a.headerKey === undefined ? {} : { headerKey: a.headerKey }),
        signature: a.signature,
        contentType: a.contentType,
      };
    }),
  );

// a manual clock: accepted delays (up to 365 days) come due when the test moves time, not in real time
const clock = createManualClock(Date.now());
const engine = createEmbeddedEngine({ historyLimit: 100, clock });
const events = defineEvents(schemas, { transport: engine });
const delivered: Envelope[] = [];
for (const name of names) events.on(name, (_, ctx) => void delivered.push(ctx.event));
let server: Awaited<ReturnType<typeof listen>>;
const captured: { body: string; headers: Record<string, string> }[] = [];

beforeAll(async () => {
  const handlers = {
    open: toNodeHandler(createEventHandler(events, { auth: "none", maxBodyBytes: LIMIT, onError: () => undefined })),
    token: toNodeHandler(
      createEventHandler(events, { auth: { token: TOKEN }, maxBodyBytes: LIMIT, onError: () => undefined }),
    ),
    signed: toNodeHandler(
      createEventHandler(events, { auth: { secret: SECRET }, maxBodyBytes: LIMIT, onError: () => undefined }),
    ),
  };
  server = await listen((req: IncomingMessage, res: ServerResponse) => {
    const route = (req.url ?? "").slice(1) as keyof typeof handlers;
    (handlers[route] ?? handlers.open)(req, res);
  });
});
afterAll(() => server.close());

async function send(a: Attack): Promise<{ status: number; answer: any; json: unknown; signedReplay: boolean }> {
  const deep = (text: string): string => text.replaceAll(`"${DEEP_MARK}"`, DEEP);
  let body = deep(JSON.stringify(a.body));
  const headers: Record<string, string> = {};
  headers["content-type"] =
    a.contentType !== ""
      ? a.contentType
      : a.kind === "structured"
        ? "application/cloudevents+json"
        : a.kind === "batch"
          ? "application/cloudevents-batch+json"
          : "application/json";
  if (a.kind === "binary") {
    const { data, ...attributes } = a.body as Record<string, unknown>;
    body = deep(JSON.stringify(data ?? null));
    for (const [key, value] of Object.entries(attributes))
      if (value !== undefined)
        headers[`ce-${key}`] = encodeURIComponent(typeof value === "string" ? value : JSON.stringify(value));
  }
  if (a.headerKey !== undefined) headers["idempotency-key"] = a.headerKey;
  if (a.route === "token") headers.authorization = `Bearer ${a.signature === "forged" ? "wrong" : TOKEN}`;
  let signedReplay = false;
  if (a.route === "signed") {
    if (a.signature === "replay" && captured.length > 0) {
      // a captured, validly signed request, sent again with a fresh Idempotency-Key
      const old = captured[(body.length + (a.headerKey?.length ?? 0)) % captured.length]!;
      Object.assign(headers, old.headers, { "idempotency-key": `fresh-${body.length}-${captured.length}` });
      body = old.body;
      signedReplay = true;
    } else if (a.signature === "valid" || a.signature === "stale") {
      const at = Math.floor(Date.now() / 1000) - (a.signature === "stale" ? 3600 : 0);
      Object.assign(headers, await signRequest(SECRET, body, at));
    } else if (a.signature === "forged") Object.assign(headers, await signRequest("not-the-secret", body));
  }
  let response: Response;
  try {
    response = await fetch(`${server.url}/${a.route}`, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new Error(`no answer to ${JSON.stringify(a).slice(0, 400)}: ${String(error)}`);
  }
  const text = await response.text();
  let answer: any;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = text;
  }
  if (a.route === "signed" && response.status === 200 && !signedReplay && captured.length < 200)
    captured.push({
      body,
      headers: Object.fromEntries(
        Object.entries(headers).filter(([k]) => k.startsWith("x-herald") || k === "content-type"),
      ),
    });
  return { status: response.status, answer, json: body, signedReplay };
}

describe(`the HTTP handler under ${RUNS} generated hostile requests (seed ${SEED})`, () => {
  it("answers no 5xx, and delivers no invalid, replayed or conflicting event", async () => {
    console.log(`adversarial seed ${SEED} (replay with HERALD_ADVERSARIAL_SEED=${SEED}), ${RUNS} requests`);
    const generating = Date.now();
    const attacks = fc.sample(attack, { seed: SEED, numRuns: RUNS });
    console.log(`generated in ${Date.now() - generating} ms`);
    const statuses = new Map<number, number>();
    const fresh: { id: string; name: string }[] = [];
    const failures: string[] = [];
    let next = 0;
    const started = Date.now();
    const worker = async (): Promise<void> => {
      while (next < attacks.length) {
        const a = attacks[next++]!;
        const { status, answer, signedReplay } = await send(a);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500 && failures.length < 5)
          failures.push(`${status} ${JSON.stringify(answer).slice(0, 200)} for ${JSON.stringify(a).slice(0, 300)}`);
        if (signedReplay && status === 200 && answer.result?.duplicate !== true)
          failures.push(`a signed replay was accepted as new: ${JSON.stringify(answer).slice(0, 200)}`);
        if (status === 200) {
          const results = Array.isArray(answer.result) ? answer.result : [answer.result];
          for (const receipt of results) if (!receipt.duplicate) fresh.push({ id: receipt.id, name: receipt.name });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await clock.advance(366 * 86_400_000);
    await events.drain();
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `${RUNS} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );

    expect(failures).toEqual([]);
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    // every delivery is an accepted, new event: none twice, none a replay or a conflicting reuse
    expect(delivered.length).toBe(fresh.length);
    const byId = new Map<string, Envelope>();
    for (const envelope of delivered) {
      expect(byId.has(envelope.id), `id ${envelope.id} delivered twice`).toBe(false);
      byId.set(envelope.id, envelope);
      expect(eventIdProblem(envelope.id)).toBeUndefined();
      const schema = schemas[envelope.name as keyof typeof schemas];
      expect(schema.safeParse(envelope.payload).success, `${envelope.name} ${JSON.stringify(envelope.payload)}`).toBe(
        true,
      );
    }
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    // the generators reach both sides: acceptances, duplicates, conflicts and every family of refusal
    expect(fresh.length).toBeGreaterThan(RUNS / 100);
    for (const status of [400, 401, 404, 409, 413, 415, 422])
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);
  }, 600_000);
});

describe("memory under 10,000 maximum-size ids", () => {
  it("stays bounded: a second 10,000 fresh ids of 255 characters add almost nothing after GC", () => {
    const probe = fileURLToPath(new URL("./heap-probe.ts", import.meta.url));
    const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", probe], {
      encoding: "utf8",
      timeout: 590_000,
    });
    const heap = JSON.parse(output.trim().split("\n").at(-1)!) as {
      base: number;
      first: number;
      second: number;
      refused: number;
    };
    console.log(
      `heap after GC: start ${mb(heap.base)}, after 10,000 ids ${mb(heap.first)}, after 20,000 ${mb(heap.second)}`,
    );
    // the engine's dedupe set and the handler's fingerprints hold 10,000 ids each at most
    expect(heap.first - heap.base).toBeLessThan(48 * 2 ** 20);
    expect(heap.second - heap.first).toBeLessThan(6 * 2 ** 20);
    expect(heap.refused).toBe(200);
  }, 600_000);
});

const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
