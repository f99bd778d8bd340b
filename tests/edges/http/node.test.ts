import { request as httpRequest } from "node:http";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventHandler, type EventRequestHandler, signRequest, toNodeHandler } from "../../../src/http.js";
import { CURL_BODY, failingCatalog, recordingCatalog, transportFailure } from "./helpers.js";
import { listen } from "./server.js";

const TOKEN = "s3cret-token-for-tests";
const LIMIT = 4096;
const { events, transport } = recordingCatalog();
const secured = createEventHandler(events, {
  auth: { token: TOKEN },
  allow: ["test.event", "user.created"],
  maxBodyBytes: LIMIT,
});
const signed = createEventHandler(events, { auth: { secret: "whsec" } });
const open = createEventHandler(events, { auth: "none" });
const broken = (retryable: boolean): EventRequestHandler =>
  createEventHandler(failingCatalog(transportFailure(retryable)), { auth: "none", onError: () => {} });

// the same routes twice: on node:http through toNodeHandler, and in Hono through c.req.raw
function route(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === "/signed") return signed(request);
  if (path === "/open") return open(request);
  if (path === "/down") return broken(true)(request);
  if (path === "/gone") return broken(false)(request);
  return secured(request);
}
const hono = new Hono();
hono.all("/:path", (c) => route(c.req.raw));

const servers: Record<string, { url: string; close: () => Promise<void> }> = {};
beforeAll(async () => {
  servers["node:http"] = await listen(toNodeHandler(route));
  // Hono served by node:http as well, so both go over a real loopback socket
  servers.hono = await listen(toNodeHandler(hono.fetch));
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

const auth = { authorization: `Bearer ${TOKEN}` };
const json = { "content-type": "application/json" };

const cases: [string, string, RequestInit, number, string | undefined][] = [
  ["the curl body", "/trigger", { method: "POST", headers: { ...json, ...auth }, body: CURL_BODY }, 200, undefined],
  ["malformed JSON", "/trigger", { method: "POST", headers: { ...json, ...auth }, body: "{" }, 400, "INVALID_JSON"],
  [
    "a body that is not an object",
    "/trigger",
    { method: "POST", headers: { ...json, ...auth }, body: "[]" },
    400,
    "INVALID_BODY",
  ],
  [
    "no event",
    "/trigger",
    { method: "POST", headers: { ...json, ...auth }, body: '{"payload":{}}' },
    400,
    "MISSING_FIELDS",
  ],
  ["no token", "/trigger", { method: "POST", headers: json, body: CURL_BODY }, 401, "UNAUTHENTICATED"],
  [
    "an id that is not a string",
    "/open",
    { method: "POST", headers: json, body: '{"event":"test.event","payload":{"message":"m"},"id":7}' },
    400,
    "INVALID_EVENT_ID",
  ],
  [
    "an unknown event",
    "/open",
    { method: "POST", headers: json, body: '{"event":"user.deleted","payload":{}}' },
    404,
    "UNKNOWN_EVENT",
  ],
  [
    "an event not allowed",
    "/trigger",
    { method: "POST", headers: { ...json, ...auth }, body: '{"event":"payment.processed","payload":{}}' },
    403,
    "EVENT_NOT_ALLOWED",
  ],
  ["a wrong method", "/trigger", { method: "GET", headers: auth }, 405, "METHOD_NOT_ALLOWED"],
  [
    "a declared body too large",
    "/trigger",
    {
      method: "POST",
      headers: { ...json, ...auth },
      body: JSON.stringify({ event: "test.event", payload: { message: "x".repeat(LIMIT) } }),
    },
    413,
    "PAYLOAD_TOO_LARGE",
  ],
  [
    "a wrong content type",
    "/trigger",
    { method: "POST", headers: { "content-type": "text/plain", ...auth }, body: CURL_BODY },
    415,
    "UNSUPPORTED_MEDIA_TYPE",
  ],
  [
    "an invalid payload",
    "/trigger",
    { method: "POST", headers: { ...json, ...auth }, body: '{"event":"user.created","payload":{"email":"x"}}' },
    422,
    "VALIDATION_FAILED",
  ],
  [
    "an invalid delay",
    "/trigger",
    {
      method: "POST",
      headers: { ...json, ...auth },
      body: '{"event":"test.event","payload":{"message":"m"},"delay":"soon"}',
    },
    422,
    "INVALID_DELAY",
  ],
  ["a transport that is down", "/down", { method: "POST", headers: json, body: CURL_BODY }, 503, "TRANSPORT_FAILED"],
  [
    "a transport that refused for good",
    "/gone",
    { method: "POST", headers: json, body: CURL_BODY },
    502,
    "TRANSPORT_FAILED",
  ],
];

describe.each(["node:http", "hono"])("over real HTTP on 127.0.0.1 (%s)", (name) => {
  it.each(cases)("%s", async (_, path, init, status, code) => {
    const response = await fetch(`${servers[name]!.url}${path}`, init);
    const body = (await response.json()) as { code?: string; success: boolean };
    expect(response.status).toBe(status);
    expect(body.code).toBe(code);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("a signed request passes, and the same request replayed with another body fails", async () => {
    const headers = { ...json, ...(await signRequest("whsec", CURL_BODY)) };
    expect((await fetch(`${servers[name]!.url}/signed`, { method: "POST", headers, body: CURL_BODY })).status).toBe(
      200,
    );
    expect(
      (
        await fetch(`${servers[name]!.url}/signed`, {
          method: "POST",
          headers,
          body: CURL_BODY.replace("test", "TEST"),
        })
      ).status,
    ).toBe(401);
  });
});

describe("toNodeHandler", () => {
  it("answers 413 while a chunked upload is still being sent, without waiting for its end", async () => {
    const { url } = servers["node:http"]!;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/trigger`, {
        method: "POST",
        headers: { ...json, ...auth, "transfer-encoding": "chunked" },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode!);
        req.destroy();
      });
      req.on("error", reject);
      // more than the limit, and the request is never ended: only a limit enforced while reading can answer
      req.write(`{"event":"test.event","payload":{"message":"${"x".repeat(LIMIT * 2)}`);
    });
    expect(status).toBe(413);
  });

  it("answers 405 for a method undici refuses to build a Request for", async () => {
    const { url } = servers["node:http"]!;
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/trigger`, { method: "TRACE" }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(405);
  });

  it("delivered exactly the accepted events", () => {
    // per server: the curl body plus the signed one
    expect(transport.sent.map((e) => e.name)).toEqual(["test.event", "test.event", "test.event", "test.event"]);
  });
});
