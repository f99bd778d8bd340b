import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { defineEvents, InvalidOptionsError } from "../../../src/index.js";
import { createEventHandler, type ErrorBody, type EventSentBody } from "../../../src/http.js";
import { createRecordingTransport } from "../../../src/testing.js";
import { CURL_BODY, failingCatalog, jsonRequest, recordingCatalog, schemas, transportFailure } from "./helpers.js";

const open = { auth: "none" } as const;

// either body, read loosely: each test asserts which one it got
type AnyBody = Omit<ErrorBody, "success" | "message"> & Omit<EventSentBody, "success"> & { success: boolean };

async function call(
  handler: (request: Request) => Promise<Response>,
  request: Request,
): Promise<{ status: number; body: AnyBody; response: Response }> {
  const response = await handler(request);
  return { status: response.status, body: (await response.json()) as AnyBody, response };
}

describe("createEventHandler: success", () => {
  it("sends the documented curl body and answers 200 { success, message, result }", async () => {
    const { events, transport } = recordingCatalog();
    const { status, body, response } = await call(createEventHandler(events, open), jsonRequest(CURL_BODY));
    expect(status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(body).toMatchObject({
      success: true,
      message: "Event test.event sent",
      result: { name: "test.event", duplicate: false },
    });
    expect(transport.sent).toHaveLength(1);
    expect(transport.sent[0]).toMatchObject({
      name: "test.event",
      payload: { message: "This is a test event" },
      id: body.result.id,
    });
  });

  it("delivers the schema's output (defaults applied) and passes delay and deliverAt on", async () => {
    const { events, transport } = recordingCatalog();
    const handler = createEventHandler(events, open);
    await call(handler, jsonRequest({ event: "order.placed", payload: { orderId: "o1" }, delay: "1h" }));
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const { body } = await call(
      handler,
      jsonRequest({ event: "order.placed", payload: { orderId: "o2" }, deliverAt: at }),
    );
    expect(transport.sent[0]!.payload).toEqual({ orderId: "o1", quantity: 1 });
    expect(Date.parse(transport.sent[0]!.deliverAt!) - Date.parse(transport.sent[0]!.timestamp)).toBe(3_600_000);
    expect(body.result.deliverAt).toBe(at);
  });

  it("accepts an event with no payload when its schema allows one, and null options as absent", async () => {
    const { events, transport } = recordingCatalog();
    const { status } = await call(
      createEventHandler(events, open),
      jsonRequest({ event: "cache.flushed", delay: null, id: null }),
    );
    expect(status).toBe(200);
    expect(transport.sent[0]!.payload).toBeUndefined();
  });

  it("uses the Idempotency-Key header as the event id, and the engine drops the repeat", async () => {
    const events = defineEvents(schemas);
    const handler = createEventHandler(events, open);
    const request = () => jsonRequest(CURL_BODY, { "idempotency-key": "order-42" });
    const first = await call(handler, request());
    const second = await call(handler, request());
    expect(first.body.result).toMatchObject({ id: "order-42", duplicate: false });
    expect(second.body.result).toMatchObject({ id: "order-42", duplicate: true });
    await events.close();
  });

  it.each([0, "0s", { seconds: 0 }])("takes the delay %j as now", async (delay) => {
    const { events, transport } = recordingCatalog();
    const { status } = await call(
      createEventHandler(events, open),
      jsonRequest({ event: "test.event", payload: { message: "m" }, delay }),
    );
    expect(status).toBe(200);
    expect(transport.sent[0]!.deliverAt).toBeUndefined();
  });

  it("validates once: the schema runs one time per request, in the catalog's send", async () => {
    const check = vi.fn((value: { n: number }) => value.n > 0);
    const transport = createRecordingTransport();
    const events = defineEvents({ "count.seen": z.object({ n: z.number() }).refine(check) }, { transport });
    const { status } = await call(
      createEventHandler(events, open),
      jsonRequest({ event: "count.seen", payload: { n: 1 } }),
    );
    expect(status).toBe(200);
    expect(check).toHaveBeenCalledTimes(1);
  });

  it("sends through the catalog's public send(), so a catalog from withTransport() works alike", async () => {
    const transport = createRecordingTransport();
    const events = defineEvents(schemas).withTransport(transport);
    const send = vi.spyOn(events, "send");
    await call(createEventHandler(events, open), jsonRequest(CURL_BODY));
    expect(send).toHaveBeenCalledWith({ name: "test.event", payload: { message: "This is a test event" } });
    expect(transport.sent).toHaveLength(1);
  });
});

describe("createEventHandler: every refusal has its status and code, and sends nothing", () => {
  const cases: [string, () => Request, number, string][] = [
    ["GET", () => new Request("http://x/trigger"), 405, "METHOD_NOT_ALLOWED"],
    ["PUT", () => new Request("http://x/trigger", { method: "PUT", body: CURL_BODY }), 405, "METHOD_NOT_ALLOWED"],
    [
      "a form body",
      () => new Request("http://x/trigger", { method: "POST", body: new URLSearchParams({ event: "test.event" }) }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    [
      "no content type",
      () => new Request("http://x/trigger", { method: "POST", body: new Blob([CURL_BODY]) }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ],
    ["malformed JSON", () => jsonRequest('{"event":"test.event",'), 400, "INVALID_JSON"],
    ["an empty body", () => jsonRequest(""), 400, "INVALID_JSON"],
    [
      "invalid UTF-8",
      () =>
        new Request("http://x/trigger", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: new Uint8Array([0x22, 0xff, 0x22]),
        }),
      400,
      "INVALID_JSON",
    ],
    ["an array", () => jsonRequest([CURL_BODY]), 400, "INVALID_BODY"],
    ["a string", () => jsonRequest('"test.event"'), 400, "INVALID_BODY"],
    ["null", () => jsonRequest("null"), 400, "INVALID_BODY"],
    [
      "an unknown field",
      () => jsonRequest({ event: "test.event", payload: { message: "m" }, dealy: "1h" }),
      400,
      "INVALID_BODY",
    ],
    ["a numeric event", () => jsonRequest({ event: 7, payload: {} }), 400, "INVALID_BODY"],
    ["no event", () => jsonRequest({ payload: { message: "m" } }), 400, "MISSING_FIELDS"],
    [
      "an empty id",
      () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: "" }),
      400,
      "INVALID_EVENT_ID",
    ],
    [
      "a header id that differs from the body's",
      () => jsonRequest({ event: "test.event", payload: { message: "m" }, id: "a" }, { "idempotency-key": "b" }),
      400,
      "INVALID_OPTIONS",
    ],
    ["an unknown event", () => jsonRequest({ event: "user.deleted", payload: {} }), 404, "UNKNOWN_EVENT"],
    [
      "an invalid payload",
      () => jsonRequest({ event: "user.created", payload: { email: "nope", userId: 1 } }),
      422,
      "VALIDATION_FAILED",
    ],
    [
      "a negative delay",
      () => jsonRequest({ event: "test.event", payload: { message: "m" }, delay: { hours: -1 } }),
      422,
      "INVALID_DELAY",
    ],
    [
      "both delay and deliverAt",
      () =>
        jsonRequest({ event: "test.event", payload: { message: "m" }, delay: "1h", deliverAt: "2030-01-01T00:00:00Z" }),
      422,
      "INVALID_DELAY",
    ],
    ...["constructor", "toString", "__proto__", "hasOwnProperty"].map(
      (key): [string, () => Request, number, string] => [
        `a delay keyed ${key} (inherited from Object.prototype)`,
        // written as text: an object literal's __proto__ would set the prototype, JSON.parse makes an own key
        () => jsonRequest(`{"event":"test.event","payload":{"message":"m"},"delay":{"${key}":1}}`),
        422,
        "INVALID_DELAY",
      ],
    ),
    [
      "a delay past the maximum",
      () => jsonRequest({ event: "test.event", payload: { message: "m" }, delay: "400d" }),
      422,
      "INVALID_DELAY",
    ],
  ];
  it.each(cases)("%s", async (_, request, status, code) => {
    const { events, transport } = recordingCatalog();
    const result = await call(createEventHandler(events, open), request());
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ success: false, code, error: expect.any(String), message: expect.any(String) });
    expect(JSON.stringify(result.body)).not.toMatch(/\n\s+at /);
    expect(transport.sent).toHaveLength(0);
  });

  it("answers 405 with an Allow header", async () => {
    const { events } = recordingCatalog();
    const { response } = await call(
      createEventHandler(events, open),
      new Request("http://x/trigger", { method: "DELETE" }),
    );
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("reports missing fields as the design documents them: { error: 'Missing required fields', missing }", async () => {
    const { events } = recordingCatalog();
    const { body } = await call(createEventHandler(events, open), jsonRequest({ payload: {} }));
    expect(body).toMatchObject({ error: "Missing required fields", code: "MISSING_FIELDS", missing: ["event"] });
  });

  it("lists every failing path of an invalid payload", async () => {
    const { events } = recordingCatalog();
    const { body } = await call(
      createEventHandler(events, open),
      jsonRequest({ event: "user.created", payload: { email: "nope", userId: 1 } }),
    );
    expect(body.event).toBe("user.created");
    expect(body.issues?.map((issue) => issue.path)).toEqual([["email"], ["userId"]]);
    expect(body.message).toContain("email");
  });

  it("accepts application/*+json and a charset parameter", async () => {
    const { events } = recordingCatalog();
    const handler = createEventHandler(events, open);
    for (const type of ["application/json; charset=utf-8", "application/vnd.herald+json", "Application/JSON"]) {
      expect((await handler(jsonRequest(CURL_BODY, { "content-type": type }))).status).toBe(200);
    }
  });
});

describe("createEventHandler: allow list", () => {
  it("answers 403 EVENT_NOT_ALLOWED for a catalog event the endpoint does not accept, and for unknown names", async () => {
    const { events, transport } = recordingCatalog();
    const handler = createEventHandler(events, { auth: "none", allow: ["test.event"] });
    expect(
      (await call(handler, jsonRequest({ event: "user.created", payload: { email: "a@b.co", userId: "u" } }))).body
        .code,
    ).toBe("EVENT_NOT_ALLOWED");
    expect((await call(handler, jsonRequest({ event: "user.deleted", payload: {} }))).status).toBe(403);
    expect((await call(handler, jsonRequest(CURL_BODY))).status).toBe(200);
    expect(transport.sent.map((e) => e.name)).toEqual(["test.event"]);
  });
});

describe("createEventHandler: failures past the client", () => {
  it.each([
    [true, 503],
    [false, 502],
  ])(
    "a transport failure (retryable %s) is %i with retryable, and its message stays in onError",
    async (retryable, status) => {
      const onError = vi.fn();
      const failure = transportFailure(retryable);
      const result = await call(
        createEventHandler(failingCatalog(failure), { auth: "none", onError }),
        jsonRequest(CURL_BODY),
      );
      expect(result.status).toBe(status);
      expect(result.body).toMatchObject({ code: "TRANSPORT_FAILED", retryable });
      expect(JSON.stringify(result.body)).not.toMatch(/hunter2|10\.0\.0\.7|ECONNREFUSED/);
      expect(onError).toHaveBeenCalledWith(failure, expect.any(Request));
    },
  );

  it("a non-herald error thrown by a transport is a retryable 503 (the catalog wraps it)", async () => {
    const result = await call(
      createEventHandler(failingCatalog(new Error("socket hang up")), { auth: "none", onError: () => {} }),
      jsonRequest(CURL_BODY),
    );
    expect(result.status).toBe(503);
    expect(JSON.stringify(result.body)).not.toContain("socket hang up");
  });

  it("a schema that throws (a bug, not the client's) is a 500 with no detail, reported to onError", async () => {
    const broken = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: () => {
          throw new TypeError("secret internals");
        },
      },
    } as const;
    const onError = vi.fn();
    const events = defineEvents({ "bug.found": broken }, { transport: createRecordingTransport() });
    const result = await call(
      createEventHandler(events, { auth: "none", onError }),
      jsonRequest({ event: "bug.found", payload: {} }),
    );
    expect(result.status).toBe(500);
    expect(result.body).toMatchObject({ code: "INTERNAL_ERROR" });
    expect(JSON.stringify(result.body)).not.toContain("secret internals");
    expect(onError).toHaveBeenCalledOnce();
  });

  it("an onError that throws does not change the response", async () => {
    const handler = createEventHandler(failingCatalog(transportFailure(true)), {
      auth: "none",
      onError: () => {
        throw new Error("logger down");
      },
    });
    expect((await handler(jsonRequest(CURL_BODY))).status).toBe(503);
  });
});

describe("createEventHandler: options", () => {
  it("refuses to build without auth (secure by default)", () => {
    const { events } = recordingCatalog();
    expect(() => createEventHandler(events, {} as never)).toThrow(InvalidOptionsError);
    expect(() => createEventHandler(events, undefined as never)).toThrow(/auth/);
    expect(() => createEventHandler(events, { auth: { token: "" } })).toThrow(InvalidOptionsError);
    expect(() => createEventHandler(events, { auth: { token: "a", secret: "b" } as never })).toThrow(/not both/);
    expect(() => createEventHandler(events, { auth: "open" as never })).toThrow(InvalidOptionsError);
  });

  it("refuses an allow list naming an event the catalog lacks, and a bad body limit", () => {
    const { events } = recordingCatalog();
    expect(() => createEventHandler(events, { auth: "none", allow: ["user.deleted" as never] })).toThrow(
      /user\.deleted/,
    );
    expect(() => createEventHandler(events, { auth: "none", maxBodyBytes: 0 })).toThrow(InvalidOptionsError);
    expect(() => createEventHandler({} as never, { auth: "none" })).toThrow(/defineEvents/);
  });
});
