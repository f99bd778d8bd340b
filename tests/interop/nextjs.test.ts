/**
 * A real Next.js App Router app built from examples/nextjs as its README tells a user: the example's
 * files copied into an app, herald installed from the packed tarball, next/react/react-dom as this
 * repository pins them (package-lock.json). `next build` runs with no secret in the environment,
 * then `next start` serves the route: through Trigger.dev (the SDK against the loopback stand-in,
 * which checks every body with @trigger.dev/core's schemas) and on the embedded engine.
 * Needs `npm run build` first (the tarball is packed from dist/).
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTrigger, type FakeTrigger } from "../helpers/trigger-server.js";
import { cleanEnv, freePort, type ServerProcess, startServer } from "./helpers/server-process.js";

const root = resolve(import.meta.dirname, "../..");
const nextBin = join(root, "node_modules/next/dist/bin/next");
const seedBody = JSON.stringify({ event: "test.event", payload: { message: "This is a test event" } });
let app = "";
let buildOutput = "";
let buildMs = 0;

// the app lives under the repository, so next, react and zod resolve from its node_modules as pinned
// by package-lock.json (an app of a user's own gets them from `npm install`); herald comes from the tarball
beforeAll(() => {
  if (!existsSync(join(root, "dist/index.js"))) throw new Error("dist/ is missing: run `npm run build` first");
  const work = join(root, ".tmp/interop");
  mkdirSync(work, { recursive: true });
  app = mkdtempSync(join(work, "next-app-"));
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", app], { cwd: root, encoding: "utf8" }),
  ) as { filename: string }[];
  const herald = join(app, "node_modules/herald");
  mkdirSync(herald, { recursive: true });
  execFileSync("tar", ["-xzf", join(app, packed!.filename), "-C", herald, "--strip-components=1"]);
  // what create-next-app writes, less what the route does not need; then the example copied in, as its README says
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "next-app", private: true, scripts: { build: "next build", start: "next start" } }),
  );
  cpSync(join(root, "examples/nextjs"), app, { recursive: true, filter: (path) => !path.endsWith("README.md") });
  const started = performance.now();
  try {
    buildOutput = execFileSync(process.execPath, [nextBin, "build"], {
      cwd: app,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: cleanEnv({ NEXT_TELEMETRY_DISABLED: "1", CI: "1" }),
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`next build failed:\n${stdout}\n${stderr}`);
  }
  buildMs = performance.now() - started;
  // the build's time, and which bundler it used, in the CI log
  console.log(`next build: ${(buildMs / 1000).toFixed(1)} s\n${buildOutput.split("\n").slice(0, 3).join("\n")}`);
}, 300_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

async function nextStart(env: Record<string, string>): Promise<{ url: string; server: ServerProcess }> {
  const port = await freePort();
  const server = await startServer(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: app,
    env: cleanEnv({ NEXT_TELEMETRY_DISABLED: "1", ...env }),
    ready: /Ready in|started server/i,
    timeoutMs: 60_000,
  });
  return { url: `http://127.0.0.1:${port}/api/trigger`, server };
}

function post(url: string, token: string | undefined, body = seedBody): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
}

describe("examples/nextjs in a real Next.js app", () => {
  it("builds with no secret in the environment, the route compiled as a dynamic function", () => {
    expect(buildOutput).toMatch(/\/api\/trigger/);
    expect(readFileSync(join(app, ".next/BUILD_ID"), "utf8")).not.toBe("");
  });

  describe("next start, through Trigger.dev", () => {
    let trigger: FakeTrigger;
    let next: { url: string; server: ServerProcess };
    beforeAll(async () => {
      trigger = await startFakeTrigger();
      next = await nextStart({
        HERALD_TOKEN: "s3cret",
        TRIGGER_API_URL: trigger.url,
        TRIGGER_SECRET_KEY: "tr_dev_interop",
      });
    }, 90_000);
    afterAll(async () => {
      await next?.server.stop();
      await trigger?.close();
    });

    it("answers the seed's curl body with 200 { success, message, result } and a run of the dispatcher", async () => {
      const response = await post(next.url, "s3cret");
      const body = (await response.json()) as { success: boolean; message: string; result: Record<string, unknown> };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ success: true, message: "Event test.event sent", result: { name: "test.event" } });
      expect(body.result.runIds).toHaveLength(1);
      expect(trigger.invalid).toEqual([]);
      expect(trigger.runs).toHaveLength(1);
      expect(trigger.runs[0]).toMatchObject({ taskId: "herald-dispatch" });
      expect(trigger.runs[0]!.payload).toMatchObject({
        name: "test.event",
        payload: { message: "This is a test event" },
      });
    });

    it("refuses a wrong token with 401, and an event outside the allow-list with its own status, sending nothing", async () => {
      const wrong = await post(next.url, "not-the-token");
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toMatchObject({ success: false, code: "UNAUTHENTICATED" });
      const internal = await post(
        next.url,
        "s3cret",
        JSON.stringify({ event: "payment.processed", payload: { amount: 1, currency: "EUR", customerId: "c" } }),
      );
      expect(internal.status).toBeGreaterThanOrEqual(400);
      expect(internal.status).toBeLessThan(500);
      expect(trigger.runs).toHaveLength(1);
    });
  });

  it("runs the same route on the embedded engine with HERALD_TRANSPORT=embedded", async () => {
    const next = await nextStart({ HERALD_TOKEN: "s3cret", HERALD_TRANSPORT: "embedded" });
    try {
      const response = await post(next.url, "s3cret");
      const body = (await response.json()) as { success: boolean; result: Record<string, unknown> };
      expect(response.status, JSON.stringify(body)).toBe(200);
      expect(body).toMatchObject({ success: true, result: { name: "test.event" } });
      expect(body.result).not.toHaveProperty("runIds");
    } finally {
      await next.server.stop();
    }
  }, 90_000);

  it("answers 503 NOT_CONFIGURED, without a stack, when HERALD_TOKEN is missing at request time", async () => {
    const next = await nextStart({ HERALD_TRANSPORT: "embedded" });
    try {
      const response = await post(next.url, "anything");
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(JSON.parse(text)).toEqual({
        success: false,
        error: "Not configured",
        code: "NOT_CONFIGURED",
        message: "HERALD_TOKEN is not set",
      });
      expect(text).not.toMatch(/\bat \S+ \(/);
    } finally {
      await next.server.stop();
    }
  }, 90_000);
});
