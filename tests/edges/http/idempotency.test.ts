import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createEmbeddedEngine,
  defineEvents,
  IdempotencyConflictError,
  MAX_EVENT_ID_LENGTH,
  TransportError,
  type Transport,
} from "../../../src/index.js";
import { createEventHandler, DEFAULT_RETRY_AFTER_SECONDS, signRequest, toNodeHandler } from "../../../src/http.js";
import { jsonRequest, recordingCatalog, schemas } from "./helpers.js";
import { listen } from "./server.js";

const open = { auth: "none" } as const;
const SECRET = "whsec_replay_test";

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
  });
  return { status: response.status, body: await response.json() };
}

describe("a signed request cannot be replayed as a new event (over real HTTP)", () => {
  const engine = createEmbeddedEngine();
  const events = defineEvents(schemas, { transport: engine });
  const delivered: string[] = [];
  events.on("test.event", (_, ctx) => void delivered.push(ctx.event.id));
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(toNodeHandler(createEventHandler(events, { auth: { secret: SECRET } })));
  });
  afterAll(() => server.close());

  it("refuses a fresh Idempotency-Key on a captured request: the header is not signed", async () => {
    const body = JSON.stringify({ event: "test.event", payload: { message: "pay once" } });
    const signature = await signRequest(SECRET, body);
    const first = await post(server.url, body, signature);
    expect(first.status).toBe(200);
    // before: 200 duplicate:false, and the event ran a second time
    for (const key of ["replay-1", "replay-2"]) {
      const replay = await post(server.url, body, { ...signature, "idempotency-key": key });
      expect(replay.status).toBe(400);
      expect(replay.body.code).toBe("INVALID_OPTIONS");
    }
    await events.drain();
    expect(delivered).toEqual([first.body.result.id]);
  });

  it("within the window, a replay of a request whose id is in the signed body is a duplicate", async () => {
    const body = JSON.stringify({ event: "test.event", payload: { message: "m" }, id: "order-77" });
    const signature = await signRequest(SECRET, body);
    // the header may repeat the signed id (herald send --secret --id sends both)
    const first = await post(server.url, body, { ...signature, "idempotency-key": "order-77" });
    const replay = await post(server.url, body, signature);
    expect([first.status, replay.status]).toEqual([200, 200]);
    expect([first.body.result.duplicate, replay.body.result.duplicate]).toEqual([false, true]);
    const swapped = await post(server.url, body, { ...signature, "idempotency-key": "order-78" });
    expect(swapped.status).toBe(400);
    await events.drain();
    expect(delivered.filter((id) => id === "order-77")).toHaveLength(1);
  });

  it("refuses a binary-mode CloudEvent: its ce-* attributes are headers the signature does not cover", async () => {
    const body = JSON.stringify({ message: "m" });
    const response = await post(server.url, body, {
      ...(await signRequest(SECRET, body)),
      "ce-specversion": "1.0",
      "ce-id": "ce-1",
      "ce-source": "/test",
      "ce-type": "test.event",
    });
    expect(response.status).toBe(415);
    expect(delivered).not.toContain("ce-1");
  });

  it("accepts a structured CloudEvent, whose id is in the signed body", async () => {
    const body = JSON.stringify({
      specversion: "1.0",
      id: "ce-2",
      source: "/t",
      type: "test.event",
      data: { message: "m" },
    });
    const response = await post(server.url, body, {
      ...(await signRequest(SECRET, body)),
      "content-type": "application/cloudevents+json",
    });
    expect(response.status).toBe(200);
  });
});

describe("an id reused for another event is refused with 409 IDEMPOTENCY_CONFLICT", () => {
  const message = (text: string) => ({ event: "test.event", payload: { message: text } });
  const cloudEvent = (type: string, data: unknown) => ({ specversion: "1.0", id: "ce-9", source: "/t", type, data });
  const cases: [string, (body: unknown, key?: string) => Request][] = [
    ["the Idempotency-Key header", (body) => jsonRequest(body, { "idempotency-key": "key-1" })],
    ["the body's id", (body) => jsonRequest({ ...(body as object), id: "key-1" })],
  ];
  it.each(cases)("through %s: another payload, or another event name", async (_, request) => {
    const events = defineEvents(schemas);
    const delivered: unknown[] = [];
    events.on("test.event", (payload) => void delivered.push(payload));
    events.on("cache.flushed", (payload) => void delivered.push(payload ?? "cache.flushed"));
    const handler = createEventHandler(events, open);
    expect((await handler(request(message("a")))).status).toBe(200);
    // the same event again is still the duplicate it always was
    const again = await handler(request(message("a")));
    expect(again.status).toBe(200);
    expect(((await again.json()) as any).result.duplicate).toBe(true);
    // before: 200 duplicate:true, and the receipt named an event that never ran
    for (const other of [message("b"), { event: "cache.flushed" }]) {
      const response = await handler(request(other));
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", success: false });
    }
    await events.drain();
    expect(delivered).toEqual([{ message: "a" }]);
  });

  it("through a CloudEvent's id, structured and in a batch", async () => {
    const { events } = recordingCatalog();
    const handler = createEventHandler(events, open);
    const ce = (body: unknown, type = "application/cloudevents+json") =>
      new Request("http://x/", { method: "POST", headers: { "content-type": type }, body: JSON.stringify(body) });
    expect((await handler(ce(cloudEvent("test.event", { message: "a" })))).status).toBe(200);
    expect((await handler(ce(cloudEvent("test.event", { message: "z" })))).status).toBe(409);
    const batch = await handler(
      ce(
        [{ ...cloudEvent("test.event", { message: "new" }), id: "ce-10" }, cloudEvent("cache.flushed", undefined)],
        "application/cloudevents-batch+json",
      ),
    );
    expect(batch.status).toBe(409);
    expect(await batch.json()).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", index: 1 });
    // the refused batch released ce-10: sending it on its own is no conflict
    expect((await handler(ce({ ...cloudEvent("test.event", { message: "other" }), id: "ce-10" }))).status).toBe(200);
  });

  it("a send that failed does not hold its id: the corrected retry passes", async () => {
    const { events } = recordingCatalog();
    const handler = createEventHandler(events, open);
    const bad = await handler(jsonRequest({ event: "user.created", payload: { email: "x" }, id: "signup-1" }));
    expect(bad.status).toBe(422);
    const good = { event: "user.created", payload: { email: "a@example.com", userId: "u1" }, id: "signup-1" };
    expect((await handler(jsonRequest(good))).status).toBe(200);
  });

  it("remembers at most maxRememberedIds ids, forgetting the oldest first", async () => {
    const { events } = recordingCatalog();
    const handler = createEventHandler(events, { auth: "none", maxRememberedIds: 2 });
    for (const id of ["k1", "k2", "k3"]) await handler(jsonRequest({ ...message("a"), id }));
    expect((await handler(jsonRequest({ ...message("b"), id: "k3" }))).status).toBe(409);
    // k1 was forgotten: the handler cannot tell any more (the transport's own check is the last word)
    expect((await handler(jsonRequest({ ...message("b"), id: "k1" }))).status).toBe(200);
  });

  it("maps an IdempotencyConflictError from the transport to 409", async () => {
    const transport: Transport = {
      name: "strict",
      deliver: async ([envelope]) => {
        throw new IdempotencyConflictError(envelope!.id, "id reused");
      },
    };
    const handler = createEventHandler(defineEvents(schemas, { transport }), open);
    const response = await handler(jsonRequest(message("a")));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: "IDEMPOTENCY_CONFLICT" });
  });
});

describe("every client-chosen id is bounded: 400 INVALID_EVENT_ID", () => {
  const long = "x".repeat(MAX_EVENT_ID_LENGTH + 1);
  const ce = (id: unknown) => ({ specversion: "1.0", id, source: "/t", type: "test.event", data: { message: "m" } });
  const cases: [string, () => Request][] = [
    ["a body id of 256 characters", () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: long })],
    [
      "a body id of 900 kB",
      () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: "y".repeat(900_000) }),
    ],
    ["a body id with a newline", () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: "a\nb" })],
    ["a body id with ESC", () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: "\u001b[2J" })],
    ["a numeric body id", () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: 7 })],
    ["an empty body id", () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: "" })],
    [
      "a header of 256 characters",
      () => jsonRequest({ event: "test.event", payload: { message: "m" } }, { "idempotency-key": long }),
    ],
    [
      "a header with a space inside",
      () => jsonRequest({ event: "test.event", payload: { message: "m" } }, { "idempotency-key": "a b" }),
    ],
    [
      "a structured CloudEvent id of 900 kB",
      () =>
        new Request("http://x/", {
          method: "POST",
          headers: { "content-type": "application/cloudevents+json" },
          body: JSON.stringify(ce("z".repeat(900_000))),
        }),
    ],
    [
      "a binary CloudEvent id with a non-ASCII character",
      () =>
        new Request("http://x/", {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "ce-specversion": "1.0",
            "ce-id": "caf%C3%A9",
            "ce-source": "/t",
            "ce-type": "test.event",
          },
          body: JSON.stringify({ message: "m" }),
        }),
    ],
  ];
  it.each(cases)("%s", async (_, request) => {
    const { events, transport } = recordingCatalog();
    const response = await createEventHandler(events, { auth: "none", maxBodyBytes: 2_000_000 })(request());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "INVALID_EVENT_ID" });
    expect(transport.sent).toHaveLength(0);
  });

  it("a batch names the member whose id is refused, and sends nothing", async () => {
    const { events, transport } = recordingCatalog();
    const response = await createEventHandler(events, { auth: "none", maxBodyBytes: 2_000_000 })(
      new Request("http://x/", {
        method: "POST",
        headers: { "content-type": "application/cloudevents-batch+json" },
        body: JSON.stringify([ce("ok-1"), ce(long)]),
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "INVALID_EVENT_ID", index: 1 });
    expect(transport.sent).toHaveLength(0);
  });

  it("accepts an id of exactly 255 visible ASCII characters", async () => {
    const { events } = recordingCatalog();
    const id = "!~".repeat(127) + "a";
    const response = await createEventHandler(
      events,
      open,
    )(jsonRequest({ event: "test.event", payload: { message: "m" }, id }));
    expect(response.status).toBe(200);
  });
});

describe("a transport failure carries Retry-After", () => {
  const failing = (error: TransportError) =>
    createEventHandler(
      defineEvents(schemas, {
        transport: {
          name: "down",
          deliver: async () => {
            throw error;
          },
        },
      }),
      { auth: "none", onError: () => undefined },
    );

  it.each([
    [undefined, String(DEFAULT_RETRY_AFTER_SECONDS)],
    [2000, "2"],
    [1500, "2"],
    [10, "1"],
    [3_600_000, "3600"],
  ])("retryable, retryAfterMs %s: 503 with Retry-After %s", async (retryAfterMs, header) => {
    const error = new TransportError("deadline passed", {
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
    const response = await failing(error)(jsonRequest({ event: "test.event", payload: { message: "m" } }));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(header);
  });

  it("final: 502 without Retry-After", async () => {
    const response = await failing(new TransportError("refused", { retryable: false }))(
      jsonRequest({ event: "test.event", payload: { message: "m" } }),
    );
    expect(response.status).toBe(502);
    expect(response.headers.get("retry-after")).toBeNull();
  });
});
