import { describe, expect, it } from "vitest";
import {
  defineEvents,
  type Envelope,
  EventValidationError,
  IdempotencyConflictError,
  InvalidDelayError,
  InvalidEventIdError,
  InvalidOptionsError,
  type Receipt,
  UnknownEventError,
} from "../../src/index.js";
import { schemas } from "../fixtures/catalog.js";
import { createCatalog, createRecordedCatalog } from "../helpers/catalog.js";
import { rejection } from "../helpers/caught.js";

const upload = { fileId: "f1", filename: "a.png" };

describe("sendEvent, send and sendEvents", () => {
  it("work destructured, without `this`", async () => {
    const { events, transport } = createRecordedCatalog();
    const { sendEvent, send, sendEvents } = events;
    await sendEvent("file.uploaded", upload);
    await send({ name: "file.uploaded", payload: upload });
    await sendEvents([{ name: "file.uploaded", payload: upload }]);
    expect(transport.sent.map((e) => e.payload)).toEqual([upload, upload, upload]);
  });

  it("returns a receipt with the envelope's id, name and timestamp", async () => {
    const { events, transport } = createRecordedCatalog();
    const receipt = await events.sendEvent("file.uploaded", upload);
    const envelope = transport.sent[0]!;
    expect(receipt).toEqual({
      id: envelope.id,
      name: "file.uploaded",
      timestamp: envelope.timestamp,
      duplicate: false,
    });
    expect(envelope).toMatchObject({ name: "file.uploaded", payload: upload, correlationId: envelope.id });
    expect(envelope).not.toHaveProperty("causationId");
  });

  it("delivers the schema's output: defaults, transforms and coercions applied once", async () => {
    const { events, clock } = createCatalog();
    const received: unknown[] = [];
    events.on("signup.started", (payload) => void received.push(payload));
    await events.sendEvent("signup.started", { email: " Ann@Example.com ", seats: "2" });
    await events.send({ name: "signup.started", payload: { email: "b@c.de", plan: "pro", seats: 5 } });
    await clock.advance(0);
    expect(received).toEqual([
      { email: "ann@example.com!", plan: "free", seats: 2 },
      { email: "b@c.de!", plan: "pro", seats: 5 },
    ]);
  });

  it("sends an event whose schema accepts undefined without a payload", async () => {
    const { events, transport } = createRecordedCatalog();
    await events.sendEvent("app.started");
    await events.send({ name: "app.started" });
    await events.sendEvent("app.started", undefined, { id: "boot-1" });
    expect(transport.sent.map((e) => [e.name, e.payload])).toEqual([
      ["app.started", undefined],
      ["app.started", undefined],
      ["app.started", undefined],
    ]);
    expect(transport.sent[2]!.id).toBe("boot-1");
  });
});

describe("validation before delivery", () => {
  it("rejects an invalid payload with EventValidationError and delivers nothing", async () => {
    const { events, transport } = createRecordedCatalog();
    const error = await rejection(events.sendEvent("user.created", { email: "nope", userId: 7 } as never));
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", event: "user.created" });
    expect((error as Error).message).toMatch(/^user\.created: email: .*; userId: /);
    await expect(events.send({ name: "order.placed", payload: { orderId: "o1", items: [] } })).rejects.toThrow(
      /items: /,
    );
    expect(transport.sent).toEqual([]);
  });

  it("rejects a name outside the catalog with UnknownEventError from every send form", async () => {
    const { events, transport } = createRecordedCatalog();
    const unknown = "user.deleted" as "user.created";
    for (const attempt of [
      events.sendEvent(unknown, { email: "a@b.co", userId: "u" }),
      events.send({ name: unknown, payload: { email: "a@b.co", userId: "u" } }),
      events.sendEvents([{ name: unknown, payload: { email: "a@b.co", userId: "u" } }]),
    ]) {
      const error = await rejection(attempt);
      expect(error).toBeInstanceOf(UnknownEventError);
      expect(error).toMatchObject({ code: "UNKNOWN_EVENT", event: "user.deleted" });
      expect((error as Error).message).toContain("user.created, order.placed");
    }
    expect(transport.sent).toEqual([]);
  });

  it.each([
    ["an unknown option", { delay: "1h", retries: 3 }, InvalidOptionsError, /unknown send option "retries"/],
    ["an empty id", { id: "" }, InvalidEventIdError, /must not be empty/],
    ["a numeric id", { id: 42 }, InvalidEventIdError, /must be a string, got number/],
    ["an id of 256 characters", { id: "x".repeat(256) }, InvalidEventIdError, /at most 255 characters, got 256/],
    ["an id of 900 kB", { id: "x".repeat(900_000) }, InvalidEventIdError, /at most 255 characters/],
    ["an id with a newline", { id: "a\nb" }, InvalidEventIdError, /U\+000A at 1/],
    ["an id with an ANSI escape", { id: "\u001b[2J" }, InvalidEventIdError, /U\+001B at 0/],
    ["an id with a space", { id: "a b" }, InvalidEventIdError, /U\+0020/],
    ["an id outside ASCII", { id: "caf\u00e9" }, InvalidEventIdError, /U\+00E9/],
    ["options that are not an object", "1h", InvalidOptionsError, /send options must be an object/],
    ["a malformed delay", { delay: "soon" }, InvalidDelayError, /Invalid delay/],
    ["a negative delay", { delay: { hours: -1 } }, InvalidDelayError, /hours must be a finite number/],
    ["both delay and deliverAt", { delay: "1h", deliverAt: new Date() }, InvalidDelayError, /not both/],
    ["an invalid deliverAt", { deliverAt: "tomorrow" }, InvalidDelayError, /valid Date or ISO/],
  ])("rejects %s and delivers nothing", async (_, options, type, message) => {
    const { events, transport } = createRecordedCatalog();
    const error = await rejection(events.sendEvent("file.uploaded", upload, options as never));
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    await expect(
      events.send({ name: "file.uploaded", payload: upload, ...(options as object) } as never),
    ).rejects.toThrow(type);
    expect(transport.sent).toEqual([]);
  });

  it("accepts an id of 255 visible ASCII characters as the event id", async () => {
    const { events, transport } = createRecordedCatalog();
    const id = "!~".repeat(127) + "z";
    const receipt = await events.sendEvent("file.uploaded", upload, { id });
    expect(receipt.id).toBe(id);
    expect(transport.sent.map((e) => e.id)).toEqual([id]);
  });

  it("refuses a bad id in a batch with InvalidEventIdError at its index, sending nothing", async () => {
    const { events, transport } = createRecordedCatalog();
    const error = await rejection(
      events.sendEvents([
        { name: "file.uploaded", payload: upload, id: "ok" },
        { name: "file.uploaded", payload: upload, id: "x".repeat(300) },
      ]),
    );
    expect(error).toMatchObject({ code: "INVALID_EVENT_ID", index: 1 });
    expect(transport.sent).toEqual([]);
  });

  it("rejects a message that is not an object with InvalidOptionsError", async () => {
    const { events } = createRecordedCatalog();
    await expect(events.send(null as never)).rejects.toThrow(InvalidOptionsError);
    await expect(events.sendEvents("file.uploaded" as never)).rejects.toThrow(InvalidOptionsError);
  });
});

describe("sendEvents", () => {
  it("delivers a valid batch as one call, receipts in order", async () => {
    const batches: (readonly Envelope[])[] = [];
    const events = defineEvents(schemas, {
      transport: {
        name: "batching",
        async deliver(envelopes): Promise<readonly Receipt[]> {
          batches.push(envelopes);
          return envelopes.map((e) => ({ id: e.id, name: e.name, timestamp: e.timestamp, duplicate: false }));
        },
      },
    });
    const receipts = await events.sendEvents([
      { name: "file.uploaded", payload: upload, id: "one" },
      { name: "app.started" },
      { name: "file.archived", payload: { fileId: "f1", by: "me" }, delay: "1h" },
    ]);
    expect(batches).toHaveLength(1);
    expect(receipts.map((r) => r.id)).toEqual(["one", batches[0]![1]!.id, batches[0]![2]!.id]);
    expect(batches[0]![2]!.deliverAt).toBeDefined();
    expect(await events.sendEvents([])).toEqual([]);
    expect(batches).toHaveLength(1);
  });

  it("sends none when one event of the batch is invalid, and names the first invalid one", async () => {
    const { events, transport } = createRecordedCatalog();
    const error = await rejection(
      events.sendEvents([
        { name: "file.uploaded", payload: upload },
        { name: "user.created", payload: { email: "bad", userId: "u1" } },
        { name: "file.uploaded", payload: upload },
        { name: "order.placed", payload: { orderId: "o", items: [] } },
      ]),
    );
    expect(error).toBeInstanceOf(EventValidationError);
    expect((error as EventValidationError).event).toBe("user.created");
    expect((error as EventValidationError).index).toBe(1);
    const delayError = await rejection(
      events.sendEvents([
        { name: "file.uploaded", payload: upload },
        { name: "file.uploaded", payload: upload, delay: "-1s" as "1s" },
      ]),
    );
    expect(delayError).toBeInstanceOf(InvalidDelayError);
    expect((delayError as InvalidDelayError).index).toBe(1);
    // a single send names no index
    expect(
      ((await rejection(events.sendEvent("user.created", { email: "bad", userId: "u1" }))) as EventValidationError)
        .index,
    ).toBeUndefined();
    expect(transport.sent).toEqual([]);
  });
});

describe("ids and delays", () => {
  it("runs subscribers once for an id sent twice; the second receipt is a duplicate", async () => {
    const { events, clock } = createCatalog();
    let runs = 0;
    events.on("file.uploaded", () => void runs++);
    const first = await events.sendEvent("file.uploaded", upload, { id: "upload-1" });
    const second = await events.send({ name: "file.uploaded", payload: upload, id: "upload-1" });
    await clock.advance(0);
    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(runs).toBe(1);
  });

  it("runs a delayed event when the engine's clock reaches it, not before", async () => {
    const { events, clock } = createCatalog();
    const runs: number[] = [];
    events.on("file.uploaded", () => void runs.push(clock.now()));
    const start = clock.now();
    const receipt = await events.sendEvent("file.uploaded", upload, { delay: { hours: 1, minutes: 30 } });
    expect(Date.parse(receipt.deliverAt!) - Date.parse(receipt.timestamp)).toBe(90 * 60_000);
    await clock.advance(90 * 60_000 - 1);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual([start + 90 * 60_000]);
  });

  it("stamps envelopes on the engine's clock, so a deliverAt from that clock fires on time", async () => {
    const { events, clock } = createCatalog();
    const runs: number[] = [];
    events.on("file.uploaded", () => void runs.push(clock.now()));
    const due = clock.now() + 60_000;
    const receipt = await events.sendEvent("file.uploaded", upload, { deliverAt: new Date(due) });
    expect(receipt.timestamp).toBe(new Date(clock.now()).toISOString());
    await clock.advance(59_999);
    expect(runs).toEqual([]);
    await clock.advance(1);
    expect(runs).toEqual([due]);
  });

  it("treats a deliverAt in the past as now", async () => {
    const { events, transport } = createRecordedCatalog();
    await events.sendEvent("file.uploaded", upload, { deliverAt: new Date(Date.now() - 60_000) });
    await events.sendEvent("file.uploaded", upload, { deliverAt: "2001-01-01T00:00:00Z" });
    expect(transport.sent.map((e) => e.deliverAt)).toEqual([undefined, undefined]);
  });
});

describe("idempotency", () => {
  it("answers a resend of the same id, name and payload with a duplicate receipt, and refuses another payload or name", async () => {
    const { events, engine, clock } = createCatalog();
    let runs = 0;
    events.on("file.uploaded", () => void runs++);
    const first = await events.sendEvent("file.uploaded", upload, { id: "up-1" });
    const again = await events.send({ name: "file.uploaded", payload: { ...upload }, id: "up-1" });
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    await expect(events.sendEvent("file.uploaded", { ...upload, filename: "b.png" }, { id: "up-1" })).rejects.toThrow(
      IdempotencyConflictError,
    );
    await expect(
      events.sendEvents([{ name: "file.archived", payload: { fileId: "f1", by: "x" }, id: "up-1" }]),
    ).rejects.toMatchObject({ code: "IDEMPOTENCY_CONFLICT", id: "up-1" });
    await clock.advance(0);
    expect(runs).toBe(1);
    expect(engine.history.list().map((r) => r.event.payload)).toEqual([upload]);
  });
  it("answers a chosen id that a generated id already took with a duplicate, whatever the payload, once the conflict check is loaded", async () => {
    const { events, engine } = createCatalog();
    // the first chosen id loads the conflict check; the sends after it are accepted at once
    await events.sendEvent("file.uploaded", upload, { id: "load-the-check" });
    const generated = await events.sendEvent("file.uploaded", upload);
    const reused = await events.sendEvent("file.uploaded", { ...upload, filename: "b.png" }, { id: generated.id });
    expect(reused).toMatchObject({ id: generated.id, duplicate: true });
    const renamed = await events.sendEvent("file.archived", { fileId: "f1", by: "x" }, { id: generated.id });
    expect(renamed.duplicate).toBe(true);
    expect(engine.history.list().map((r) => r.event.id)).toEqual([generated.id, "load-the-check"]);
  });
});
