import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../../helpers/postgres.js";
import { assertBuilt, type CliProcess, FIXTURES, ROOT, runCli, startCli } from "./run-cli.js";

// herald dev showing a herald/postgres application: the CLI, the application's worker and the
// database are each their own process; the dashboard's JSON API is read over loopback HTTP.

let server: PostgresServer;
const started: CliProcess[] = [];
const apps: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  assertBuilt();
  server = await startPostgres();
}, 60_000);
afterEach(async () => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
  for (const app of apps.splice(0)) {
    if (app.exitCode !== null) continue;
    app.kill("SIGTERM");
    await new Promise((resolve) => app.once("close", resolve));
  }
});
afterAll(async () => {
  await server?.stop();
});

/** Starts the application's worker (fixtures/postgres-app.ts) and resolves with the id of the event it sent. */
async function startApp(url: string): Promise<string> {
  const app = spawn(process.execPath, ["--import", "tsx", join(FIXTURES, "postgres-app.ts")], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
  });
  apps.push(app);
  let out = "";
  let err = "";
  app.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not send within 30 s\n${out}\n${err}`)), 30_000);
    app.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const sent = /sent (\S+)\n/.exec(out);
      if (sent) {
        clearTimeout(timer);
        resolve(sent[1]!);
      }
    });
    app.on("close", (code) => reject(new Error(`the app exited (${code})\n${out}\n${err}`)));
  });
}

async function startDev(args: string[], url: string): Promise<{ dev: CliProcess; base: string }> {
  const dev = startCli(["dev", ...args, "--port", "0"], { env: { DATABASE_URL: url } });
  started.push(dev);
  const [, base] = await dev.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)\/trigger/, 30_000);
  return { dev, base: base! };
}

async function getJson(url: string): Promise<any> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return response.json();
}

/** Reads `url` until `check` passes on its JSON (the worker and the dashboard each poll). */
async function eventually(url: string, check: (body: any) => boolean, timeoutMs = 20_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // a 404 is "not read from the database yet": the dashboard's monitor polls
    const response = await fetch(url);
    const body = response.status === 404 && Date.now() <= deadline ? undefined : await response.json();
    if (body !== undefined) {
      expect(response.status).toBe(200);
      if (check(body)) return body;
    }
    if (Date.now() > deadline) throw new Error(`${url} never passed the check; last: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("herald dev with a Postgres-backed application", () => {
  it("shows events sent by another process and their runs, read from the database, when the catalog's transport is postgresTransport", async () => {
    const url = await server.createDatabase();
    const sentByApp = await startApp(url);
    const { dev, base } = await startDev([join(FIXTURES, "postgres-catalog.ts")], url);
    expect(dev.stdout()).not.toMatch(/runs are not shown/);

    expect(await getJson(`${base}/api/catalog`)).toMatchObject({ transport: "postgres", history: true });
    const page = await eventually(`${base}/api/events`, (body) =>
      body.events.some((event: any) => event.id === sentByApp && event.status === "failed"),
    );
    expect(page.events.find((event: any) => event.id === sentByApp)).toMatchObject({
      name: "user.created",
      status: "failed",
      runs: { total: 2, succeeded: 1, failed: 1, active: 0 },
    });
    const detail = await getJson(`${base}/api/events/${sentByApp}`);
    expect(detail.event).toMatchObject({ id: sentByApp, payload: { email: "ada@example.com", userId: "bad-1" } });
    expect(Object.fromEntries(detail.runs.map((run: any) => [run.subscriber, run.status]))).toEqual({
      welcome: "succeeded",
      crm: "failed",
    });
    expect(detail.runs.find((run: any) => run.subscriber === "crm")).toMatchObject({
      attempts: 1,
      error: { message: "crm refused bad-1" },
    });

    // sent through herald dev, run by the application's worker, shown and printed as it settles
    const sent = await runCli([
      "send",
      "user.created",
      '{"email":"b@example.com","userId":"good-1"}',
      "--url",
      `${base}/trigger`,
    ]);
    expect(sent.code).toBe(0);
    const [, id] = /id (\S+)/.exec(sent.stdout) ?? [];
    await eventually(`${base}/api/events/${id}`, (body) => body.status === "succeeded" && body.runs.length === 2);
    await dev.waitFor(new RegExp(`→ user\\.created ${id} \\{"email":"b@example\\.com","userId":"good-1"\\}`));
    await dev.waitFor(/✓ welcome user\.created/);
    await dev.waitFor(/✓ crm user\.created/);
    const stats = await getJson(`${base}/api/stats`);
    expect(stats).toMatchObject({ events: 2, succeeded: 1, failed: 1, runs: { succeeded: 3, failed: 1 } });

    dev.child.kill("SIGINT");
    expect(await dev.exited()).toBe(0);
  }, 120_000);

  it("--postgres <url> binds a schemas-only catalog to the database: history from there, sends written there; bad flags and an unreachable database exit cleanly", async () => {
    const url = await server.createDatabase();
    const sentByApp = await startApp(url);
    const { dev, base } = await startDev([join(FIXTURES, "schemas-catalog.ts"), "--postgres", url], url);
    expect(dev.stdout()).toMatch(
      /sending to and reading history from postgres:\/\/postgres@127\.0\.0\.1:\d+\/\S+ \(schema pgboss\)/,
    );
    expect(await getJson(`${base}/api/catalog`)).toMatchObject({ transport: "postgres", history: true });
    await eventually(`${base}/api/events/${sentByApp}`, (body) => body.status === "failed");
    const sent = await runCli([
      "send",
      "user.created",
      '{"email":"c@example.com","userId":"bad-2"}',
      "--url",
      `${base}/trigger`,
    ]);
    const [, id] = /id (\S+)/.exec(sent.stdout) ?? [];
    const detail = await eventually(`${base}/api/events/${id}`, (body) => body.status === "failed");
    expect(detail.runs.find((run: any) => run.subscriber === "crm").error.message).toBe("crm refused bad-2");
    dev.child.kill("SIGTERM");
    expect(await dev.exited()).toBe(0);

    const lone = await runCli(["dev", join(FIXTURES, "schemas-catalog.ts"), "--postgres-schema", "other"]);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toMatch(/--postgres-schema goes with --postgres/);
    const down = await runCli([
      "dev",
      join(FIXTURES, "schemas-catalog.ts"),
      "--postgres",
      "postgres://ada:s3cret@127.0.0.1:9/app",
    ]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(
      /^herald dev: postgres:\/\/ada@127\.0\.0\.1:9\/app: postgres transport: connecting to PostgreSQL failed/,
    );
    expect(down.stderr).not.toContain("s3cret");
  }, 120_000);
});
