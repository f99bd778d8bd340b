import { request } from "node:http";
import { connect } from "node:net";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { defineEvents } from "../../../src/index.js";
import { type DevServer, type DevServerTimeouts, startDevServer } from "../../../src/edges/cli/dev-server.js";
import { rawRequest } from "./dashboard/http.js";

const servers: DevServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function catalog() {
  const events = defineEvents({
    "any.thing": z.object({ data: z.unknown() }),
    "job.broken": z.object({ jobId: z.string() }),
  });
  events.on("job.broken", function alwaysFails(payload) {
    const error = new Error(`broken \u001b[2J\u009b31m ${payload.jobId}\nforged line`) as Error & {
      retryable: boolean;
    };
    error.retryable = false;
    throw error;
  });
  return events;
}

async function serve(timeouts?: Partial<DevServerTimeouts>) {
  const events = catalog();
  const lines: string[] = [];
  const server = await startDevServer({
    catalog: events,
    port: 0,
    log: (line) => lines.push(line),
    colour: false,
    ...(timeouts ? { timeouts } : {}),
  });
  servers.push(server);
  return { base: server.dashboardUrl.slice(0, -1), events, lines };
}

// C0, DEL, C1 and the bidi overrides: none may reach the terminal raw
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("herald dev's server against hostile clients, over loopback HTTP", () => {
  it("refuses a foreign Host on every path, POST /trigger included (DNS rebinding), and sends nothing", async () => {
    const { base, events } = await serve();
    const body = JSON.stringify({ event: "any.thing", payload: { data: 1 } });
    for (const [method, path] of [
      ["POST", "/trigger"],
      ["GET", "/"],
      ["GET", "/api/events"],
      ["GET", "/api/stream"],
      ["POST", "/api/events/x/replay"],
      ["GET", "/elsewhere"],
    ] as const) {
      for (const host of ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil.example"]) {
        const answer = await rawRequest(`${base}${path}`, {
          method,
          headers: { host, "content-type": "application/json" },
          ...(method === "POST" ? { body } : {}),
        });
        expect(answer.status, `${method} ${path} Host: ${host}`).toBe(403);
        expect(JSON.parse(answer.body)).toMatchObject({ code: "HOST_NOT_ALLOWED" });
      }
    }
    expect(events.transport.name).toBe("embedded");
    expect((events.transport as unknown as { history: { list(): unknown[] } }).history.list()).toEqual([]);
    for (const host of [new URL(base).host, `localhost:${new URL(base).port}`, "[::1]"]) {
      const ok = await rawRequest(`${base}/trigger`, {
        method: "POST",
        headers: { host, "content-type": "application/json" },
        body,
      });
      expect(ok.status, host).toBe(200);
    }
  });

  it("answers Expect: 100-continue only once the request would be accepted", async () => {
    const { base } = await serve();
    const attempt = (host: string) =>
      new Promise<{ continued: boolean; status: number }>((resolve, reject) => {
        let continued = false;
        const req = request(`${base}/trigger`, {
          method: "POST",
          headers: { host, "content-type": "application/json", expect: "100-continue" },
        });
        req.on("continue", () => {
          continued = true;
          req.end(JSON.stringify({ event: "any.thing", payload: { data: 1 } }));
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve({ continued, status: res.statusCode ?? 0 }));
        });
        req.on("error", reject);
        req.flushHeaders();
      });
    expect(await attempt("evil.example")).toEqual({ continued: false, status: 403 });
    expect(await attempt(new URL(base).host)).toEqual({ continued: true, status: 200 });
  });

  it("closes a stalled request body within requestTimeout, and stalled headers within headersTimeout", async () => {
    const { base } = await serve({ headersMs: 400, requestMs: 800, keepAliveMs: 300 });
    const { port } = new URL(base);
    const closedAfter = (write: string) =>
      new Promise<number>((resolve, reject) => {
        const started = performance.now();
        const socket = connect(Number(port), "127.0.0.1", () => socket.write(write));
        socket.on("error", () => {});
        socket.on("close", () => resolve(performance.now() - started));
        socket.resume();
        setTimeout(() => reject(new Error("still open after 5 s")), 5_000).unref();
      });
    const body = await closedAfter(
      `POST /trigger HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"event":`,
    );
    // Node checks every connectionsCheckingInterval (set to at most 1 s), so allow one interval past the bound
    expect(body).toBeGreaterThanOrEqual(700);
    expect(body).toBeLessThan(2_500);
    const headers = await closedAfter(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
    expect(headers).toBeLessThan(2_000);
    // an idle keep-alive connection closes after keepAliveMs
    const idle = await closedAfter(`GET /api/catalog HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(idle).toBeLessThan(1_500);
  });

  it("never answers 500 to bad input under /api/: percent-encoding, a huge bucketMs, a 100,000-deep payload", async () => {
    const { base, lines } = await serve();
    for (const path of ["/api/events/%E0%A4%A", "/api/events/%", "/api/%ZZ", "/api/events/%C0%80/replay"]) {
      const answer = await rawRequest(`${base}${path}`, { method: path.endsWith("replay") ? "POST" : "GET" });
      expect(answer.status, path).toBeLessThan(500);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
    }
    const stats = await fetch(`${base}/api/stats?bucketMs=9007199254740991&buckets=240`);
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { timeline: { bucketMs: number } }).timeline.bucketMs).toBe(86_400_000);

    const depth = 100_000;
    // no id: a client-chosen id is fingerprinted for conflicts, and a payload this deep is refused there (400)
    const deep = `{"event":"any.thing","payload":{"data":${"[".repeat(depth)}${"]".repeat(depth)}}}`;
    const sent = await fetch(`${base}/trigger`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: deep,
    });
    expect(sent.status).toBe(200);
    const id = ((await sent.json()) as { result: { id: string } }).result.id;
    await expect.poll(() => lines.find((line) => line.startsWith(`→ any.thing ${id}`))).toBeDefined();
    expect(lines.find((line) => line.startsWith(`→ any.thing ${id}`))).toMatch(/nested deeper than 1000 levels/);
    const detail = await fetch(`${base}/api/events/${id}`);
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({
      event: { id, payload: "(not shown: nested deeper than 1000 levels)" },
      payloadHidden: true,
    });
    const replay = await fetch(`${base}/api/events/${id}/replay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ code: "INVALID_BODY", message: expect.stringMatching(/deeper than/) });
  });

  it("keeps the newest 100 refused requests for the dashboard, each cut to size, and lists them newest first", async () => {
    const { base } = await serve();
    const post = (body: string) =>
      fetch(`${base}/trigger`, { method: "POST", headers: { "content-type": "application/json" }, body });
    await post(JSON.stringify({ event: "any.thing", payload: { data: 1 }, delay: "soon" }));
    for (let i = 0; i < 105; i++) await post(JSON.stringify({ event: `no.such${i}`, payload: {} }));
    await post(JSON.stringify({ event: `x.${"y".repeat(5_000)}`, payload: {} }));
    await post(JSON.stringify({ event: "job.broken", payload: { jobId: 1 } }));
    const { refusals } = (await (await fetch(`${base}/api/refusals`)).json()) as {
      refusals: { status: number; code: string; message: string; issues?: { path: string }[] }[];
    };
    expect(refusals).toHaveLength(100);
    expect(refusals[0]).toMatchObject({ status: 422, code: "VALIDATION_FAILED", issues: [{ path: "jobId" }] });
    expect(refusals[1]).toMatchObject({ status: 404, code: "UNKNOWN_EVENT" });
    expect(refusals[1]!.message.length).toBeLessThanOrEqual(500);
    expect(refusals.at(-1)!.message).toContain("no.such7");
  });

  it("escapes control characters in every line it prints: ids, payloads, errors, refusals", async () => {
    const { base, events, lines } = await serve();
    // in process, where no HTTP check stands in the way: an id and payload carrying escapes
    await events.sendEvent("any.thing", { data: "\u001b[2J\u009b2J\u202e" }, { id: "in-process" });
    await events.sendEvent("job.broken", { jobId: "j\u001b]0;title\u0007" });
    await events.drain();
    // over HTTP: C1 characters survive JSON.stringify, so an echoed name reaches the refusal line
    await fetch(`${base}/trigger`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: "evil\u009b2J.name\u001b", payload: {} }),
    });
    await expect.poll(() => lines.some((line) => line.startsWith("✗ POST /trigger 404"))).toBe(true);
    await expect.poll(() => lines.some((line) => line.includes("alwaysFails"))).toBe(true);
    for (const line of lines) expect(line, JSON.stringify(line)).not.toMatch(CONTROL);
    const failed = lines.find((line) => line.includes("alwaysFails"))!;
    expect(failed).toContain("broken \\x1b[2J\\x9b31m j\\x1b]0;title\\x07\\nforged line");
    // JSON.stringify writes C0 as \u001b itself; C1 and bidi overrides it leaves raw, so they are escaped here
    expect(lines.join("\n")).toContain("\\u001b[2J\\x9b2J\\u202e");
    expect(lines.find((line) => line.startsWith("✗ POST /trigger 404"))).toContain("\\x9b2J");
  });
});
