import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCloudEvent } from "../../../src/cloudevents.js";
import { defineEvents, type Envelope } from "../../../src/index.js";
import { createEventHandler, signRequest, toNodeHandler } from "../../../src/http.js";
import { createRecordingTransport } from "../../../src/testing.js";
import { contractSchemas } from "../../fixtures/contract-schemas.js";
import { listen } from "./server.js";

const transport = createRecordingTransport();
const events = defineEvents(contractSchemas, { transport });
const open = createEventHandler(events, { auth: "none", allow: ["user.created", "file.uploaded"] });
const signed = createEventHandler(events, { auth: { secret: "whsec" } });
const all = createEventHandler(events, { auth: "none" });
let server: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  const routes: Record<string, (request: Request) => Promise<Response>> = { "/signed": signed, "/all": all };
  server = await listen(toNodeHandler((request) => (routes[new URL(request.url).pathname] ?? open)(request)));
});
afterAll(() => server.close());

const ada = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" };
const post = (headers: Record<string, string>, body?: string, path = "/trigger") =>
  fetch(`${server.url}${path}`, { method: "POST", headers, ...(body === undefined ? {} : { body }) });
const structured = (event: object, path?: string) =>
  post({ "content-type": "application/cloudevents+json; charset=utf-8" }, JSON.stringify(event), path);
const binary = (headers: Record<string, string>, data?: unknown) =>
  post(
    {
      "ce-specversion": "1.0",
      "ce-source": "/accounts",
      ...headers,
      ...(data === undefined ? {} : { "content-type": "application/json" }),
    },
    data === undefined ? undefined : JSON.stringify(data),
  );

describe("CloudEvents over HTTP, structured mode (application/cloudevents+json)", () => {
  it("sends the event named by type, with the CloudEvent's id as the event id, and answers as for herald's own body", async () => {
    transport.clear();
    const response = await structured({
      specversion: "1.0",
      id: "ce-1",
      source: "https://crm.example.com",
      type: "user.created",
      data: ada,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      success: true,
      message: "Event user.created sent",
      result: { id: "ce-1", name: "user.created", duplicate: false },
    });
    expect(transport.sent).toMatchObject([
      { id: "ce-1", name: "user.created", payload: { ...ada, plan: "free" }, version: 3 },
    ]);
  });

  it("round-trips what toCloudEvent writes, and upcasts an older schemaversion", async () => {
    transport.clear();
    const old: Envelope = {
      id: "ce-old",
      name: "user.created",
      payload: { fullName: "Grace Hopper", email: "grace@example.com" },
      timestamp: new Date().toISOString(),
      correlationId: "ce-old",
      version: 1,
    };
    const response = await structured(toCloudEvent(old, { source: "/legacy" }));
    expect(response.status).toBe(200);
    expect(transport.sent).toMatchObject([
      {
        id: "ce-old",
        payload: { firstName: "Grace", lastName: "Hopper", email: "grace@example.com", plan: "free" },
        version: 3,
      },
    ]);
  });

  it("answers 400 INVALID_CLOUD_EVENT for a malformed event, 422 for an invalid payload, 404 and 403 as for herald's body", async () => {
    const missingId = await structured({ specversion: "1.0", source: "/s", type: "user.created", data: ada });
    expect([missingId.status, (await missingId.json()).code]).toEqual([400, "INVALID_CLOUD_EVENT"]);
    const invalid = await structured({
      specversion: "1.0",
      id: "x",
      source: "/s",
      type: "user.created",
      data: { ...ada, email: "nope" },
    });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ code: "VALIDATION_FAILED", issues: [{ path: ["email"] }] });
    const unknown = await structured({ specversion: "1.0", id: "x", source: "/s", type: "user.deleted" }, "/all");
    expect([unknown.status, (await unknown.json()).code]).toEqual([404, "UNKNOWN_EVENT"]);
    const notAllowed = await structured({
      specversion: "1.0",
      id: "x",
      source: "/s",
      type: "invoice.sent",
      data: { invoiceId: "i" },
    });
    expect([notAllowed.status, (await notAllowed.json()).code]).toEqual([403, "EVENT_NOT_ALLOWED"]);
    const future = await structured({
      specversion: "1.0",
      id: "x",
      source: "/s",
      type: "user.created",
      data: ada,
      schemaversion: 9,
    });
    expect([future.status, (await future.json()).code]).toEqual([422, "UNKNOWN_VERSION"]);
    const badJson = await post({ "content-type": "application/cloudevents+json" }, "{");
    expect([badJson.status, (await badJson.json()).code]).toEqual([400, "INVALID_JSON"]);
  });

  it("checks signatures over the CloudEvent's raw body", async () => {
    const body = JSON.stringify({
      specversion: "1.0",
      id: "ce-signed",
      source: "/s",
      type: "file.uploaded",
      data: { fileId: "f", size: 1 },
    });
    const ok = await post(
      { "content-type": "application/cloudevents+json", ...(await signRequest("whsec", body)) },
      body,
      "/signed",
    );
    expect(ok.status).toBe(200);
    const unsigned = await post({ "content-type": "application/cloudevents+json" }, body, "/signed");
    expect(unsigned.status).toBe(401);
  });
});

describe("CloudEvents over HTTP, binary mode (ce-* headers, the data as the body)", () => {
  it("reads the attributes from ce- headers (percent-decoded) and the payload from the JSON body", async () => {
    transport.clear();
    const response = await binary(
      { "ce-id": "bin%2F1", "ce-type": "user.created", "ce-time": "2026-01-01T00:00:00Z" },
      ada,
    );
    expect(response.status).toBe(200);
    expect(transport.sent).toMatchObject([{ id: "bin/1", name: "user.created", payload: { ...ada, plan: "free" } }]);
  });

  it("takes the schema version and the due time from herald's extensions", async () => {
    transport.clear();
    const deliverAt = new Date(Date.now() + 3_600_000).toISOString();
    const response = await binary(
      { "ce-id": "bin-2", "ce-type": "user.created", "ce-schemaversion": "1", "ce-deliverat": deliverAt },
      { fullName: "Alan Turing", email: "alan@example.com" },
    );
    expect(response.status).toBe(200);
    expect(transport.sent).toMatchObject([
      { id: "bin-2", deliverAt, version: 3, payload: { firstName: "Alan", lastName: "Turing" } },
    ]);
  });

  it("treats the Idempotency-Key header as the same id, and refuses one that differs", async () => {
    const same = await binary(
      { "ce-id": "bin-3", "ce-type": "file.uploaded", "idempotency-key": "bin-3" },
      { fileId: "f", size: 1 },
    );
    expect(same.status).toBe(200);
    const again = await binary({ "ce-id": "bin-3", "ce-type": "file.uploaded" }, { fileId: "f", size: 1 });
    expect(again.status).toBe(200);
    const differs = await binary(
      { "ce-id": "bin-4", "ce-type": "file.uploaded", "idempotency-key": "other" },
      { fileId: "f", size: 1 },
    );
    expect([differs.status, (await differs.json()).code]).toEqual([400, "INVALID_OPTIONS"]);
  });

  it("answers 400 for a missing attribute or a malformed header, 415 for data that is not JSON", async () => {
    const noType = await binary({ "ce-id": "x" }, ada);
    expect(await noType.json()).toMatchObject({ code: "INVALID_CLOUD_EVENT", message: expect.stringMatching(/type/) });
    const badEncoding = await binary({ "ce-id": "%E0%A4%A", "ce-type": "user.created" }, ada);
    expect([badEncoding.status, (await badEncoding.json()).code]).toEqual([400, "INVALID_CLOUD_EVENT"]);
    const xml = await post(
      {
        "ce-specversion": "1.0",
        "ce-id": "x",
        "ce-source": "/s",
        "ce-type": "user.created",
        "content-type": "application/xml",
      },
      "<user/>",
    );
    expect([xml.status, (await xml.json()).code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
  });

  it("accepts an event without data (no body, no content type) and lets the schema decide", async () => {
    const response = await binary({ "ce-id": "bin-empty", "ce-type": "file.uploaded" });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: "VALIDATION_FAILED", event: "file.uploaded" });
  });
});

describe("herald's own body takes a version too", () => {
  it("upcasts { event, payload, version } before sending", async () => {
    transport.clear();
    const response = await post(
      { "content-type": "application/json" },
      JSON.stringify({
        event: "user.created",
        payload: { fullName: "Ada Lovelace", email: "ada@example.com" },
        version: 1,
      }),
    );
    expect(response.status).toBe(200);
    expect(transport.sent).toMatchObject([{ payload: { ...ada, plan: "free" }, version: 3 }]);
    const bad = await post(
      { "content-type": "application/json" },
      JSON.stringify({ event: "user.created", payload: ada, version: "2" }),
    );
    expect([bad.status, (await bad.json()).code]).toEqual([422, "UNKNOWN_VERSION"]);
  });
});
