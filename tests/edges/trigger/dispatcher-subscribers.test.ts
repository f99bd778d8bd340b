import { logger } from "@trigger.dev/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineEvents, InvalidOptionsError, UnknownEventError } from "../../../src/index.js";
import { createDispatcher, eventTask, triggerTransport, type WireEvent } from "../../../src/trigger.js";
import { caught } from "../../helpers/caught.js";
import { installTaskCatalog, runTask, useGlobalFakeTrigger } from "../../helpers/trigger-tasks.js";

const fake = useGlobalFakeTrigger();
installTaskCatalog("trigger/dispatch.ts");

// a fresh catalog per test: the index-time check compares a dispatcher with the event tasks of its own catalog
const catalog = () =>
  defineEvents(
    {
      "user.created": z.object({ userId: z.string() }),
      "file.uploaded": z.object({ fileId: z.string() }),
    },
    { transport: triggerTransport({ retry: { maxAttempts: 1 } }) },
  );
const wire = (name: string, id: string): WireEvent => ({
  "~herald": 1,
  id,
  name,
  payload: name === "user.created" ? { userId: "u1" } : { fileId: "f1" },
  timestamp: "2026-01-01T00:00:00.000Z",
  correlationId: id,
});

// what Trigger.dev's index worker sets (trigger dev, trigger deploy); the pipeline test runs the real one
function indexing(): void {
  vi.stubEnv("TRIGGER_INDEXING", "1");
}
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("createDispatcher with subscribers by task id", () => {
  it("starts the tasks named for the event, without importing them", async () => {
    const events = catalog();
    createDispatcher(events, { "user.created": ["send-welcome-email", "sync-crm"] }, { id: "by-id" });
    const output = await runTask("by-id", wire("user.created", "evt-by-id"));
    expect(output).toMatchObject({ event: "user.created", tasks: ["send-welcome-email", "sync-crm"] });
    expect(fake.server.runs.map((run) => [run.taskId, run.payload.id])).toEqual([
      ["send-welcome-email", "evt-by-id"],
      ["sync-crm", "evt-by-id"],
    ]);
  });

  it("logs a warning, and starts nothing, for an event no task subscribes to", async () => {
    const events = catalog();
    createDispatcher(events, { "user.created": ["send-welcome-email"] }, { id: "no-subscriber" });
    const warn = vi.spyOn(logger, "warn");
    const output = await runTask("no-subscriber", wire("file.uploaded", "evt-nobody"));
    expect(output).toMatchObject({ event: "file.uploaded", tasks: [] });
    expect(fake.server.runs).toEqual([]);
    expect(warn).toHaveBeenCalledWith(
      "no-subscriber: no task subscribes to file.uploaded; event evt-nobody started nothing",
    );
  });

  it("refuses an unknown event, an id that is not a non-empty string, and an id listed twice", () => {
    const events = catalog();
    expect(caught(() => createDispatcher(events, { "user.deleted": ["x"] } as never))).toBeInstanceOf(
      UnknownEventError,
    );
    expect(caught(() => createDispatcher(events, { "user.created": [""] }))).toBeInstanceOf(InvalidOptionsError);
    expect(caught(() => createDispatcher(events, { "user.created": [42] } as never))).toBeInstanceOf(
      InvalidOptionsError,
    );
    const twice = caught(() => createDispatcher(events, { "user.created": ["a"], "file.uploaded": ["a"] }));
    expect(twice).toBeInstanceOf(InvalidOptionsError);
    expect((twice as Error).message).toBe('createDispatcher: "a" is listed twice');
  });
});

describe("while Trigger.dev indexes, an event task the dispatcher leaves out", () => {
  it("throws when the task is created after the dispatcher (its file imported later)", () => {
    indexing();
    const events = catalog();
    createDispatcher(events, { "user.created": ["send-welcome-email"] }, { id: "idx-first" });
    eventTask(events, "user.created", { id: "send-welcome-email", run: () => undefined });
    const error = caught(() => eventTask(events, "file.uploaded", { id: "scan-file", run: () => undefined }));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toBe(
      'eventTask "scan-file" receives "file.uploaded", but dispatcher "idx-first" does not list it: ' +
        'add "scan-file" to its "file.uploaded" subscribers, or the dispatcher never starts it',
    );
  });

  it("throws when the dispatcher is created after the tasks, naming every task left out or misfiled", () => {
    indexing();
    const events = catalog();
    eventTask(events, "user.created", { id: "welcome", run: () => undefined });
    eventTask(events, "user.created", { id: "crm", run: () => undefined });
    eventTask(events, "file.uploaded", { id: "scan", run: () => undefined });
    const error = caught(() => createDispatcher(events, { "user.created": ["welcome", "scan"] }, { id: "idx-last" }));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message.split("\n")).toEqual([
      expect.stringMatching(/^eventTask "crm" receives "user.created", but dispatcher "idx-last" does not list it: /),
      expect.stringMatching(
        /^eventTask "scan" receives "file.uploaded", but dispatcher "idx-last" lists it under "user.created": /,
      ),
    ]);
  });

  it("is not checked outside indexing (a run imports one task file), nor across catalogs", () => {
    const events = catalog();
    createDispatcher(events, { "user.created": ["welcome"] }, { id: "not-indexing" });
    expect(() => eventTask(events, "file.uploaded", { id: "left-out", run: () => undefined })).not.toThrow();
    indexing();
    const other = catalog();
    expect(() => eventTask(other, "file.uploaded", { id: "other-catalog", run: () => undefined })).not.toThrow();
  });

  it("passes when every event task is listed under its event", () => {
    indexing();
    const events = catalog();
    eventTask(events, "user.created", { id: "ok-welcome", run: () => undefined });
    createDispatcher(events, { "user.created": ["ok-welcome"], "file.uploaded": ["ok-scan"] }, { id: "idx-ok" });
    expect(() => eventTask(events, "file.uploaded", { id: "ok-scan", run: () => undefined })).not.toThrow();
  });
});
