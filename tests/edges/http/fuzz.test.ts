import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  createEventHandler,
  type EventRequestHandler,
  HTTP_ERRORS,
  type HttpErrorCode,
  signRequest,
} from "../../../src/http.js";
import { recordingCatalog, schemas } from "./helpers.js";

const RUNS = 10_000;
// a fixed seed, so a failure reproduces; HERALD_FUZZ_SEED tries another
const SEED = Number(process.env.HERALD_FUZZ_SEED ?? 1_130_2026);
const LIMIT = 2048;
const TOKEN = "fuzz-token-0123456789";
const SECRET = "fuzz-secret";
const names = Object.keys(schemas) as (keyof typeof schemas)[];

const printable = (max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const anyJson = fc.jsonValue({ maxDepth: 3 });

// payloads near each schema: often valid, often one field off
const payloads: Record<string, fc.Arbitrary<unknown>> = {
  "test.event": fc.record({ message: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }),
  "user.created": fc.record(
    {
      email: fc.oneof(fc.emailAddress(), fc.string()),
      userId: fc.oneof(fc.string(), fc.constant(null)),
      name: fc.option(fc.string(), { nil: undefined }),
    },
    { requiredKeys: ["email"] },
  ),
  "payment.processed": fc.record({
    amount: fc.oneof(fc.double(), fc.integer()),
    currency: fc.string({ minLength: 2, maxLength: 4 }),
    customerId: fc.string(),
  }),
  "cache.flushed": fc.option(fc.record({ region: fc.oneof(fc.string(), fc.boolean()) }), { nil: undefined }),
  "order.placed": fc.record(
    { orderId: fc.string(), quantity: fc.option(fc.oneof(fc.integer(), fc.double(), fc.string()), { nil: undefined }) },
    { requiredKeys: ["orderId"] },
  ),
};

const delay = fc.oneof(
  fc.constantFrom("90s", "1h30m", "2d", "0s", "400d", "-1h", "soon", ""),
  printable(12),
  fc.record(
    {
      seconds: fc.oneof(fc.integer({ min: -10, max: 1000 }), fc.double(), fc.string()),
      hours: fc.option(fc.integer(), { nil: undefined }),
    },
    { requiredKeys: [] },
  ),
  anyJson,
);
const deliverAt = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  printable(30),
  fc.integer(),
  anyJson,
);

// mostly absent, sometimes anything `arbitrary` makes
const rarely = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, arbitrary);

const structured = fc
  .record({
    event: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom(...names) },
      fc.constantFrom("user.deleted", "", "Test.Event"),
      fc.string(),
      fc.integer(),
      fc.constant(null),
      fc.constant(undefined),
    ),
    delay: rarely(delay),
    deliverAt: rarely(deliverAt),
    id: rarely(fc.oneof(printable(20), fc.integer(), fc.constant(""))),
    extra: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, anyJson),
  })
  .chain((body) => {
    // mostly: a payload shaped for the named event; sometimes any JSON
    const shaped =
      typeof body.event === "string" && Object.hasOwn(payloads, body.event) ? payloads[body.event]! : anyJson;
    return fc.oneof({ weight: 4, arbitrary: shaped }, anyJson).map((payload) => {
      const { extra, ...fields } = body;
      const rest = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
      const withPayload = payload === undefined ? rest : { ...rest, payload };
      return JSON.stringify(
        extra === undefined ? withPayload : { ...withPayload, [typeof extra === "string" ? extra : "dealy"]: extra },
      );
    });
  });

const body = fc.oneof(
  { weight: 10, arbitrary: structured.map((text): string | Uint8Array => text) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  {
    weight: 1,
    arbitrary: fc
      .string({ minLength: LIMIT + 1, maxLength: LIMIT + 64 })
      .map((s) => JSON.stringify({ event: "test.event", payload: { message: s } })),
  },
);

const input = fc.record({
  handler: fc.constantFrom("open", "token", "signed"),
  method: fc.oneof(
    { weight: 8, arbitrary: fc.constant("POST") },
    fc.constantFrom("GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "post", "PROPFIND"),
  ),
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.constant("application/json") },
    fc.constantFrom("application/json; charset=utf-8", "text/plain", "application/cloudevents+json", ""),
    printable(30),
  ),
  authorization: fc.oneof(
    { weight: 6, arbitrary: fc.constant(`Bearer ${TOKEN}`) },
    fc.constant(undefined),
    printable(40),
    printable(20).map((t) => `Bearer ${t}`),
  ),
  signature: fc.oneof(
    { weight: 6, arbitrary: fc.constant("valid") },
    fc.constant("stale"),
    fc.constant(undefined),
    printable(70),
  ),
  idempotencyKey: fc.option(printable(40), { nil: undefined }),
  body,
});

describe("createEventHandler under generated requests", () => {
  it(`never throws, never answers 5xx, and delivers only valid events (${RUNS} requests)`, async () => {
    const { events, transport } = recordingCatalog();
    const handlers: Record<string, EventRequestHandler> = {
      open: createEventHandler(events, { auth: "none", maxBodyBytes: LIMIT }),
      token: createEventHandler(events, {
        auth: { token: TOKEN },
        allow: ["test.event", "user.created", "order.placed"],
        maxBodyBytes: LIMIT,
      }),
      signed: createEventHandler(events, { auth: { secret: SECRET }, maxBodyBytes: LIMIT }),
    };
    const statuses = new Map<number, number>();
    let accepted = 0;
    console.log(`fuzz seed ${SEED} (HERALD_FUZZ_SEED=${SEED} reproduces this run)`);

    await fc.assert(
      fc.asyncProperty(input, async (generated) => {
        const headers = new Headers();
        if (generated.contentType !== "") headers.set("content-type", generated.contentType);
        if (generated.authorization !== undefined) headers.set("authorization", generated.authorization);
        if (generated.idempotencyKey !== undefined) headers.set("idempotency-key", generated.idempotencyKey);
        // only the signed endpoint reads signatures: computing them for the others would only cost time
        if (generated.handler === "signed" && (generated.signature === "valid" || generated.signature === "stale")) {
          const at = Math.floor(Date.now() / 1000) - (generated.signature === "stale" ? 3600 : 0);
          for (const [name, value] of Object.entries(await signRequest(SECRET, generated.body, at)))
            headers.set(name, value);
        } else if (generated.signature !== undefined) {
          headers.set("x-herald-signature", generated.signature);
          headers.set("x-herald-timestamp", String(Math.floor(Date.now() / 1000)));
        }
        const hasBody = !["GET", "HEAD"].includes(generated.method.toUpperCase());
        const request = new Request("http://127.0.0.1/trigger", {
          method: generated.method,
          headers,
          ...(hasBody ? { body: generated.body as BodyInit } : {}),
        });
        const sentBefore = transport.sent.length;

        const response = await handlers[generated.handler]!(request);

        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status).toBeLessThan(500);
        const answer = (await response.json()) as { code?: HttpErrorCode; message?: string; result?: { id: string } };
        if (response.status === 200) {
          accepted++;
          expect(transport.sent.length).toBe(sentBefore + 1);
          expect(answer.result?.id).toBe(transport.sent.at(-1)!.id);
        } else {
          expect(transport.sent.length).toBe(sentBefore);
          expect(HTTP_ERRORS[answer.code!]?.status).toBe(response.status);
          expect(answer.message).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );

    // every envelope that left passes its event's schema (outputs here are valid inputs: no transforms)
    for (const envelope of transport.sent) {
      expect(schemas[envelope.name as keyof typeof schemas].safeParse(envelope.payload).success, envelope.name).toBe(
        true,
      );
    }
    expect(transport.sent.length).toBe(accepted);
    // the generators reach both sides: enough accepted events, and every family of refusal
    expect(accepted).toBeGreaterThan(RUNS / 50);
    for (const status of [400, 401, 403, 404, 405, 413, 415, 422])
      expect(statuses.get(status), `status ${status}`).toBeGreaterThan(0);
  }, 120_000);
});
