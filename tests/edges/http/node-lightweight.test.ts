import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEventHandler, signRequest, toNodeHandler } from "../../../src/http.js";
import { withReplies } from "../../../src/edges/http/fast-path.js";
import { readBody } from "../../../src/edges/http/body.js";
import { CURL_BODY, failingCatalog, recordingCatalog, transportFailure } from "./helpers.js";
import { listen } from "./server.js";

// toNodeHandler gives herald's own handler a lightweight request (no undici Request unless asked for);
// these run herald's handlers on node:http directly, so that path is the one under test
const LIMIT = 4096;
const TOKEN = "tok-for-lightweight-tests";
const { events, transport } = recordingCatalog();
const reported: Request[] = [];
const json = { "content-type": "application/json" };

interface Seen {
  lightweight: boolean;
  instance: boolean;
  tag: string;
  method: string;
  url: string;
  header: string | null;
  text?: string;
  usedAfterRead?: boolean;
  textAfterRead?: string;
}
let seen: Seen | undefined;

const servers: Record<string, { url: string; close: () => Promise<void> }> = {};
beforeAll(async () => {
  servers.open = await listen(toNodeHandler(createEventHandler(events, { auth: "none", maxBodyBytes: LIMIT })));
  servers.bearer = await listen(toNodeHandler(createEventHandler(events, { auth: { token: TOKEN } })));
  // the same handler behind a wrapper: toNodeHandler then takes the genuine Request/Response path
  const bearer = createEventHandler(events, { auth: { token: TOKEN }, maxBodyBytes: LIMIT });
  servers.bearerFast = await listen(toNodeHandler(bearer));
  servers.bearerGenuine = await listen(toNodeHandler((request) => bearer(request)));
  servers.signed = await listen(toNodeHandler(createEventHandler(events, { auth: { secret: "whsec" } })));
  servers.down = await listen(
    toNodeHandler(
      createEventHandler(failingCatalog(transportFailure(true)), {
        auth: "none",
        onError: (_error, request) => void reported.push(request),
      }),
    ),
  );
  // a marked handler that looks at the lightweight request the way user code might
  servers.probe = await listen(
    toNodeHandler(
      withReplies(async (request) => {
        const s: Seen = {
          lightweight: Object.getPrototypeOf(request) !== Request.prototype,
          instance: request instanceof Request,
          tag: Object.prototype.toString.call(request),
          method: request.method,
          url: request.url,
          header: request.headers.get("x-probe"),
        };
        if (request.headers.get("x-mode") === "text") s.text = await request.text();
        else {
          const raw = await readBody(request, LIMIT);
          s.text = new TextDecoder().decode(raw);
          s.usedAfterRead = request.bodyUsed;
          s.textAfterRead = await request.text().then(
            (text) => `read again: ${text}`,
            (error: unknown) => (error instanceof TypeError ? "TypeError" : String(error)),
          );
        }
        seen = s;
        return { status: 200, headers: {}, text: "ok" };
      }),
    ),
  );
});
afterAll(async () => {
  await Promise.all(Object.values(servers).map((s) => s.close()));
});

const post = (server: string, body: BodyInit, headers: Record<string, string> = json): Promise<Response> =>
  fetch(`${servers[server]!.url}/trigger?x=1`, { method: "POST", headers, body });

describe("toNodeHandler with herald's handler (lightweight request)", () => {
  it("sends the curl body and answers the same receipt as on any Web runtime", async () => {
    const response = await post("open", CURL_BODY);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { success: boolean; message: string; result: { name: string } };
    expect(body).toMatchObject({ success: true, message: "Event test.event sent", result: { name: "test.event" } });
    expect(transport.sent.at(-1)?.payload).toEqual({ message: "This is a test event" });
  });

  it("joins a body that arrives in many chunks", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${servers.open!.url}/trigger`, { method: "POST", headers: json }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      for (const piece of CURL_BODY.match(/.{1,7}/g)!) req.write(piece);
      req.end();
    });
    expect(status).toBe(200);
  });

  it("answers 413 and closes the connection while a chunked upload is still being sent", async () => {
    const { status, connection } = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(`${servers.open!.url}/trigger`, {
          method: "POST",
          headers: { ...json, "transfer-encoding": "chunked" },
        });
        req.on("response", (res) => {
          res.resume();
          resolve({ status: res.statusCode!, connection: res.headers.connection });
          req.destroy();
        });
        req.on("error", reject);
        // more than the limit, and never ended: only a limit enforced while reading can answer
        req.write(`{"event":"test.event","payload":{"message":"${"x".repeat(LIMIT * 2)}`);
      },
    );
    expect(status).toBe(413);
    expect(connection).toBe("close");
  });

  it("refuses a declared Content-Length over the limit, and bad JSON, with their codes", async () => {
    const big = await post("open", `{"event":"test.event","payload":{"message":"${"x".repeat(LIMIT)}"}}`);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { code: string }).code).toBe("PAYLOAD_TOO_LARGE");
    const bad = await post("open", "{");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe("INVALID_JSON");
  });

  it("keeps serving after a client goes away in the middle of its body", async () => {
    await new Promise<void>((resolve) => {
      const req = httpRequest(`${servers.open!.url}/trigger`, {
        method: "POST",
        headers: { ...json, "content-length": "1000" },
      });
      req.on("error", () => resolve());
      req.write('{"event":"test.event"');
      setImmediate(() => {
        req.destroy();
        resolve();
      });
    });
    expect((await post("open", CURL_BODY)).status).toBe(200);
  });

  it("checks a bearer token and an HMAC signature as before", async () => {
    expect((await post("bearer", CURL_BODY)).status).toBe(401);
    expect((await post("bearer", CURL_BODY, { ...json, authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const signed = await signRequest("whsec", CURL_BODY);
    expect((await post("signed", CURL_BODY, { ...json, ...signed })).status).toBe(200);
    expect((await post("signed", `${CURL_BODY} `, { ...json, ...signed })).status).toBe(401);
  });

  it("gives onError a genuine Request, with its method, URL and headers", async () => {
    const response = await post("down", CURL_BODY, { ...json, "x-trace": "t1" });
    expect(response.status).toBe(503);
    const request = reported.at(-1)!;
    expect(Object.getPrototypeOf(request)).toBe(Request.prototype);
    expect(request.method).toBe("POST");
    expect(new URL(request.url).pathname).toBe("/trigger");
    expect(request.headers.get("x-trace")).toBe("t1");
    // passes undici's brand check, which a look-alike object fails
    expect(Reflect.get(Request.prototype, "method", request)).toBe("POST");
  });
});

/** Status, headers but the date, and body bytes, as the client receives them. */
function raw(url: string, method: string, headers: Record<string, string>, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/trigger`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const lines = res.rawHeaders.flatMap((v, i, all) =>
          i % 2 === 0 && v.toLowerCase() !== "date" ? [`${v}: ${all[i + 1]}`] : [],
        );
        resolve([String(res.statusCode), ...lines, Buffer.concat(chunks).toString("latin1")].join("\n"));
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the reply written directly", () => {
  const cases: [string, string, Record<string, string>, string | undefined][] = [
    ["no token", "POST", json, CURL_BODY],
    ["bad JSON", "POST", { ...json, authorization: `Bearer ${TOKEN}` }, "{"],
    ["wrong method", "GET", {}, undefined],
    ["too large", "POST", { ...json, authorization: `Bearer ${TOKEN}` }, `{"x":"${"y".repeat(LIMIT)}"}`],
    ["unknown event", "POST", { ...json, authorization: `Bearer ${TOKEN}` }, '{"event":"no.such","payload":{}}'],
  ];
  it.each(cases)("is byte for byte what the genuine Response gives: %s", async (_name, method, headers, body) => {
    const fast = await raw(servers.bearerFast!.url, method, headers, body);
    expect(fast).toBe(await raw(servers.bearerGenuine!.url, method, headers, body));
    expect(fast).toMatch(/^[45]\d\d\n/);
  });
});

describe("the lightweight request itself", () => {
  it("is a Request by instanceof and tag, with the method, URL and headers of the socket's request", async () => {
    await post("probe", "hello", { "x-probe": "p", "x-mode": "text" });
    expect(seen).toMatchObject({
      lightweight: true,
      instance: true,
      tag: "[object Request]",
      method: "POST",
      header: "p",
      text: "hello",
    });
    expect(seen!.url).toBe(`${servers.probe!.url}/trigger?x=1`);
  });

  it("after its body was read directly, is used, and refuses to read it again as a genuine one does", async () => {
    await post("probe", "once", { "x-mode": "read" });
    expect(seen).toMatchObject({ text: "once", usedAfterRead: true, textAfterRead: "TypeError" });
  });
});
