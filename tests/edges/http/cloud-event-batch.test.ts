import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createEmbeddedEngine, defineEvents } from "../../../src/index.js";
import { createEventHandler, signRequest, toNodeHandler } from "../../../src/http.js";
import { createRecordingTransport } from "../../../src/testing.js";
import { contractSchemas } from "../../fixtures/contract-schemas.js";
import { failingCatalog, transportFailure } from "./helpers.js";
import { listen } from "./server.js";

const transport = createRecordingTransport();
const events = defineEvents(contractSchemas, { transport });
const engine = createEmbeddedEngine();
const live = defineEvents(contractSchemas, { transport: engine });
const ran: string[] = [];
live.on("user.created", (user, ctx) => void ran.push(`user.created ${ctx.event.id} ${user.firstName}`));
live.on("file.uploaded", (file, ctx) => void ran.push(`file.uploaded ${ctx.event.id} ${file.fileId}`));

const routes: Record<string, (request: Request) => Promise<Response>> = {
  "/open": createEventHandler(events, { auth: "none" }),
  "/allow": createEventHandler(events, { auth: "none", allow: ["user.created", "file.uploaded"] }),
  "/small": createEventHandler(events, { auth: "none", maxBatchEvents: 3, maxBodyBytes: 2_000 }),
  "/token": createEventHandler(events, { auth: { token: "tok-b" } }),
  "/signed": createEventHandler(events, { auth: { secret: "whsec-b" } }),
  "/engine": createEventHandler(live, { auth: "none" }),
  "/down": createEventHandler(failingCatalog(transportFailure(true)), { auth: "none", onError: () => {} }),
};
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  server = await listen(toNodeHandler((request) => routes[new URL(request.url).pathname]!(request)));
});
afterAll(async () => {
  await server.close();
  await live.close();
});
beforeEach(() => transport.clear());

const BATCH = "application/cloudevents-batch+json";
const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": BATCH, ...headers }, body });
const batch = (path: string, members: readonly unknown[], headers?: Record<string, string>) =>
  post(path, JSON.stringify(members), headers);

const ada = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" };
const user = (id: string, data: unknown = ada, extra: object = {}) => ({
  specversion: "1.0",
  id,
  source: "/crm",
  type: "user.created",
  data,
  ...extra,
});
const file = (id: string, fileId = "f-1") => ({
  specversion: "1.0",
  id,
  source: "/files",
  type: "file.uploaded",
  data: { fileId, size: 3 },
});

describe("CloudEvents batch mode (application/cloudevents-batch+json)", () => {
  it("sends every event, in order, and answers with one receipt per event", async () => {
    const response = await batch("/open", [
      user("b-1"),
      file("b-2"),
      user("b-3", { fullName: "Grace Hopper", email: "grace@example.com" }, { schemaversion: 1 }),
    ]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      success: boolean;
      message: string;
      result: { id: string; name: string; duplicate: boolean }[];
    };
    expect(body).toMatchObject({ success: true, message: "3 events sent" });
    expect(body.result.map(({ id, name, duplicate }) => [id, name, duplicate])).toEqual([
      ["b-1", "user.created", false],
      ["b-2", "file.uploaded", false],
      ["b-3", "user.created", false],
    ]);
    expect(transport.sent.map((e) => e.id)).toEqual(["b-1", "b-2", "b-3"]);
    // the v1 member was validated as v1 and upcast, as a single event with schemaversion is
    expect(transport.sent[2]).toMatchObject({
      version: 3,
      payload: { firstName: "Grace", lastName: "Hopper", plan: "free" },
    });
  });

  it("runs the subscribers of every event on the embedded engine, and a resent batch runs nothing twice", async () => {
    const members = [file("e-1", "a"), user("e-2"), file("e-3", "b")];
    expect((await batch("/engine", members)).status).toBe(200);
    await live.drain();
    expect(ran).toEqual(["file.uploaded e-1 a", "user.created e-2 Ada", "file.uploaded e-3 b"]);
    const again = await batch("/engine", members);
    expect(((await again.json()) as { result: { duplicate: boolean }[] }).result.map((r) => r.duplicate)).toEqual([
      true,
      true,
      true,
    ]);
    await live.drain();
    expect(ran).toHaveLength(3);
    expect(engine.history.list().map((record) => [record.event.id, record.status, record.runs.length])).toEqual([
      ["e-3", "succeeded", 1],
      ["e-2", "succeeded", 1],
      ["e-1", "succeeded", 1],
    ]);
  });

  it("answers an empty batch with 200 and no receipts", async () => {
    const response = await post("/open", "[]");
    expect([response.status, await response.json()]).toEqual([
      200,
      { success: true, message: "0 events sent", result: [] },
    ]);
    expect(transport.sent).toEqual([]);
  });

  it("refuses the whole batch when one payload is invalid, and names its index in the validation body", async () => {
    const response = await batch("/open", [
      user("v-1"),
      file("v-2"),
      user("v-3", { ...ada, email: "nope" }),
      user("v-4", { ...ada, email: "also nope" }),
    ]);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      success: false,
      error: "Invalid payload",
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/^Batch event 2: user\.created: email: /),
      event: "user.created",
      issues: [{ path: ["email"], message: expect.any(String) }],
      index: 2,
    });
    expect(transport.sent).toEqual([]);
  });

  it.each([
    ["an unknown event", [user("u-1"), { ...file("u-2"), type: "user.deleted" }], 404, "UNKNOWN_EVENT", 1],
    ["an unknown schema version", [file("u-0"), user("u-1", ada, { schemaversion: 7 })], 422, "UNKNOWN_VERSION", 1],
    [
      "a bad deliverat",
      [file("u-1"), user("u-2"), { ...file("u-3"), deliverat: "soon" }],
      400,
      "INVALID_CLOUD_EVENT",
      2,
    ],
    ["a member without an id", [file("u-1"), { ...user("u-2"), id: undefined }], 400, "INVALID_CLOUD_EVENT", 1],
    ["a member that is not an object", [file("u-1"), "user.created"], 400, "INVALID_CLOUD_EVENT", 1],
    ["binary data", [{ ...file("u-1"), data: undefined, data_base64: "AAAA" }], 400, "INVALID_CLOUD_EVENT", 0],
  ])("refuses a batch with %s: nothing sent, the index named", async (_, members, status, code, index) => {
    const response = await batch("/open", members);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({
      success: false,
      code,
      index,
      message: expect.stringMatching(new RegExp(`^Batch event ${index}: `)),
    });
    expect(transport.sent).toEqual([]);
  });

  it("applies the allow list to every event in the batch", async () => {
    const refused = await batch("/allow", [
      user("a-1"),
      file("a-2"),
      { specversion: "1.0", id: "a-3", source: "/billing", type: "invoice.sent", data: { invoiceId: "i" } },
    ]);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      code: "EVENT_NOT_ALLOWED",
      index: 2,
      message: 'Batch event 2: This endpoint does not accept "invoice.sent"',
    });
    expect(transport.sent).toEqual([]);
    expect((await batch("/allow", [user("a-4"), file("a-5")])).status).toBe(200);
    expect(transport.sent.map((e) => e.id)).toEqual(["a-4", "a-5"]);
  });

  it("answers 400 INVALID_BODY for a body that is not an array, and 400 INVALID_JSON for one that is not JSON", async () => {
    for (const body of [JSON.stringify(user("n-1")), "null", '"[]"', "3"]) {
      const response = await post("/open", body);
      expect([response.status, (await response.json()).code]).toEqual([400, "INVALID_BODY"]);
    }
    for (const body of ["", "[", "[{]"]) {
      const response = await post("/open", body);
      expect([response.status, (await response.json()).code]).toEqual([400, "INVALID_JSON"]);
    }
    expect(transport.sent).toEqual([]);
  });

  it("answers 413 for more events than maxBatchEvents (default 100) or a body over maxBodyBytes", async () => {
    const over = await batch("/small", [file("s-1"), file("s-2"), file("s-3"), file("s-4")]);
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: "The batch has 4 events; this endpoint takes at most 3 per request",
    });
    expect((await batch("/small", [file("s-1"), file("s-2"), file("s-3")])).status).toBe(200);
    const large = await batch("/small", [user("s-5", { ...ada, lastName: "x".repeat(2_000) })]);
    expect([large.status, (await large.json()).code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    const byDefault = await batch(
      "/open",
      Array.from({ length: 101 }, (_, i) => file(`d-${i}`)),
    );
    expect(await byDefault.json()).toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
      message: expect.stringContaining("at most 100"),
    });
    expect(
      (
        await batch(
          "/open",
          Array.from({ length: 100 }, (_, i) => file(`d-${i}`)),
        )
      ).status,
    ).toBe(200);
    expect(transport.sent.map((e) => e.id)).toEqual([
      "s-1",
      "s-2",
      "s-3",
      ...Array.from({ length: 100 }, (_, i) => `d-${i}`),
    ]);
  });

  it("still requires auth: a bearer token, or a signature over the batch's raw body", async () => {
    const members = JSON.stringify([file("t-1"), file("t-2")]);
    expect((await post("/token", members)).status).toBe(401);
    expect((await post("/token", members, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await post("/signed", members)).status).toBe(401);
    expect(transport.sent).toEqual([]);
    expect((await post("/token", members, { authorization: "Bearer tok-b" })).status).toBe(200);
    expect((await post("/signed", members, await signRequest("whsec-b", members))).status).toBe(200);
    expect(transport.sent.map((e) => e.id)).toEqual(["t-1", "t-2", "t-1", "t-2"]);
  });

  it("refuses an Idempotency-Key header: each CloudEvent's id is its own key", async () => {
    const response = await batch("/open", [file("k-1")], { "idempotency-key": "k" });
    expect([response.status, (await response.json()).code]).toEqual([400, "INVALID_OPTIONS"]);
    expect(transport.sent).toEqual([]);
  });

  it("answers a transport failure for the whole batch, with no index", async () => {
    const response = await batch("/down", [
      { specversion: "1.0", id: "x-1", source: "/s", type: "test.event", data: { message: "m" } },
    ]);
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ code: "TRANSPORT_FAILED", retryable: true });
    expect(body).not.toHaveProperty("index");
  });
});
