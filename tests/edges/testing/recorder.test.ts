import { describe, expect, it } from "vitest";
import { createEmbeddedEngine, defineEvents } from "../../../src/index.js";
import { createRecordingTransport, recordEvents } from "../../../src/testing.js";
import { schemas } from "../../fixtures/catalog.js";
import { createCatalog } from "../../helpers/catalog.js";
import { caught } from "../../helpers/caught.js";

const upload = { fileId: "f1", filename: "a.png" };
const order = {
  orderId: "o1",
  items: [
    { sku: "A-1", qty: 2 },
    { sku: "B-2", qty: 1 },
  ],
};

describe("recordEvents", () => {
  it("records every envelope sent through its catalog, in order, and runs nothing", async () => {
    const { events, engine, clock } = createCatalog();
    let ran = 0;
    events.on("file.uploaded", () => void ran++);
    const recorder = recordEvents(events);
    const receipt = await recorder.events.sendEvent("file.uploaded", upload, { id: "u1" });
    await recorder.events.sendEvents([{ name: "order.placed", payload: order }, { name: "app.started" }]);
    await clock.advance(0);
    expect(recorder.sent.map((e) => e.name)).toEqual(["file.uploaded", "order.placed", "app.started"]);
    expect(recorder.sent[0]).toMatchObject({
      id: "u1",
      payload: upload,
      correlationId: "u1",
      timestamp: receipt.timestamp,
    });
    expect(ran).toBe(0);
    expect(engine.history.list()).toEqual([]);
  });

  it("records the validated output, never an invalid event", async () => {
    const recorder = recordEvents(createCatalog().events);
    await recorder.events.sendEvent("signup.started", { email: "A@B.co", seats: "4" });
    await expect(recorder.events.sendEvent("user.created", { email: "x", userId: "u" })).rejects.toThrow();
    expect(recorder.sent.map((e) => e.payload)).toEqual([{ email: "a@b.co!", plan: "free", seats: 4 }]);
  });

  it("sentOf filters by name", async () => {
    const recorder = recordEvents(createCatalog().events);
    await recorder.events.sendEvent("file.uploaded", upload);
    await recorder.events.sendEvent("order.placed", order);
    await recorder.events.sendEvent("file.uploaded", { fileId: "f2", filename: "b.png" });
    expect(recorder.sentOf("file.uploaded").map((e) => e.payload.fileId)).toEqual(["f1", "f2"]);
    expect(recorder.sentOf("user.created")).toEqual([]);
  });

  it("expectSent returns the first envelope whose payload contains the match, deeply", async () => {
    const recorder = recordEvents(createCatalog().events);
    await recorder.events.sendEvent("order.placed", { orderId: "o0", items: [{ sku: "Z", qty: 1 }] });
    await recorder.events.sendEvent("order.placed", order, { id: "second" });
    expect(recorder.expectSent("order.placed").payload.orderId).toBe("o0");
    expect(recorder.expectSent("order.placed", { orderId: "o1" }).id).toBe("second");
    expect(recorder.expectSent("order.placed", { items: order.items }).id).toBe("second");
  });

  it.each([
    ["a value that differs", { orderId: "o2" }],
    ["an array of another length", { items: [{ sku: "A-1" }] }],
    ["a key the payload lacks", { items: [{ sku: "A-1", qty: 2, note: "x" }, {}] }],
  ])("expectSent throws an AssertionError listing what was sent, for %s", async (_, match) => {
    const recorder = recordEvents(createCatalog().events);
    await recorder.events.sendEvent("order.placed", order);
    await recorder.events.sendEvent("app.started");
    const error = caught(() => recorder.expectSent("order.placed", match as never)) as Error;
    expect(error.name).toBe("AssertionError");
    expect(error.message).toContain(`Expected order.placed matching ${JSON.stringify(match)} to have been sent. Sent:`);
    expect(error.message).toContain(`  order.placed ${JSON.stringify(order)}`);
    expect(error.message).toContain("  app.started undefined");
  });

  it("expectSent says nothing was sent, and clear() forgets what was", async () => {
    const recorder = recordEvents(createCatalog().events);
    expect(() => recorder.expectSent("file.uploaded")).toThrow(
      /Expected file\.uploaded to have been sent\. Sent:\n {2}\(nothing\)/,
    );
    await recorder.events.sendEvent("file.uploaded", upload);
    recorder.clear();
    expect(recorder.sent).toEqual([]);
    expect(() => recorder.expectSent("file.uploaded")).toThrow(/\(nothing\)/);
  });
});

describe("recordEvents with { run: true }", () => {
  it("runs subscribers on the catalog's engine and records chained sends", async () => {
    const { events, clock } = createCatalog();
    const recorder = recordEvents(events, { run: true });
    const processed: string[] = [];
    recorder.events.chain("file.uploaded", "file.processed", (file) => ({
      fileId: file.fileId,
      processingResult: "success" as const,
    }));
    recorder.events.on("file.processed", (result) => void processed.push(result.fileId));
    const root = await recorder.events.sendEvent("file.uploaded", upload);
    await clock.advance(0);
    await recorder.events.drain();
    expect(processed).toEqual(["f1"]);
    expect(recorder.expectSent("file.processed", { processingResult: "success" })).toMatchObject({
      causationId: root.id,
      correlationId: root.id,
    });
    expect(recorder.sent.map((e) => e.name)).toEqual(["file.uploaded", "file.processed"]);
  });

  it("records chained sends of subscribers registered on the original catalog", async () => {
    const { events, clock } = createCatalog();
    events.chain("file.uploaded", "file.processed", (file) => ({
      fileId: file.fileId,
      processingResult: "success" as const,
    }));
    const recorder = recordEvents(events, { run: true });
    await recorder.events.sendEvent("file.uploaded", upload);
    await clock.advance(0);
    await recorder.events.drain();
    expect(recorder.sent.map((e) => e.name)).toEqual(["file.uploaded", "file.processed"]);
  });

  it("does not bring back cleared events when they settle later", async () => {
    const { events, clock } = createCatalog();
    events.on("file.uploaded", () => undefined);
    const recorder = recordEvents(events, { run: true });
    await recorder.events.sendEvent("file.uploaded", upload, { delay: "1m" });
    recorder.clear();
    await clock.advance(60_000);
    expect(recorder.sent).toEqual([]);
  });
});

describe("createRecordingTransport", () => {
  it("keeps envelopes and returns receipts without running anything", async () => {
    const transport = createRecordingTransport();
    const events = defineEvents(schemas, { transport });
    const receipt = await events.sendEvent("file.uploaded", upload, { delay: "1m" });
    expect(transport.name).toBe("recording");
    expect(transport.subscribe).toBeUndefined();
    expect(receipt).toEqual({
      id: transport.sent[0]!.id,
      name: "file.uploaded",
      timestamp: transport.sent[0]!.timestamp,
      deliverAt: transport.sent[0]!.deliverAt,
      duplicate: false,
    });
    transport.clear();
    expect(transport.sent).toEqual([]);
  });

  it("forwards to another transport: its receipts, subscribers, drain and close", async () => {
    const engine = createEmbeddedEngine();
    const transport = createRecordingTransport({ forward: engine });
    const events = defineEvents(schemas, { transport });
    let ran = 0;
    events.on("file.uploaded", () => void ran++);
    await events.sendEvent("file.uploaded", upload, { id: "x" });
    const again = await events.sendEvent("file.uploaded", upload, { id: "x" });
    await events.drain();
    expect(transport.name).toBe("recording(embedded)");
    expect(again.duplicate).toBe(true);
    expect(transport.sent).toHaveLength(2);
    expect(ran).toBe(1);
    await events.close();
    await expect(events.sendEvent("file.uploaded", upload)).rejects.toThrow(/closed/);
  });
});
