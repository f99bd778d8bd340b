import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { triggerTransport, type TriggerTransportOptions } from "../../../src/delivery/trigger/transport.js";
import { defineEvents, InvalidOptionsError, TransportError } from "../../../src/index.js";
import { type FakeTrigger, startFakeTrigger } from "../../helpers/trigger-server.js";

const schemas = {
  "user.created": z.object({ email: z.email(), userId: z.string(), plan: z.string().default("free") }),
  "file.uploaded": z.object({ fileId: z.string(), blob: z.string().optional() }),
};
const KEY = "tr_dev_testkey123";
const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

let server: FakeTrigger;
beforeEach(async () => {
  server = await startFakeTrigger();
});
afterEach(async () => {
  expect(server.invalid).toEqual([]);
  await server.close();
});

const catalog = (options: TriggerTransportOptions<keyof typeof schemas> = {}) =>
  defineEvents(schemas, {
    transport: triggerTransport({ baseURL: server.url, accessToken: KEY, retry: { maxAttempts: 1 }, ...options }),
  });

describe("triggerTransport: one run", () => {
  it("triggers the single routed task once, with the wire event, key, tags and metadata", async () => {
    const events = catalog({ routes: { "user.created": ["send-welcome-email"] } });
    const receipt = await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" });

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /api/v1/tasks/send-welcome-email/trigger",
    ]);
    const request = server.requests[0]!;
    expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request.headers["trigger-version"]).toBe("4.8.3");
    const body = JSON.parse(request.body);
    expect(body.options.payloadType).toBe("application/super+json");
    expect(JSON.parse(body.payload).json).toEqual({
      "~herald": 1,
      id: receipt.id,
      name: "user.created",
      payload: { email: "a@b.co", userId: "u1", plan: "free" },
      timestamp: receipt.timestamp,
      correlationId: receipt.id,
    });
    expect(body.options.idempotencyKey).toBe(sha256(`${receipt.id}:send-welcome-email`));
    expect(body.options.tags).toEqual(["event:user.created", `evt:${receipt.id}`]);
    expect(body.options.metadata).toEqual({
      herald: { eventId: receipt.id, event: "user.created", timestamp: receipt.timestamp, correlationId: receipt.id },
    });
    expect(body.options.delay).toBeUndefined();
    expect(receipt).toMatchObject({ duplicate: false, runIds: [server.runs[0]!.id] });
  });

  it("sends an event without a route to the dispatcher task, and a renamed one when asked", async () => {
    await catalog().sendEvent("user.created", { email: "a@b.co", userId: "u1" });
    await catalog({ dispatcher: "my-dispatch" }).sendEvent("user.created", { email: "a@b.co", userId: "u2" });
    expect(server.runs.map((run) => [run.taskId, run.payload.payload.userId])).toEqual([
      ["herald-dispatch", "u1"],
      ["my-dispatch", "u2"],
    ]);
  });

  it("maps delay and deliverAt to Trigger.dev's delay as an absolute time", async () => {
    const events = catalog({ routes: { "user.created": ["a"] } });
    const delayed = await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" }, { delay: "1h" });
    const at = new Date(Date.now() + 86_400_000);
    const scheduled = await events.sendEvent("user.created", { email: "a@b.co", userId: "u2" }, { deliverAt: at });
    const [first, second] = server.runs;
    expect(Date.parse(first!.options.delay) - Date.parse(delayed.timestamp)).toBe(3_600_000);
    expect(first!.options.delay).toBe(delayed.deliverAt);
    expect(second!.options.delay).toBe(at.toISOString());
    expect(scheduled.deliverAt).toBe(at.toISOString());
    expect(first!.options.metadata.herald.deliverAt).toBe(delayed.deliverAt);
  });

  it("runs no task twice when an event is sent again with the same id", async () => {
    const events = catalog({ routes: { "user.created": ["a"] } });
    const first = await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" }, { id: "evt-1" });
    const again = await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" }, { id: "evt-1" });
    expect(server.runs).toHaveLength(1);
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    expect(again.runIds).toEqual(first.runIds);
  });

  it("uploads a payload of 128 KiB or more first, and triggers with its storage path", async () => {
    const blob = "x".repeat(130 * 1024);
    const events = catalog({ routes: { "file.uploaded": ["scan"] } });
    await events.sendEvent("file.uploaded", { fileId: "f1", blob });
    expect(server.requests.map((r) => `${r.method} ${r.path.split("/").slice(0, 4).join("/")}`)).toEqual(
      ["PUT /api/v2/packets", "PUT /upload/trigger%2Fpacket_", "POST /api/v1/tasks"].map((line) =>
        expect.stringContaining(line),
      ),
    );
    expect(server.runs[0]!.options.payloadType).toBe("application/store");
    expect(server.runs[0]!.payload.payload).toEqual({ fileId: "f1", blob });
  });
});

describe("triggerTransport: fan-out", () => {
  it("fans out to every routed task with one two-phase batch", async () => {
    const events = catalog({ routes: { "user.created": ["send-welcome-email", "sync-crm", "audit"] } });
    const receipt = await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" });
    expect(server.requests.map((r) => r.path)).toEqual([
      "/api/v3/batches",
      expect.stringMatching(/^\/api\/v3\/batches\/batch_\d+\/items$/),
    ]);
    expect(JSON.parse(server.requests[0]!.body)).toMatchObject({
      runCount: 3,
      taskIdentifiers: ["audit", "send-welcome-email", "sync-crm"],
    });
    expect(server.requests[1]!.headers["content-type"]).toBe("application/x-ndjson");
    expect(server.runs.map((run) => [run.taskId, run.options.idempotencyKey, run.payload.id])).toEqual(
      ["send-welcome-email", "sync-crm", "audit"].map((task) => [task, sha256(`${receipt.id}:${task}`), receipt.id]),
    );
    expect(receipt).toMatchObject({ batchId: server.runs[0]!.batchId, duplicate: false });
  });

  it("puts routed and dispatched events of one sendEvents call in the same batch", async () => {
    const events = catalog({ routes: { "user.created": ["a", "b"] } });
    const [user, file] = await events.sendEvents([
      { name: "user.created", payload: { email: "a@b.co", userId: "u1" } },
      { name: "file.uploaded", payload: { fileId: "f1" } },
    ]);
    expect(server.requests.map((r) => r.path.replace(/batch_\d+/, "B"))).toEqual([
      "/api/v3/batches",
      "/api/v3/batches/B/items",
    ]);
    expect(server.runs.map((run) => [run.taskId, run.payload.id])).toEqual([
      ["a", user!.id],
      ["b", user!.id],
      ["herald-dispatch", file!.id],
    ]);
  });

  it("splits past maxBatchSize into several batches", async () => {
    const events = catalog({ routes: { "user.created": ["a", "b", "c", "d", "e"] }, maxBatchSize: 2 });
    await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" });
    expect(server.requests.filter((r) => r.path === "/api/v3/batches")).toHaveLength(3);
    expect(server.runs.map((run) => run.taskId)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("sends to nobody for an empty route, and checks the whole fan-out before the first request", async () => {
    const silent = await catalog({ routes: { "user.created": [] } }).sendEvent("user.created", {
      email: "a@b.co",
      userId: "u1",
    });
    expect(silent.runIds).toBeUndefined();
    const strict = catalog({ routes: { "user.created": ["a"] }, dispatcher: false });
    const error = await strict
      .sendEvents([
        { name: "user.created", payload: { email: "a@b.co", userId: "u1" } },
        { name: "file.uploaded", payload: { fileId: "f1" } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining("file.uploaded has no route") });
    expect(server.requests).toEqual([]);
  });
});

describe("triggerTransport: errors", () => {
  const send = (options: TriggerTransportOptions<keyof typeof schemas> = {}) =>
    catalog({ routes: { "user.created": ["a"] }, ...options })
      .sendEvent("user.created", { email: "a@b.co", userId: "u1" })
      .catch((e: unknown) => e);

  it("turns 404 and 422 replies into TransportErrors that are not retryable", async () => {
    server.replyNext(
      /trigger$/,
      { status: 404, body: { error: "Task not found" } },
      { status: 422, body: { error: "Invalid delay" } },
    );
    const notFound = await send();
    const invalid = await send();
    expect(notFound).toBeInstanceOf(TransportError);
    expect(notFound).toMatchObject({
      status: 404,
      retryable: false,
      code: "TRANSPORT_FAILED",
      message: expect.stringContaining("Task not found"),
    });
    expect((notFound as TransportError).cause).toMatchObject({ name: "TriggerApiError", status: 404 });
    expect(invalid).toMatchObject({ status: 422, retryable: false });
  });

  it("retries a 500 as the SDK is told, then reports it as retryable", async () => {
    server.replyNext(/trigger$/, ...Array.from({ length: 3 }, () => ({ status: 500, body: { error: "Boom" } })));
    const error = await send({ retry: { maxAttempts: 2, minTimeoutInMs: 1, maxTimeoutInMs: 2 } });
    expect(server.requests).toHaveLength(2);
    expect(error).toMatchObject({ status: 500, retryable: true, message: expect.stringContaining("Boom") });
  });

  it("stops at x-should-retry: false and reports the error as not retryable", async () => {
    server.replyNext(/trigger$/, { status: 503, body: { error: "Draining" }, headers: { "x-should-retry": "false" } });
    const error = await send({ retry: { maxAttempts: 3, minTimeoutInMs: 1 } });
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ status: 503, retryable: false });
  });

  it("reports a failed batch phase with its status", async () => {
    server.replyNext(/^\/api\/v3\/batches$/, {
      status: 429,
      body: { error: "Rate limited" },
      headers: { "x-should-retry": "false" },
    });
    const error = await send({ routes: { "user.created": ["a", "b"] } });
    expect(error).toMatchObject({
      status: 429,
      retryable: false,
      message: expect.stringMatching(/HTTP 429.*create batch.*Rate limit/),
    });
    expect(server.runs).toEqual([]);
  });

  it("reports a refused connection as retryable, without a status", async () => {
    const closed = server.url;
    await server.close();
    server = await startFakeTrigger();
    const events = defineEvents(schemas, {
      transport: triggerTransport({
        baseURL: closed,
        accessToken: KEY,
        retry: { maxAttempts: 1 },
        routes: { "user.created": ["a"] },
      }),
    });
    const error = await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, status: undefined, code: "TRANSPORT_FAILED" });
  });

  it("rejects malformed options when it is created", () => {
    expect(() => triggerTransport({ routes: { "user.created": [""] } })).toThrow(InvalidOptionsError);
    expect(() => triggerTransport({ routes: { "user.created": ["a", "a"] } })).toThrow(/twice/);
    expect(() => triggerTransport({ routes: { "user.created": "a" as never } })).toThrow(InvalidOptionsError);
    expect(() => triggerTransport({ dispatcher: "" })).toThrow(InvalidOptionsError);
    expect(() => triggerTransport({ maxBatchSize: 1001 })).toThrow(InvalidOptionsError);
  });
});
