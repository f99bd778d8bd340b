import { describe, expect, it } from "vitest";
import { childId } from "../../src/catalog/child-id.js";
import { eventIdProblem, MAX_EVENT_ID_LENGTH } from "../../src/core/errors.js";
import type { Envelope } from "../../src/index.js";
import { createCatalog } from "../helpers/catalog.js";
import { watchEscapes } from "../helpers/unhandled.js";

const upload = { fileId: "f1", filename: "a.png" };

describe("on", () => {
  it("gives the handler the payload and a context with the envelope, attempt and signal", async () => {
    const { events, clock } = createCatalog();
    const seen: unknown[] = [];
    events.on("file.uploaded", (payload, ctx) => void seen.push(payload, ctx.event, ctx.attempt, ctx.signal.aborted));
    const receipt = await events.sendEvent("file.uploaded", upload);
    await clock.advance(0);
    expect(seen).toEqual([
      upload,
      expect.objectContaining({ id: receipt.id, name: "file.uploaded", payload: upload }),
      1,
      false,
    ]);
  });

  it("names the subscriber after the handler, or after the chain's events", async () => {
    const { events, engine, clock } = createCatalog();
    events.on("file.uploaded", function generateThumbnail() {});
    events.on("file.uploaded", () => undefined, { id: "scan" });
    events.chain("file.uploaded", "file.processed", (file) => ({
      fileId: file.fileId,
      processingResult: "success" as const,
    }));
    const { id } = await events.sendEvent("file.uploaded", upload);
    await clock.advance(0);
    expect(engine.history.get(id)!.runs.map((r) => r.subscriber)).toEqual([
      "generateThumbnail",
      "scan",
      "file.uploaded->file.processed",
    ]);
  });

  it("unsubscribes through the returned function and through an AbortSignal", async () => {
    const { events, clock } = createCatalog();
    const controller = new AbortController();
    let byFunction = 0;
    let bySignal = 0;
    const off = events.on("file.uploaded", () => void byFunction++);
    events.on("file.uploaded", () => void bySignal++, { signal: controller.signal });
    await events.sendEvent("file.uploaded", upload);
    off();
    controller.abort();
    await events.sendEvent("file.uploaded", upload);
    await clock.advance(0);
    expect([byFunction, bySignal]).toEqual([1, 1]);
  });
});

it("passes on()'s timeoutMs to the engine: the handler's signal aborts and the run fails with HANDLER_TIMEOUT", async () => {
  const { events, engine, clock } = createCatalog();
  let signal: AbortSignal | undefined;
  events.on(
    "file.uploaded",
    (_, ctx) => {
      signal = ctx.signal;
      return new Promise<void>(() => undefined);
    },
    { timeoutMs: 250, maxAttempts: 1 },
  );
  const { id } = await events.sendEvent("file.uploaded", upload);
  await clock.advance(250);
  await events.drain();
  expect(signal!.aborted).toBe(true);
  expect(engine.history.get(id)).toMatchObject({ status: "failed", runs: [{ error: { code: "HANDLER_TIMEOUT" } }] });
});

describe("chains and lineage", () => {
  it("carries correlation and causation across a three-step chain, with ids derived from the parent", async () => {
    const { events, clock } = createCatalog();
    const seen: Envelope[] = [];
    events.chain("file.uploaded", "file.processed", (file) => ({
      fileId: file.fileId,
      processingResult: "success" as const,
    }));
    events.on("file.processed", async (result, ctx) => {
      seen.push(ctx.event);
      await ctx.sendEvent("file.archived", { fileId: result.fileId, by: "processor" });
    });
    events.on("file.archived", (_, ctx) => void seen.push(ctx.event));
    const root = await events.sendEvent("file.uploaded", upload);
    await clock.advance(0);
    const [processed, archived] = seen;
    expect(processed).toMatchObject({
      id: `${root.id}/0`,
      correlationId: root.id,
      causationId: root.id,
      payload: { fileId: "f1" },
    });
    expect(archived).toMatchObject({
      id: `${root.id}/0/0`,
      correlationId: root.id,
      causationId: processed!.id,
      payload: { by: "processor" },
    });
  });

  it("keeps derived ids valid and at most 255 characters however deep a chain goes, the same on a retry", async () => {
    const { events, engine, clock } = createCatalog({ historyLimit: 1000 });
    const depth = 300;
    let retried = 0;
    events.on("file.archived", async (file, ctx) => {
      const level = Number(file.by);
      if (level >= depth) return;
      await ctx.sendEvent("file.archived", { fileId: file.fileId, by: String(level + 1) });
      // one attempt deep in the chain fails after its send: the retry derives the same child id, which dedupes
      if (level === 250 && ctx.attempt === 1) {
        retried++;
        throw new Error("crashed after sending");
      }
    });
    await events.sendEvent("file.archived", { fileId: "f1", by: "0" }, { id: "r".repeat(254) });
    for (let i = 0; i < 10 && engine.history.list({ name: "file.archived" }).length <= depth; i++) {
      await clock.advance(1000);
      await events.drain();
    }
    const records = engine.history.list({ name: "file.archived" });
    expect(retried).toBe(1);
    expect(records).toHaveLength(depth + 1); // every level once: the retried send was a duplicate
    for (const { event } of records) {
      expect(eventIdProblem(event.id)).toBeUndefined();
      expect(event.id.length).toBeLessThanOrEqual(MAX_EVENT_ID_LENGTH);
      expect(event.correlationId).toBe("r".repeat(254));
    }
    expect(new Set(records.map((r) => r.event.id)).size).toBe(depth + 1);
    // the first child of a 254-character id no longer fits: its parent part is hashed
    const first = records.find((r) => (r.event.payload as { by: string }).by === "1")!.event.id;
    expect(first).toMatch(/^[0-9a-f]{16}\/0$/);
  });

  it("derives a child id deterministically, hashing a parent that would make it invalid", () => {
    expect(childId("evt-1", 2)).toBe("evt-1/2");
    const long = "p".repeat(254);
    expect(childId(long, 7)).toBe(childId(long, 7));
    expect(childId(long, 7)).toMatch(/^[0-9a-f]{16}\/7$/);
    expect(childId(long, 7)).not.toBe(childId(long.slice(1) + "q", 7));
    expect(eventIdProblem(childId("bad id\n", 0))).toBeUndefined();
  });

  it("numbers several sends from one handler, whatever the send form", async () => {
    const { events, clock } = createCatalog();
    const ids: string[] = [];
    events.on("file.uploaded", async (file, ctx) => {
      await ctx.sendEvent("file.archived", { fileId: file.fileId, by: "a" });
      await ctx.send({ name: "file.archived", payload: { fileId: file.fileId, by: "b" } });
      await ctx.sendEvents([
        { name: "file.archived", payload: { fileId: file.fileId, by: "c" } },
        { name: "app.started" },
      ]);
      await ctx.sendEvent("file.archived", { fileId: file.fileId, by: "d" }, { id: "explicit" });
    });
    events.on("file.archived", (_, ctx) => void ids.push(ctx.event.id));
    events.on("app.started", (_, ctx) => void ids.push(ctx.event.id));
    const root = await events.sendEvent("file.uploaded", upload, { id: "up" });
    await clock.advance(0);
    expect(ids.sort()).toEqual(["explicit", `${root.id}/0`, `${root.id}/1`, `${root.id}/2`, `${root.id}/3`].sort());
  });

  it("runs a chained child once when the parent's handler is retried", async () => {
    const { events, engine, clock } = createCatalog();
    let parentRuns = 0;
    let childRuns = 0;
    events.on("file.uploaded", async (file, ctx) => {
      parentRuns++;
      await ctx.sendEvent("file.processed", { fileId: file.fileId, processingResult: "success" });
      if (ctx.attempt === 1) throw new Error("crashed after sending");
    });
    events.on("file.processed", () => void childRuns++);
    const root = await events.sendEvent("file.uploaded", upload);
    await clock.advance(1000);
    await events.drain();
    expect(parentRuns).toBe(2);
    expect(childRuns).toBe(1);
    expect(engine.history.list({ name: "file.processed" }).map((r) => r.event.id)).toEqual([`${root.id}/0`]);
    expect(engine.history.get(root.id)).toMatchObject({ status: "succeeded", runs: [{ attempts: 2 }] });
  });

  it("does not retry a handler whose send fails validation, and records the error", async () => {
    const watch = watchEscapes();
    const { events, engine, clock } = createCatalog();
    let attempts = 0;
    events.on(
      "file.uploaded",
      async (file, ctx) => {
        attempts++;
        await ctx.sendEvent("file.processed", { fileId: file.fileId, processingResult: "maybe" } as never);
      },
      { id: "process" },
    );
    const root = await events.sendEvent("file.uploaded", upload);
    await clock.advance(60_000);
    expect(attempts).toBe(1);
    expect(engine.history.get(root.id)!.runs[0]).toMatchObject({
      status: "failed",
      attempts: 1,
      error: {
        name: "EventValidationError",
        code: "VALIDATION_FAILED",
        message: expect.stringMatching(/^file\.processed: processingResult: /),
      },
    });
    expect(engine.history.list({ name: "file.processed" })).toEqual([]);
    expect(await watch.stop()).toEqual([]);
  });

  it("records a failing chain map without sending the target", async () => {
    const { events, engine, clock } = createCatalog({ maxAttempts: 1 });
    events.chain("file.uploaded", "file.processed", () => {
      throw new Error("no processor");
    });
    const root = await events.sendEvent("file.uploaded", upload);
    await clock.advance(0);
    expect(engine.history.get(root.id)!.runs[0]).toMatchObject({
      status: "failed",
      error: { message: "no processor" },
    });
    expect(engine.history.list({ name: "file.processed" })).toEqual([]);
  });
});
