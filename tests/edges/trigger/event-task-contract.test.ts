import { resourceCatalog } from "@trigger.dev/core/v3";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEvents } from "../../../src/index.js";
import { eventTask, triggerTransport, type WireEvent } from "../../../src/trigger.js";
import { installTaskCatalog, runTask, useGlobalFakeTrigger } from "../../helpers/trigger-tasks.js";
import { contractSchemas, upcastCalls } from "../../fixtures/contract-schemas.js";

const fake = useGlobalFakeTrigger();
installTaskCatalog("trigger/contract.ts");

const events = defineEvents(
  { ...contractSchemas, "report.due": z.object({ at: z.date() }) },
  { transport: triggerTransport({ retry: { maxAttempts: 1 } }) },
);
const seen: { payload: unknown; version: number | undefined; runId: string }[] = [];
const welcome = eventTask(events, "user.created", {
  id: "welcome-user",
  run: async (user, { event, ctx }) => {
    seen.push({ payload: user, version: event.version, runId: ctx.run.id });
    return user.plan;
  },
});
const report = eventTask(events, "report.due", { id: "send-report", run: async () => undefined });

const ada = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" };
const wire = (payload: unknown, version?: number): WireEvent => ({
  "~herald": 1,
  id: `evt-${version ?? "none"}`,
  name: "user.created",
  payload,
  timestamp: "2026-01-01T00:00:00.000Z",
  correlationId: "evt",
  ...(version === undefined ? {} : { version }),
});

describe("eventTask and the catalog as a contract", () => {
  it("fills the task's jsonSchema with the event's input schema (draft-07) and metadata", () => {
    expect(welcome.jsonSchema).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
      title: "user.created",
      description: "A user signed up",
      type: "object",
      required: ["firstName", "lastName", "email"],
      examples: [{ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "pro" }],
    });
  });

  it("registers a task schema the Trigger.dev indexer converts through toJsonSchema(), and that still parses payloads", async () => {
    const schema = resourceCatalog.getTaskSchema("welcome-user") as ((value: unknown) => Promise<unknown>) & {
      toJsonSchema?: () => unknown;
    };
    expect(typeof schema).toBe("function");
    expect(schema.toJsonSchema?.()).toEqual(welcome.jsonSchema);
    await expect(schema(ada)).resolves.toEqual({
      "~local": true,
      name: "user.created",
      payload: { ...ada, plan: "free" },
      version: 3,
    });
  });

  it("leaves jsonSchema out, and still defines the task, for a schema JSON Schema cannot express", () => {
    expect(report.id).toBe("send-report");
    expect(report.jsonSchema).toBeUndefined();
    expect((resourceCatalog.getTaskSchema("send-report") as { toJsonSchema?: unknown }).toJsonSchema).toBeUndefined();
  });

  it("upcasts an old envelope before run sees it, with Trigger.dev's context still attached", async () => {
    seen.length = 0;
    upcastCalls.length = 0;
    const plans = [
      await runTask("welcome-user", wire({ fullName: "Ada Lovelace", email: "ada@example.com" }), { id: "run_v0" }),
      await runTask("welcome-user", wire({ fullName: "Ada Lovelace", email: "ada@example.com" }, 1), { id: "run_v1" }),
      await runTask("welcome-user", wire({ ...ada, plan: "pro" }, 3), { id: "run_v3" }),
    ];
    expect(plans).toEqual(["free", "free", "pro"]);
    expect(seen).toEqual([
      { payload: { ...ada, plan: "free" }, version: 3, runId: "run_v0" },
      { payload: { ...ada, plan: "free" }, version: 3, runId: "run_v1" },
      { payload: { ...ada, plan: "pro" }, version: 3, runId: "run_v3" },
    ]);
    expect(upcastCalls).toEqual(["1->2", "2->3", "1->2", "2->3"]);
  });

  it("takes a dashboard test payload as the newest version: validated, not upcast", async () => {
    seen.length = 0;
    upcastCalls.length = 0;
    await runTask("welcome-user", { ...ada, plan: "pro" }, { id: "run_test" });
    expect(seen).toEqual([{ payload: { ...ada, plan: "pro" }, version: 3, runId: "run_test" }]);
    expect(upcastCalls).toEqual([]);
    await expect(runTask("welcome-user", { fullName: "Ada Lovelace", email: "ada@example.com" })).rejects.toThrow(
      /firstName/,
    );
    expect(fake.server.requests).toEqual([]);
  });
});
