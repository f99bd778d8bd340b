import { cp, readFile, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { TaskIndexingImportError } from "@trigger.dev/core/v3/errors";
import { BuildManifest, TaskManifest, type TaskRunExecutionResult, WorkerManifest } from "@trigger.dev/core/v3/schemas";
import { configure } from "@trigger.dev/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events } from "../../examples/trigger/events.js";
import { type FakeTrigger, startFakeTrigger } from "../helpers/trigger-server.js";
import { buildAndIndex, type IndexedWorker, type RunWorker, startRunWorker } from "./trigger-pipeline.harness.js";

// Trigger.dev's own pipeline over examples/trigger, offline: the 4.8.3 CLI's bundler and index worker, then
// each task in the bundle's run worker, its API calls answered by the loopback stand-in
const root = resolve(import.meta.dirname, "../..");
const example = join(root, "examples/trigger");

let worker: IndexedWorker;
let server: FakeTrigger;
let runner: RunWorker;

beforeAll(async () => {
  server = await startFakeTrigger();
  configure({ baseURL: server.url, accessToken: "tr_dev_testkey123" });
  worker = await buildAndIndex(example);
  runner = await startRunWorker(worker, server.url);
});

afterAll(async () => {
  await runner?.close();
  await server?.close();
  if (worker) await rm(worker.destination, { recursive: true, force: true });
});

const superJson = (value: unknown) => ({
  data: JSON.stringify({ json: value }),
  type: "application/super+json" as const,
});
const rawJson = (value: unknown) => ({ data: JSON.stringify(value), type: "application/json" as const });
const outputOf = (result: TaskRunExecutionResult) => {
  expect(result.ok, JSON.stringify(result)).toBe(true);
  return result.ok && result.output !== undefined ? JSON.parse(result.output).json : undefined;
};

// what herald's sender hands Trigger.dev for each event: the envelope, as the stand-in received it
async function envelopeOf(name: "user.created" | "file.uploaded" | "file.processed", payload: object) {
  server.runs.length = 0;
  const receipt = await events.sendEvent(name, payload as never);
  const run = server.runs.find((entry) => entry.payload?.id === receipt.id);
  expect(run, `a run for ${name}`).toBeDefined();
  return run!.payload as { id: string; name: string; correlationId: string };
}

describe("Trigger.dev's build and index pipeline over examples/trigger", () => {
  it("builds and indexes a manifest that Trigger.dev's own schemas accept", () => {
    expect(BuildManifest.safeParse(worker.buildManifest).error).toBeUndefined();
    expect(WorkerManifest.safeParse(worker.workerManifest).error).toBeUndefined();
    for (const task of worker.workerManifest.tasks) expect(TaskManifest.safeParse(task).error).toBeUndefined();
    expect(worker.buildManifest.files.map((file) => file.entry).sort()).toEqual([
      "trigger/dispatch.ts",
      "trigger/files.ts",
      "trigger/users.ts",
    ]);
  });

  it("credits each task to its own file, not to the dispatcher's (finding 10 a)", () => {
    const files = Object.fromEntries(worker.workerManifest.tasks.map((task) => [task.id, task.filePath]));
    expect(files).toEqual({
      "herald-dispatch": "trigger/dispatch.ts",
      "process-upload": "trigger/files.ts",
      "notify-processed": "trigger/files.ts",
      "send-welcome-email": "trigger/users.ts",
      "sync-crm": "trigger/users.ts",
    });
  });

  it("gives each event task the event's JSON Schema, and the config's and task's settings", () => {
    const task = (id: string) => worker.workerManifest.tasks.find((entry) => entry.id === id)!;
    expect(task("send-welcome-email").payloadSchema).toMatchObject({
      type: "object",
      properties: { email: expect.any(Object), userId: expect.any(Object) },
      required: expect.arrayContaining(["email", "userId"]),
    });
    expect(task("process-upload").machine).toEqual({ preset: "small-2x" });
    expect(task("sync-crm").retry).toMatchObject({ maxAttempts: 5 });
    expect(task("notify-processed").retry).toMatchObject({ maxAttempts: 3 }); // trigger.config.ts default
    expect(task("herald-dispatch").payloadSchema).toBeUndefined();
  });
});

describe("each task in the bundle's run worker", () => {
  const ada = { email: "ada@example.com", name: "Ada", userId: "u_1" };
  const upload = { fileId: "f_1", filename: "report.pdf" };
  const processed = { fileId: "f_1", processingResult: "success" as const };

  it("send-welcome-email and sync-crm: herald's envelope and a raw dashboard payload", async () => {
    const envelope = await envelopeOf("user.created", ada);
    for (const payload of [superJson(envelope), rawJson(ada)]) {
      expect(outputOf(await runner.run("send-welcome-email", payload))).toEqual({ sent: true });
      expect(outputOf(await runner.run("sync-crm", payload))).toEqual({ crmId: "crm_u_1" });
    }
  });

  it("process-upload chains file.processed with lineage, from an envelope and from a raw payload", async () => {
    const envelope = await envelopeOf("file.uploaded", upload);
    server.runs.length = 0;
    expect(outputOf(await runner.run("process-upload", superJson(envelope)))).toEqual({ ok: true });
    expect(server.runs).toHaveLength(1);
    expect(server.runs[0]).toMatchObject({
      taskId: "herald-dispatch",
      payload: { name: "file.processed", payload: processed, causationId: envelope.id, correlationId: envelope.id },
    });

    server.runs.length = 0;
    expect(outputOf(await runner.run("process-upload", rawJson(upload)))).toEqual({ ok: true });
    expect(server.runs.map((run) => [run.taskId, run.payload.name, run.payload.payload])).toEqual([
      ["herald-dispatch", "file.processed", processed],
    ]);
    expect(server.invalid).toEqual([]);
  });

  it("notify-processed: herald's envelope and a raw dashboard payload", async () => {
    const envelope = await envelopeOf("file.processed", processed);
    for (const payload of [superJson(envelope), rawJson(processed)]) {
      const result = await runner.run("notify-processed", payload);
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
  });

  it("a raw payload that breaks the event's schema fails the run with the schema's message", async () => {
    const result = await runner.run("sync-crm", rawJson({ email: "not an email", userId: "u_1" }));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toMatch(/email/);
  });

  it("herald-dispatch starts the subscribers of herald's envelope, and refuses a raw dashboard payload", async () => {
    const uploaded = await envelopeOf("file.uploaded", upload);
    server.runs.length = 0;
    const output = outputOf(await runner.run("herald-dispatch", superJson(uploaded)));
    expect(output).toMatchObject({ eventId: uploaded.id, event: "file.uploaded", tasks: ["process-upload"] });
    expect(server.runs.map((run) => [run.taskId, run.payload.id])).toEqual([["process-upload", uploaded.id]]);

    // user.created is routed: the sender already started both tasks, so the dispatcher's batch (same keys) starts none again
    const created = await envelopeOf("user.created", ada);
    server.runs.length = 0;
    const deduped = server.dedupedItems();
    const fanned = outputOf(await runner.run("herald-dispatch", superJson(created)));
    expect(fanned).toMatchObject({ eventId: created.id, tasks: ["send-welcome-email", "sync-crm"] });
    expect(server.runs).toEqual([]);
    expect(server.dedupedItems() - deduped).toBe(2);

    const refused = await runner.run("herald-dispatch", rawJson(upload));
    expect(refused.ok).toBe(false);
    expect(JSON.stringify(refused)).toContain("not a herald event");
    expect(server.invalid).toEqual([]);
  });
});

describe("an event task left out of the dispatcher (finding 10 b)", () => {
  // a copy of the example inside the repository (so its tsconfig maps "herald" to the source) whose dispatcher forgets one task
  const project = join(root, ".tmp/trigger-pipeline-left-out");
  afterAll(() => rm(project, { recursive: true, force: true }));

  it("fails Trigger.dev's index, naming the task, its event and the dispatcher", async () => {
    await rm(project, { recursive: true, force: true });
    await cp(example, project, { recursive: true });
    const dispatch = join(project, "trigger/dispatch.ts");
    const source = await readFile(dispatch, "utf8");
    const forgetful = source.replace(/\s*"file\.processed": \["notify-processed"\],/, "");
    expect(forgetful).not.toBe(source);
    await writeFile(dispatch, forgetful);

    const error = (await buildAndIndex(project).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as TaskIndexingImportError | undefined;
    expect(error?.name).toBe("TaskIndexingImportError");
    expect(error!.importErrors).toEqual([
      expect.objectContaining({
        file: "trigger/files.ts",
        name: "InvalidOptionsError",
        message: expect.stringContaining(
          'eventTask "notify-processed" receives "file.processed", but dispatcher "herald-dispatch" does not list it',
        ),
      }),
    ]);
  });
});
