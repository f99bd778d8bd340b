import { connect } from "node:net";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventHandler, signRequest } from "../../../src/http.js";
import { CURL_BODY, recordingCatalog } from "./helpers.js";

// herald's handler mounted in a Hono app served by @hono/node-server, as docs/http.md shows it:
// the body of Hono's lightweight request is read through its arrayBuffer() when node's parser
// bounds it by Content-Length, and counted from request.body otherwise
const LIMIT = 4096;
const TOKEN = "tok-for-hono-tests";
const { events, transport } = recordingCatalog();
const json = { "content-type": "application/json" };

/** Per request: whether @hono/node-server built undici's Request (its private "requestCache" slot). */
const builtGenuine: boolean[] = [];
const genuineBuilt = (raw: Request): boolean =>
  Object.getOwnPropertySymbols(raw).some(
    (symbol) => symbol.description === "requestCache" && (raw as unknown as Record<symbol, unknown>)[symbol],
  );

let server: ServerType;
let base = "";
beforeAll(async () => {
  const open = createEventHandler(events, { auth: "none", maxBodyBytes: LIMIT });
  const bearer = createEventHandler(events, { auth: { token: TOKEN }, maxBodyBytes: LIMIT });
  const signed = createEventHandler(events, { auth: { secret: "whsec" }, maxBodyBytes: LIMIT });
  const app = new Hono();
  app.post("/trigger", async (c) => {
    const response = await open(c.req.raw);
    builtGenuine.push(genuineBuilt(c.req.raw));
    return response;
  });
  app.post("/bearer", (c) => bearer(c.req.raw));
  app.post("/signed", (c) => signed(c.req.raw));
  // a middleware that understates the length on the request's own headers: the parser's length still rules
  app.post("/lowered", (c) => {
    c.req.raw.headers.set("content-length", "10");
    return open(c.req.raw);
  });
  // a route that reads the body with Hono before handing the request on
  app.post("/read-first", async (c) => {
    await c.req.text();
    return open(c.req.raw);
  });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    (server as unknown as { closeAllConnections(): void }).closeAllConnections();
  });
});

const post = (path: string, body: BodyInit, headers: Record<string, string> = json): Promise<Response> =>
  fetch(`${base}${path}`, { method: "POST", headers, body });

/** Writes `raw` on a fresh connection and returns everything the server answered before closing it. */
function rawExchange(raw: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("close", () => resolve(answer));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" ? resolve(answer) : reject(error),
    );
    socket.end(raw);
  });
}

/** A chunked upload of more than the limit that is never ended: only a limit counted while reading can answer. */
function endlessChunkedUpload(path: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: "POST", headers: { ...json, "transfer-encoding": "chunked" } });
    req.on("response", (res) => {
      res.resume();
      resolve({ status: res.statusCode!, connection: res.headers.connection });
      req.destroy();
    });
    req.on("error", reject);
    req.write(`{"event":"test.event","payload":{"message":"${"x".repeat(LIMIT * 2)}`);
  });
}

describe("herald's handler mounted in Hono on @hono/node-server", () => {
  it("sends the curl body without building undici's Request", async () => {
    const response = await post("/trigger", CURL_BODY);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: true, result: { name: "test.event" } });
    expect(transport.sent.at(-1)?.payload).toEqual({ message: "This is a test event" });
    expect(builtGenuine.at(-1)).toBe(false);
  });

  it("reads a chunked body (no Content-Length) from the stream, within the limit", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${base}/trigger`, { method: "POST", headers: json }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      for (const piece of CURL_BODY.match(/.{1,7}/g)!) req.write(piece);
      req.end();
    });
    expect(status).toBe(200);
    // no length to trust: the counted stream read it, through the genuine request
    expect(builtGenuine.at(-1)).toBe(true);
  });

  it("answers 413 and closes the connection while a chunked upload is still being sent", async () => {
    expect(await endlessChunkedUpload("/trigger")).toEqual({ status: 413, connection: "close" });
  });

  it("does not trust a Content-Length a middleware set on the request's headers", async () => {
    // the parser saw no length (chunked): had the lowered header been trusted, arrayBuffer() would wait for the end forever
    expect(await endlessChunkedUpload("/lowered")).toEqual({ status: 413, connection: "close" });
  });

  it("refuses a declared Content-Length over the limit before reading", async () => {
    const response = await post("/trigger", `{"event":"test.event","payload":{"message":"${"x".repeat(LIMIT)}"}}`);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("takes only Content-Length bytes as the body when more are sent: the rest is node's 400, never buffered", async () => {
    const before = transport.sent.length;
    const body = `{"event":"test.event","payload":{"message":"short"}}`;
    const answer = await rawExchange(
      `POST /trigger HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}${"x".repeat(LIMIT * 4)}`,
    );
    // the declared bytes are one whole request; what follows is not HTTP, and node refuses it with a 400
    expect(answer).toMatch(/^HTTP\/1\.1 (200|400) /);
    expect(answer).not.toMatch(/ 413 /);
    const sent = transport.sent.slice(before);
    expect(sent.every((envelope) => JSON.stringify(envelope.payload) === '{"message":"short"}')).toBe(true);
  });

  it("never reaches the handler with both Content-Length and Transfer-Encoding (node refuses the request)", async () => {
    const before = builtGenuine.length;
    const answer = await rawExchange(
      `POST /trigger HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n${(LIMIT * 2).toString(16)}\r\n${"x".repeat(LIMIT * 2)}\r\n0\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(builtGenuine.length).toBe(before);
  });

  it("answers 400 INVALID_BODY for a body Hono has already read", async () => {
    const response = await post("/read-first", CURL_BODY);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("INVALID_BODY");
  });

  it("checks a bearer token and an HMAC signature over the bytes read", async () => {
    expect((await post("/bearer", CURL_BODY)).status).toBe(401);
    expect((await post("/bearer", CURL_BODY, { ...json, authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const signature = await signRequest("whsec", CURL_BODY);
    expect((await post("/signed", CURL_BODY, { ...json, ...signature })).status).toBe(200);
    expect((await post("/signed", `${CURL_BODY} `, { ...json, ...signature })).status).toBe(401);
  });

  it("keeps serving after a client goes away in the middle of its body", async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${base}/trigger`, { method: "POST", headers: { ...json, "content-length": "1000" } });
      req.on("error", () => resolve());
      req.write('{"event":"test.event"');
      setImmediate(() => {
        req.destroy();
        resolve();
      });
    });
    expect((await post("/trigger", CURL_BODY)).status).toBe(200);
  });
});
