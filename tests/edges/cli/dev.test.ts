import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, type CliProcess, FIXTURES, runCli, startCli } from "./run-cli.js";

beforeAll(assertBuilt);

const started: CliProcess[] = [];
afterEach(() => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill("SIGKILL");
});

async function startDev(fixture: string, ...args: string[]): Promise<{ dev: CliProcess; url: string }> {
  const dev = startCli(["dev", join(FIXTURES, fixture), "--port", "0", ...args]);
  started.push(dev);
  const [, url] = await dev.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/trigger)/);
  return { dev, url: url! };
}

describe("herald dev + herald send, as child processes", () => {
  it("serves a TypeScript catalog with no build step, takes the README's curl body and herald send, prints events and runs, and stops on SIGINT", async () => {
    const { dev, url } = await startDev("dev-catalog.ts");
    expect(dev.stdout()).toContain("4 events");

    // the README's curl call, exactly: POST, Content-Type: application/json, no auth
    const curl = await fetch(url.replace("127.0.0.1", "localhost"), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"event":"test.event","payload":{"message":"This is a test event"}}',
    });
    expect(curl.status).toBe(200);
    expect(await curl.json()).toMatchObject({ success: true, message: "Event test.event sent" });
    await dev.waitFor(/→ test\.event \S+ \{"message":"This is a test event"\}/);
    await dev.waitFor(/✓ logMessage test\.event/);

    const sent = await runCli(["send", "file.uploaded", '{"fileId":"f1","filename":"a.png"}', "--url", url]);
    expect(sent.stderr).toBe("");
    expect(sent.code).toBe(0);
    const [, id] = sent.stdout.match(/^Event file\.uploaded sent: id (\S+)\n$/) ?? [];
    expect(id).toBeDefined();
    // the event, its chained child (linked back to it), and the chain's run
    await dev.waitFor(new RegExp(`→ file\\.uploaded ${id} \\{"fileId":"f1","filename":"a\\.png"\\}`));
    await dev.waitFor(
      new RegExp(`→ file\\.processed ${id}/0 ← ${id} \\{"fileId":"f1","processingResult":"success"\\}`),
    );
    await dev.waitFor(/✓ file\.uploaded->file\.processed/);

    const failing = await runCli(["send", "job.broken", "-", "--url", url], { stdin: '{"jobId":"j1"}' });
    expect(failing.code).toBe(0);
    await dev.waitFor(/✗ alwaysFails job\.broken failed.*the job is broken/);

    const invalid = await runCli(["send", "test.event", '{"message":1}', "--url", url]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/422 VALIDATION_FAILED: test\.event: message: /);
    await dev.waitFor(/✗ POST \/trigger 422 VALIDATION_FAILED/);

    expect(dev.stdout()).not.toMatch(/\u001B\[/); // not a TTY: no colour
    dev.child.kill("SIGINT");
    expect(await dev.exited()).toBe(0);
    expect(dev.stdout()).toContain("herald dev: stopping");
  });

  it("serves a JavaScript catalog's default export, and stops on SIGTERM", async () => {
    const { dev, url } = await startDev("plain-catalog.mjs");
    const sent = await runCli(["send", "ping.sent", '{"n":1}', "--url", url, "--id", "ping-1"]);
    expect(sent.stdout).toMatch(/id ping-1/);
    await dev.waitFor(/→ ping\.sent ping-1 \{"n":1\}/);
    await dev.waitFor(/ping\.sent: no subscribers/);
    const again = await runCli(["send", "ping.sent", '{"n":1}', "--url", url, "--id", "ping-1"]);
    expect(again.stdout).toMatch(/duplicate/);
    const notFound = await fetch(url.replace("/trigger", "/elsewhere"), { method: "POST" });
    expect(notFound.status).toBe(404);
    dev.child.kill("SIGTERM");
    expect(await dev.exited()).toBe(0);
  });

  it("colours its output when told to (FORCE_COLOR), as on a terminal", async () => {
    const dev = startCli(["dev", join(FIXTURES, "dev-catalog.ts"), "--port", "0"], { env: { FORCE_COLOR: "1" } });
    started.push(dev);
    const [, url] = await dev.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/trigger)/);
    await runCli(["send", "test.event", '{"message":"hi"}', "--url", url!]);
    await dev.waitFor(/\u001B\[36m→\u001B\[39m/);
    dev.child.kill("SIGINT");
    expect(await dev.exited()).toBe(0);
  });

  it("exits 3 when the port is taken, and 2 for a module with no catalog or a missing file", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = await runCli(["dev", join(FIXTURES, "dev-catalog.ts"), "--port", String(port)]);
      expect(taken.code).toBe(3);
      expect(taken.stderr).toMatch(/port is in use/);
    } finally {
      blocker.close();
    }
    const empty = await runCli(["dev", join(FIXTURES, "no-catalog.ts")]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/exports no catalog/);
    const missing = await runCli(["dev", "nowhere/events.ts"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No such file/);
    const broken = join(tmpdir(), `herald-broken-${process.pid}.ts`);
    writeFileSync(broken, "export const events = ;\n");
    const syntax = await runCli(["dev", broken]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/Could not load/);
  });
});
