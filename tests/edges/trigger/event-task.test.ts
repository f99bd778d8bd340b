import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEvents, EventValidationError, InvalidOptionsError, UnknownEventError } from "../../../src/index.js";
import { eventTask, triggerTransport, type WireEvent } from "../../../src/trigger.js";
import { installTaskCatalog, runTask, useGlobalFakeTrigger } from "../../helpers/trigger-tasks.js";

const fake = useGlobalFakeTrigger();

// before the tasks below are defined, as a worker does before it imports a task file
installTaskCatalog();

const schemas = {
  // size arrives as text and leaves as a number: the worker must not validate the output again
  "file.uploaded": z.object({ fileId: z.string(), size: z.string().transform(Number) }),
  "file.processed": z.object({ fileId: z.string(), result: z.enum(["success", "failure"]) }),
};
const events = defineEvents(schemas, {
  transport: triggerTransport({ routes: { "file.processed": ["notify"] }, retry: { maxAttempts: 1 } }),
});

const seen: { payload: unknown; event: unknown; attempt: number; runId: string }[] = [];
const processUpload = eventTask(events, "file.uploaded", {
  id: "process-upload",
  machine: "small-1x",
  run: async (file, { sendEvent, event, attempt, ctx }) => {
    seen.push({ payload: file, event, attempt, runId: ctx.run.id });
    const receipt = await sendEvent("file.processed", {
      fileId: file.fileId,
      result: file.size > 0 ? "success" : "failure",
    });
    return { processed: receipt.id };
  },
});

const wire = (overrides: Partial<WireEvent> = {}): WireEvent => ({
  "~herald": 1,
  id: "evt-1",
  name: "file.uploaded",
  payload: { fileId: "f1", size: 12 },
  timestamp: "2026-01-01T00:00:00.000Z",
  correlationId: "evt-0",
  causationId: "evt-0",
  ...overrides,
});

describe("eventTask", () => {
  it("is a Trigger.dev task that names its event", () => {
    expect(processUpload.id).toBe("process-upload");
    expect(processUpload.event).toBe("file.uploaded");
    expect(typeof processUpload.trigger).toBe("function");
  });

  it("hands run the sender's payload as is (transforms ran once) and chains with lineage and a derived id", async () => {
    seen.length = 0;
    const output = await runTask("process-upload", wire(), { id: "run_1", attempt: 1 });
    expect(seen).toEqual([
      {
        payload: { fileId: "f1", size: 12 },
        event: {
          id: "evt-1",
          name: "file.uploaded",
          payload: { fileId: "f1", size: 12 },
          timestamp: "2026-01-01T00:00:00.000Z",
          correlationId: "evt-0",
          causationId: "evt-0",
        },
        attempt: 1,
        runId: "run_1",
      },
    ]);
    expect(output).toEqual({ processed: "evt-1/0" });
    expect(fake.server.runs).toHaveLength(1);
    expect(fake.server.runs[0]).toMatchObject({
      taskId: "notify",
      payload: {
        "~herald": 1,
        id: "evt-1/0",
        name: "file.processed",
        correlationId: "evt-0",
        causationId: "evt-1",
        payload: { fileId: "f1", result: "success" },
      },
      options: { tags: ["event:file.processed", "evt:evt-1/0", "corr:evt-0", "cause:evt-1"] },
    });
  });

  it("sends the same child id on a retried attempt, so the chained task runs once", async () => {
    await runTask("process-upload", wire({ id: "evt-retry" }), { attempt: 1 });
    await runTask("process-upload", wire({ id: "evt-retry" }), { attempt: 2 });
    expect(fake.server.requests).toHaveLength(2);
    expect(fake.server.runs).toHaveLength(1);
    expect(fake.server.runs[0]!.payload.id).toBe("evt-retry/0");
    expect(seen.at(-1)!.attempt).toBe(2);
  });

  it("validates a plain payload (a dashboard test run) and names the event after the run", async () => {
    seen.length = 0;
    await runTask("process-upload", { fileId: "f2", size: "0" }, { id: "run_test" });
    expect(seen[0]).toMatchObject({
      payload: { fileId: "f2", size: 0 },
      event: {
        id: "run_test",
        name: "file.uploaded",
        correlationId: "run_test",
        timestamp: "2026-01-02T03:04:05.000Z",
      },
    });
    expect(fake.server.runs[0]!.payload).toMatchObject({
      id: "run_test/0",
      causationId: "run_test",
      payload: { result: "failure" },
    });
  });

  it("rejects a plain payload that fails the schema, and a wire event of another event", async () => {
    await expect(runTask("process-upload", { fileId: "f3" })).rejects.toThrow(EventValidationError);
    await expect(runTask("process-upload", wire({ name: "file.processed" }))).rejects.toThrow(InvalidOptionsError);
    expect(fake.server.requests).toEqual([]);
  });

  it("validates before sending when triggered directly, and sends the output once", async () => {
    await processUpload.trigger({ fileId: "f4", size: "7" });
    expect(fake.server.runs[0]).toMatchObject({
      taskId: "process-upload",
      payload: { "~local": true, name: "file.uploaded", payload: { fileId: "f4", size: 7 } },
    });
    await expect(processUpload.trigger({ fileId: "f4" } as never)).rejects.toThrow(EventValidationError);
    // what arrived passes the worker's parse unchanged: size stays a number
    seen.length = 0;
    await runTask("process-upload", fake.server.runs[0]!.payload, { id: "run_direct" });
    expect(seen[0]!.payload).toEqual({ fileId: "f4", size: 7 });
  });

  it("refuses an event the catalog does not have", () => {
    expect(() => eventTask(events, "file.deleted" as never, { id: "x", run: async () => undefined })).toThrow(
      UnknownEventError,
    );
  });
});
