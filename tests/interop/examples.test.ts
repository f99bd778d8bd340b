/**
 * The examples folder, run as a user runs it (`npx tsx examples/<name>/server.ts`), each server a
 * child process on 127.0.0.1 with an ephemeral port, hit over real HTTP: Hono on
 * @hono/node-server, Express 5, Fastify 5 and plain node:http with HMAC signatures.
 */
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signRequest } from "../../src/http.js";
import { cleanEnv, type ServerProcess, startServer } from "./helpers/server-process.js";

const root = resolve(import.meta.dirname, "../..");
const tsx = join(root, "node_modules/tsx/dist/cli.mjs");
const LISTENING = /on (http:\/\/127\.0\.0\.1:\d+)(\/\S+)/;

async function startExample(
  name: string,
  env: Record<string, string>,
): Promise<{ url: string; server: ServerProcess }> {
  const server = await startServer(process.execPath, [tsx, `examples/${name}/server.ts`], {
    cwd: root,
    env: cleanEnv({ PORT: "0", NODE_ENV: "development", ...env }),
    ready: LISTENING,
    timeoutMs: 60_000,
  });
  const [, origin, path] = LISTENING.exec(server.output())!;
  return { url: `${origin}${path}`, server };
}

/** Resolves once the server has printed `pattern` (its subscriber ran), or fails after `ms`. */
async function printed(server: ServerProcess, pattern: RegExp, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!pattern.test(server.output())) {
    if (Date.now() > until) throw new Error(`never printed ${pattern}:\n${server.output()}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

const order = JSON.stringify({ event: "order.placed", payload: { orderId: "o1", total: 42 } });

describe.each(["hono", "express", "fastify"])("examples/%s, served over real HTTP", (name) => {
  let example: { url: string; server: ServerProcess };
  const auth = { authorization: "Bearer t0ken" };
  beforeAll(async () => {
    example = await startExample(name, { HERALD_TOKEN: "t0ken" });
  }, 90_000);
  afterAll(() => example?.server.stop());

  it("accepts an event with the right token: 200 { success, message, result }, and its subscriber runs", async () => {
    const response = await post(example.url, order, auth);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      success: true,
      message: "Event order.placed sent",
      result: { name: "order.placed", id: expect.any(String) },
    });
    await printed(example.server, /order o1 placed: 42/);
  });

  it("refuses a wrong token (401), a bad payload (422), bad JSON (400) and a body past 1 MiB (413), never a 500", async () => {
    const cases: [string, Record<string, string>, number, string][] = [
      [order, { authorization: "Bearer nope" }, 401, "UNAUTHENTICATED"],
      [
        JSON.stringify({ event: "order.placed", payload: { orderId: "o2", total: -1 } }),
        auth,
        422,
        "VALIDATION_FAILED",
      ],
      ['{"event":', auth, 400, "INVALID_JSON"],
      [
        JSON.stringify({ event: "order.placed", payload: { orderId: "x".repeat(1_100_000), total: 1 } }),
        auth,
        413,
        "PAYLOAD_TOO_LARGE",
      ],
    ];
    for (const [body, headers, status, code] of cases) {
      const response = await post(example.url, body, headers);
      const text = await response.text();
      expect(response.status, text).toBe(status);
      expect(JSON.parse(text)).toMatchObject({ success: false, code });
      expect(text).not.toMatch(/\bat \S+ \(/);
    }
    expect(example.server.output()).not.toMatch(/order o2/);
  });

  it("leaves the rest of the app working", async () => {
    const response = await fetch(example.url.replace(/\/events$/, "/"));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/POST events to \/events/);
  });
});

describe("examples/node-http, HMAC-signed", () => {
  let example: { url: string; server: ServerProcess };
  beforeAll(async () => {
    example = await startExample("node-http", { HERALD_SECRET: "s3cret" });
  }, 90_000);
  afterAll(() => example?.server.stop());

  it("accepts a body signed with signRequest, chains file.processed, and refuses an unsigned or wrongly signed one", async () => {
    const body = JSON.stringify({ event: "file.uploaded", payload: { fileId: "f1", filename: "a.png" } });
    const signed = await post(example.url, body, await signRequest("s3cret", body));
    expect(signed.status, await signed.clone().text()).toBe(200);
    await printed(example.server, /f1: success \(caused by /);
    expect((await post(example.url, body)).status).toBe(401);
    expect((await post(example.url, body, await signRequest("other", body))).status).toBe(401);
  });
});
