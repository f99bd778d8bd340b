import { CloudEvent, HTTP } from "cloudevents";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fromCloudEvent, toCloudEvent } from "../../src/cloudevents.js";
import { createEmbeddedEngine, defineEvents, type Envelope } from "../../src/index.js";
import { createEventHandler, toNodeHandler } from "../../src/http.js";
import { listen } from "../edges/http/server.js";

// herald against the official CloudEvents JS SDK (cloudevents 10.0.0), in both directions, over real HTTP
const schemas = {
  "invoice.paid": z.object({ invoiceId: z.string(), amount: z.number() }),
  "invoice.voided": z.object({ invoiceId: z.string() }),
};
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

const engine = createEmbeddedEngine();
const events = defineEvents(schemas, { transport: engine });
const received: Envelope[] = [];
events.on("invoice.paid", (_, ctx) => void received.push(ctx.event));
events.on("invoice.voided", (_, ctx) => void received.push(ctx.event));
let server: Awaited<ReturnType<typeof listen>>;

beforeAll(async () => {
  server = await listen(toNodeHandler(createEventHandler(events, { auth: "none" })));
});
afterAll(() => server.close());

const sdkEvent = (id: string, extra: Record<string, unknown> = {}) =>
  new CloudEvent({
    id,
    source: "https://billing.example.com",
    type: "invoice.paid",
    subject: "100% paid",
    time: "2026-03-01T10:00:00.000Z",
    dataschema: "https://billing.example.com/schemas/invoice.paid.json",
    traceparent: TRACEPARENT,
    data: { invoiceId: "inv-1", amount: 42 },
    ...extra,
  });

async function deliver(message: { headers: Record<string, unknown>; body: unknown }): Promise<Response> {
  return fetch(server.url, {
    method: "POST",
    headers: message.headers as Record<string, string>,
    body: message.body as string,
  });
}

async function receivedWith(id: string): Promise<Envelope> {
  await events.drain();
  const envelope = received.find((event) => event.id === id);
  if (!envelope) throw new Error(`no event ${id} was delivered`);
  return envelope;
}

describe("the SDK's HTTP messages into herald's handler", () => {
  it.each([
    ["structured", HTTP.structured],
    ["binary", HTTP.binary],
  ])(
    "%s mode, as the SDK writes it (the subject left unencoded), keeps the producer's attributes",
    async (mode, write) => {
      const id = `sdk-${mode}`;
      const response = await deliver(write(sdkEvent(id)));
      // before, binary mode: 400 "The header ce-subject is not validly percent-encoded"
      expect(response.status, await response.clone().text()).toBe(200);
      const envelope = await receivedWith(id);
      expect(envelope).toMatchObject({ name: "invoice.paid", payload: { invoiceId: "inv-1", amount: 42 } });
      // before: time, source, subject, dataschema and traceparent were dropped
      expect(envelope.attributes).toEqual({
        source: "https://billing.example.com",
        subject: "100% paid",
        time: "2026-03-01T10:00:00.000Z",
        dataschema: "https://billing.example.com/schemas/invoice.paid.json",
        traceparent: TRACEPARENT,
      });
    },
  );

  it("binary mode decodes a percent-encoded attribute as the HTTP binding asks", async () => {
    const { headers, body } = HTTP.binary(sdkEvent("sdk-encoded"));
    const response = await deliver({ headers: { ...headers, "ce-subject": "100%25%20paid" }, body });
    expect(response.status).toBe(200);
    expect((await receivedWith("sdk-encoded")).attributes?.subject).toBe("100% paid");
  });

  it("a batch of SDK events (JSON array, the SDK has no batch writer) is sent whole", async () => {
    const batch = [
      sdkEvent("sdk-batch-1"),
      sdkEvent("sdk-batch-2", { type: "invoice.voided", data: { invoiceId: "i" } }),
    ];
    const response = await deliver({
      headers: { "content-type": "application/cloudevents-batch+json" },
      body: JSON.stringify(batch),
    });
    expect(response.status).toBe(200);
    expect((await receivedWith("sdk-batch-2")).attributes?.traceparent).toBe(TRACEPARENT);
    expect((await receivedWith("sdk-batch-1")).name).toBe("invoice.paid");
  });

  it("an SDK event whose data is invalid is refused with 422, and nothing runs", async () => {
    const response = await deliver(HTTP.binary(sdkEvent("sdk-bad", { data: { invoiceId: 7 } })));
    expect(response.status).toBe(422);
    await events.drain();
    expect(received.some((event) => event.id === "sdk-bad")).toBe(false);
  });
});

describe("SDK instances into fromCloudEvent", () => {
  it("reads a new CloudEvent({...}) (own data_base64: undefined) and what HTTP.toEvent returns", () => {
    const instance = sdkEvent("inst-1");
    // before: INVALID_CLOUD_EVENT "data_base64 is not supported" for every SDK instance
    const envelope = fromCloudEvent(instance);
    expect(envelope).toMatchObject({ id: "inst-1", name: "invoice.paid", payload: { invoiceId: "inv-1", amount: 42 } });
    expect(envelope.attributes).toMatchObject({ subject: "100% paid", traceparent: TRACEPARENT });
    const parsed = HTTP.toEvent(HTTP.binary(instance)) as CloudEvent<unknown>;
    expect(fromCloudEvent(parsed)).toMatchObject({ id: "inst-1", attributes: { subject: "100% paid" } });
  });

  it("still refuses real base64 data", () => {
    const instance = new CloudEvent({ id: "b64", source: "/s", type: "invoice.paid", data: new Uint8Array([1, 2]) });
    expect(() => fromCloudEvent(JSON.parse(JSON.stringify(instance)))).toThrow(/data_base64/);
  });
});

describe("herald's toCloudEvent output, validated by the SDK", () => {
  it("an envelope herald made is a valid SDK CloudEvent, and reads back through HTTP.toEvent", async () => {
    const receipt = await events.send({ name: "invoice.voided", payload: { invoiceId: "v1" } });
    const envelope = await receivedWith(receipt.id);
    const out = toCloudEvent(envelope, { source: "/herald" });
    const sdk = new CloudEvent(out as never);
    expect(sdk.validate()).toBe(true);
    expect(sdk).toMatchObject({ id: receipt.id, type: "invoice.voided", source: "/herald", correlationid: receipt.id });
    const back = HTTP.toEvent(HTTP.structured(sdk)) as CloudEvent<unknown>;
    expect(back.data).toEqual({ invoiceId: "v1" });
  });

  it("an envelope read from an SDK event gives the producer's attributes back out", async () => {
    const envelope = await receivedWith("sdk-binary");
    const out = toCloudEvent(envelope, { source: "/herald" });
    const sdk = new CloudEvent(out as never);
    expect(sdk.validate()).toBe(true);
    expect(sdk).toMatchObject({
      source: "https://billing.example.com",
      subject: "100% paid",
      time: "2026-03-01T10:00:00.000Z",
      dataschema: "https://billing.example.com/schemas/invoice.paid.json",
      traceparent: TRACEPARENT,
    });
    // and the SDK's binary writer takes it as it is
    expect(HTTP.binary(sdk).headers).toMatchObject({ "ce-traceparent": TRACEPARENT, "ce-id": "sdk-binary" });
  });
});

describe("attribute bounds", () => {
  it.each([
    ["a name with a capital letter", { traceParent: "x" }],
    ["a name of 21 characters", { abcdefghijklmnopqrstu: "x" }],
    ["an object value", { meta: { a: 1 } }],
    ["a value of 2,049 characters", { note: "n".repeat(2049) }],
    ["33 extensions", Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`ext${i}`, "v"]))],
  ])("refuses %s with 400 INVALID_CLOUD_EVENT", async (_, extra) => {
    const body = JSON.stringify({
      specversion: "1.0",
      id: "bounded",
      source: "/s",
      type: "invoice.voided",
      data: { invoiceId: "x" },
      ...extra,
    });
    const response = await deliver({ headers: { "content-type": "application/cloudevents+json" }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "INVALID_CLOUD_EVENT" });
  });
});
