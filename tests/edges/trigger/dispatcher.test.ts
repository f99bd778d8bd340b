import { createHash } from "node:crypto";
import { task } from "@trigger.dev/sdk";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEvents, InvalidOptionsError } from "../../../src/index.js";
import {
  createDispatcher,
  eventTask,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  triggerTransport,
  type WireEvent,
} from "../../../src/trigger.js";
import { installTaskCatalog, runTask, useGlobalFakeTrigger } from "../../helpers/trigger-tasks.js";

const fake = useGlobalFakeTrigger();

installTaskCatalog("trigger/dispatch.ts");
const events = defineEvents(
  {
    "user.created": z.object({ userId: z.string() }),
    "file.uploaded": z.object({ fileId: z.string() }),
    "file.processed": z.object({ fileId: z.string() }),
  },
  { transport: triggerTransport({ retry: { maxAttempts: 1 } }) },
);
const welcome = eventTask(events, "user.created", { id: "send-welcome-email", run: async () => "sent" });
const crm = eventTask(events, "user.created", { id: "sync-crm", run: async () => "synced" });
const scan = eventTask(events, "file.uploaded", { id: "scan-file", run: async () => "clean" });
const plain = task({ id: "not-an-event-task", run: async () => undefined });
const dispatch = createDispatcher(
  events,
  { welcome, crm, scan, plain, version: 3 },
  { requestRetry: { maxAttempts: 2, minTimeoutInMs: 1, maxTimeoutInMs: 2 } },
);

const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
const wire = (name: string, id: string, extra: Partial<WireEvent> = {}): WireEvent => ({
  "~herald": 1,
  id,
  name,
  payload: name === "user.created" ? { userId: "u1" } : { fileId: "f1" },
  timestamp: "2026-01-01T00:00:00.000Z",
  correlationId: id,
  ...extra,
});

describe("createDispatcher", () => {
  it("is the task the transport sends to by default", () => {
    expect(dispatch.id).toBe("herald-dispatch");
  });

  it("fans an event out to every subscribed task with one batch, keyed per subscriber, without the delay again", async () => {
    const output = await runTask(
      "herald-dispatch",
      wire("user.created", "evt-1", { deliverAt: "2026-01-01T01:00:00.000Z" }),
      { id: "run_dispatch" },
    );
    expect(fake.server.requests.map((r) => r.path.replace(/batch_\d+/, "B"))).toEqual([
      "/api/v3/batches",
      "/api/v3/batches/B/items",
    ]);
    // the batch belongs to the dispatcher's run, so the dashboard shows the fan-out under it
    expect(JSON.parse(fake.server.requests[0]!.body)).toMatchObject({ runCount: 2, parentRunId: "run_dispatch" });
    expect(
      fake.server.runs.map((run) => [run.taskId, run.options.idempotencyKey, run.options.delay, run.payload.id]),
    ).toEqual([
      ["send-welcome-email", sha256("evt-1:send-welcome-email"), undefined, "evt-1"],
      ["sync-crm", sha256("evt-1:sync-crm"), undefined, "evt-1"],
    ]);
    expect(output).toEqual({
      eventId: "evt-1",
      event: "user.created",
      tasks: ["send-welcome-email", "sync-crm"],
      batchId: fake.server.runs[0]!.batchId,
    });
  });

  it("starts no subscriber twice when the dispatcher run is retried", async () => {
    await runTask("herald-dispatch", wire("user.created", "evt-2"), { attempt: 1 });
    await runTask("herald-dispatch", wire("user.created", "evt-2"), { attempt: 2 });
    expect(fake.server.runs.map((run) => run.taskId)).toEqual(["send-welcome-email", "sync-crm"]);
  });

  it("triggers a single subscriber directly, and nobody for an event without subscribers", async () => {
    const one = await runTask("herald-dispatch", wire("file.uploaded", "evt-3"));
    expect(fake.server.requests.map((r) => r.path)).toEqual(["/api/v1/tasks/scan-file/trigger"]);
    expect(one).toMatchObject({ tasks: ["scan-file"], runIds: [fake.server.runs[0]!.id] });
    const none = await runTask("herald-dispatch", wire("file.processed", "evt-4"));
    expect(none).toEqual({ eventId: "evt-4", event: "file.processed", tasks: [] });
    expect(fake.server.requests).toHaveLength(1);
  });

  it("aborts (no retries) for a payload herald did not send or an event this worker does not know", async () => {
    await expect(runTask("herald-dispatch", { userId: "u1" })).rejects.toMatchObject({ name: "AbortTaskRunError" });
    await expect(runTask("herald-dispatch", wire("user.deleted", "evt-5"))).rejects.toMatchObject({
      name: "AbortTaskRunError",
      message: expect.stringContaining("user.deleted"),
    });
    expect(fake.server.requests).toEqual([]);
  });

  it("passes a retryable failure on, so Trigger.dev retries the dispatcher run", async () => {
    fake.server.replyNext(
      /^\/api\/v3\/batches$/,
      { status: 500, body: { error: "Boom" } },
      { status: 500, body: { error: "Boom" } },
    );
    const error = await runTask("herald-dispatch", wire("user.created", "evt-6")).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "TransportError", retryable: true, status: 500 });
    expect(fake.server.requests).toHaveLength(2);
    expect(fake.server.runs).toEqual([]);
  });

  it("gives every subscriber run the dispatcher run's tags, herald's once and the sender's after them, in the batch body", async () => {
    const tags = ["event:user.created", "evt:evt-7", "tenant:acme", "plan:pro", "tenant:acme"];
    await runTask("herald-dispatch", wire("user.created", "evt-7"), { tags });
    const items = fake.server.requests[1]!.body.trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { options: { tags: string[] } });
    expect(items.map((item) => item.options.tags)).toEqual([
      ["event:user.created", "evt:evt-7", "tenant:acme", "plan:pro"],
      ["event:user.created", "evt:evt-7", "tenant:acme", "plan:pro"],
    ]);
    // a run the platform gave no tags (ctx.run.tags empty) still gets herald's own
    await runTask(
      "herald-dispatch",
      wire("file.uploaded", "evt-8", { correlationId: "evt-root", causationId: "evt-7" }),
    );
    expect(JSON.parse(fake.server.requests[2]!.body).options.tags).toEqual([
      "event:file.uploaded",
      "evt:evt-8",
      "corr:evt-root",
      "cause:evt-7",
    ]);
  });

  it("end to end: the transport's tags reach the subscriber runs through the dispatcher, within Trigger.dev's limits", async () => {
    const extra = ["tenant:acme", "x".repeat(MAX_TAG_LENGTH + 1), ...Array.from({ length: 12 }, (_, i) => `t${i}`)];
    const tagged = events.withTransport(triggerTransport({ tags: extra, retry: { maxAttempts: 1 } }));
    const receipt = await tagged.sendEvent("user.created", { userId: "u10" });
    const dispatched = fake.server.runs[0]!;
    const expected = [
      "event:user.created",
      `evt:${receipt.id}`,
      "tenant:acme",
      ...Array.from({ length: MAX_TAGS - 3 }, (_, i) => `t${i}`),
    ];
    expect(dispatched.options.tags).toEqual(expected);
    // Trigger.dev hands the dispatcher's run its tags in ctx.run.tags
    await runTask("herald-dispatch", dispatched.payload, { tags: dispatched.options.tags as string[] });
    expect(fake.server.runs.slice(1).map((run) => [run.taskId, run.options.tags])).toEqual([
      ["send-welcome-email", expected],
      ["sync-crm", expected],
    ]);
  });

  it("passes its idempotencyKeyTTL to the subscriber runs, as the transport does for routed runs", async () => {
    createDispatcher(events, [welcome, scan], { id: "dispatch-ttl", idempotencyKeyTTL: "2h" });
    await runTask("dispatch-ttl", wire("file.uploaded", "evt-9"));
    expect(fake.server.runs.map((run) => [run.taskId, run.options.idempotencyKeyTTL])).toEqual([["scan-file", "2h"]]);
    await runTask("herald-dispatch", wire("file.uploaded", "evt-10"));
    expect(fake.server.runs[1]!.options).not.toHaveProperty("idempotencyKeyTTL");
  });

  it("rejects a list entry that is not an event task, and two tasks with one id", () => {
    expect(() => createDispatcher(events, [welcome, plain as never], { id: "d2" })).toThrow(InvalidOptionsError);
    expect(() => createDispatcher(events, [welcome, welcome], { id: "d3" })).toThrow(
      /two tasks have the id "send-welcome-email"/,
    );
  });

  it("end to end: a send without routes reaches the dispatcher, which reaches both subscribers", async () => {
    const receipt = await events.sendEvent("user.created", { userId: "u9" });
    const [dispatched] = fake.server.runs;
    expect(dispatched).toMatchObject({
      taskId: "herald-dispatch",
      options: { idempotencyKey: sha256(`${receipt.id}:herald-dispatch`) },
    });
    await runTask("herald-dispatch", dispatched!.payload);
    expect(fake.server.runs.slice(1).map((run) => [run.taskId, run.payload.payload])).toEqual([
      ["send-welcome-email", { userId: "u9" }],
      ["sync-crm", { userId: "u9" }],
    ]);
  });
});
