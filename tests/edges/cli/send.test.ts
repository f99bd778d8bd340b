import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defineEvents } from "../../../src/index.js";
import { createEventHandler, toNodeHandler } from "../../../src/http.js";
import { createRecordingTransport } from "../../../src/testing.js";
import { contractSchemas } from "../../fixtures/contract-schemas.js";
import { failingCatalog, recordingCatalog, transportFailure } from "../http/helpers.js";
import { listen } from "../http/server.js";
import { assertBuilt, runCli, startCli } from "./run-cli.js";

const { events, transport } = recordingCatalog();
// user.created has three schema versions: v1 { fullName, email }, v2 split the name, v3 added a plan
const versioned = createRecordingTransport();
const contract = defineEvents(contractSchemas, { transport: versioned });
const servers: Record<string, { url: string; close: () => Promise<void> }> = {};

beforeAll(async () => {
  assertBuilt();
  servers.token = await listen(toNodeHandler(createEventHandler(events, { auth: { token: "tok-123" } })));
  servers.signed = await listen(toNodeHandler(createEventHandler(events, { auth: { secret: "whsec-1" } })));
  servers.down = await listen(
    toNodeHandler(createEventHandler(failingCatalog(transportFailure(true)), { auth: "none", onError: () => {} })),
  );
  servers.versioned = await listen(toNodeHandler(createEventHandler(contract, { auth: { token: "tok-v" } })));
  servers.html = await listen((_, res) => res.writeHead(404, { "content-type": "text/html" }).end("<h1>nope</h1>"));
});
afterAll(async () => Promise.all(Object.values(servers).map((s) => s.close())));

describe("herald send", () => {
  it("sends with a bearer token (flag or HERALD_TOKEN), and exits 1 without it", async () => {
    const url = servers.token!.url;
    expect((await runCli(["send", "test.event", '{"message":"a"}', "--url", url, "--token", "tok-123"])).code).toBe(0);
    expect(
      (await runCli(["send", "test.event", '{"message":"b"}'], { env: { HERALD_URL: url, HERALD_TOKEN: "tok-123" } }))
        .code,
    ).toBe(0);
    const refused = await runCli(["send", "test.event", '{"message":"c"}', "--url", url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/401 UNAUTHENTICATED/);
    expect(
      transport.sent.filter((e) => e.name === "test.event").map((e) => (e.payload as { message: string }).message),
    ).toEqual(["a", "b"]);
  });

  it("signs with --secret, and exits 1 with the wrong one", async () => {
    const url = servers.signed!.url;
    expect(
      (await runCli(["send", "test.event", '{"message":"signed"}', "--url", url, "--secret", "whsec-1"])).code,
    ).toBe(0);
    expect(
      (await runCli(["send", "test.event", '{"message":"forged"}', "--url", url, "--secret", "whsec-2"])).code,
    ).toBe(1);
  });

  it("with --secret, --id goes inside the signed body, so the server takes it (an unsigned header alone is refused)", async () => {
    const url = servers.signed!.url;
    const args = ["send", "test.event", '{"message":"keyed"}', "--url", url, "--secret", "whsec-1", "--id", "cli-7"];
    const sent = await runCli(args);
    expect(sent.code, sent.stderr).toBe(0);
    expect(transport.sent.filter((e) => e.id === "cli-7")).toHaveLength(1);
  });

  it("reads the payload from @file, sends --delay, and prints the raw answer with --json", async () => {
    const file = join(tmpdir(), `herald-payload-${process.pid}.json`);
    writeFileSync(file, '{ "orderId": "o-9" }');
    const result = await runCli([
      "send",
      "order.placed",
      `@${file}`,
      "--url",
      servers.token!.url,
      "--token",
      "tok-123",
      "--delay",
      '{"minutes":5}',
      "--json",
    ]);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as { result: { deliverAt: string; timestamp: string } };
    expect(Date.parse(answer.result.deliverAt) - Date.parse(answer.result.timestamp)).toBe(300_000);
    expect(transport.sent.at(-1)!.payload).toEqual({ orderId: "o-9", quantity: 1 });
  });

  it("exits 3 when the endpoint is down (503) or unreachable, and 1 for a non-herald 404", async () => {
    const down = await runCli(["send", "test.event", '{"message":"x"}', "--url", servers.down!.url]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/503 TRANSPORT_FAILED[\s\S]*retryable/);
    const closed = await listen(() => {});
    await closed.close();
    const unreachable = await runCli(["send", "test.event", "--url", closed.url]);
    expect(unreachable.code).toBe(3);
    // the URL and the cause, not fetch's bare "fetch failed"
    const { port } = new URL(closed.url);
    expect(unreachable.stderr).toBe(
      `herald send: could not reach ${closed.url}/: connect ECONNREFUSED 127.0.0.1:${port} (is the server running?)\n`,
    );
    const html = await runCli(["send", "test.event", "--url", servers.html!.url]);
    expect(html.code).toBe(1);
    expect(html.stderr).toMatch(/HTTP 404 .*is it a herald endpoint/);
  });

  it("sends --schema-version: a v1 payload is accepted as v1 and delivered upcast to the newest", async () => {
    versioned.clear();
    const v1 = '{"fullName":"Ada Lovelace","email":"ada@example.com"}';
    const result = await runCli([
      "send",
      "user.created",
      v1,
      "--schema-version",
      "1",
      "--url",
      servers.versioned!.url,
      "--token",
      "tok-v",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Event user.created sent: id \S+/);
    expect(versioned.sent).toMatchObject([
      {
        name: "user.created",
        version: 3,
        payload: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "free" },
      },
    ]);
  });

  it("without --schema-version a v1 payload is checked against the newest schema and refused (exit 1), and an unknown version is 422 UNKNOWN_VERSION", async () => {
    versioned.clear();
    const v1 = '{"fullName":"Grace Hopper","email":"grace@example.com"}';
    const latest = await runCli(["send", "user.created", v1, "--url", servers.versioned!.url, "--token", "tok-v"]);
    expect(latest.code).toBe(1);
    expect(latest.stderr).toMatch(/422 VALIDATION_FAILED[\s\S]*firstName/);
    const unknown = await runCli([
      "send",
      "user.created",
      v1,
      "--schema-version",
      "4",
      "--url",
      servers.versioned!.url,
      "--token",
      "tok-v",
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/422 UNKNOWN_VERSION: user.created: no schema version 4; it has versions 1 to 3/);
    expect(versioned.sent).toEqual([]);
  });

  it.each([
    [["send", "test.event", "--schema-version", "0"], /--schema-version must be a whole number from 1, got "0"/],
    [["send", "test.event", "--schema-version", "x"], /--schema-version must be a whole number from 1, got "x"/],
    [["send", "test.event", "--schema-version", "1.5"], /--schema-version must be a whole number/],
    [["send", "test.event", "--schema-version=-1"], /--schema-version must be a whole number from 1, got "-1"/],
    [
      ["send", "test.event", "--schema-version", "-1"],
      /^herald send: Option '--schema-version' needs a value: write --schema-version=<value> for one that starts with "-"$/m,
    ],
    [
      ["send", "test.event", "--schema-version", "--timeout", "5"],
      /^herald send: Option '--schema-version' needs a value: write --schema-version=<value>/m,
    ],
    [["send", "test.event", "--schema-version"], /argument missing/],
    // the old name fails loudly, whether or not it has a value, and points at both meanings
    [["send", "test.event", "--version", "1"], /--version is now --schema-version <n>.*herald --version/],
    [["send", "--version"], /--version is now --schema-version <n>/],
    [["send", "test.event", "--version=2"], /--version is now --schema-version <n>/],
    // an id the endpoint would refuse, refused before anything is sent: a usage error, not "could not reach"
    [
      ["send", "test.event", "--id", "a\nb"],
      /--id: an event id may hold only visible ASCII characters; found U\+000A at 1/,
    ],
    [["send", "test.event", "--id", "a\u001b[2Jb"], /--id: .*U\+001B at 1/],
    [["send", "test.event", "--id", "x".repeat(256)], /--id: an event id must be at most 255 characters/],
    [["send", "test.event", "--id="], /--id: an event id must not be empty/],
    [["send"], /needs an event name/],
    [["send", "test.event", "{not json"], /not valid JSON/],
    [["send", "test.event", "@/nonexistent/payload.json"], /Cannot read the payload file/],
    [["send", "test.event", "--url", "ftp://x"], /http or https/],
    [["send", "test.event", "--token", "a", "--secret", "b"], /not both/],
    [["send", "test.event", "--bogus"], /Unknown option '--bogus'/],
    [["send", "test.event", "{}", "extra"], /Unexpected argument/],
    [["send", "test.event", "--timeout", "soon"], /--timeout must be a whole number/],
    [["launch"], /unknown command "launch"/],
  ])("exits 2 with a clear message for %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    // Node's own hints ("To specify…", "Did you forget…") are cut: one short line, then the usage
    expect(result.stderr).not.toMatch(/To specify|Did you forget/);
  });
});

describe("herald send against endpoints that are not herald, or never answer", () => {
  const others: { url: string; close: () => Promise<void> }[] = [];
  afterAll(async () => Promise.all(others.map((s) => s.close())));
  const serve = async (listener: Parameters<typeof listen>[0]) => {
    const server = await listen(listener);
    others.push(server);
    return server.url;
  };

  it("exits 1 when a 200 is not herald's receipt (text, or other JSON), never 'Event sent'", async () => {
    const answers = [
      ["text/plain", "OK"],
      ["text/html", "<h1>Welcome</h1>"],
      ["application/json", '{"ok":true}'],
      ["application/json", '{"success":true,"result":{}}'],
    ] as const;
    const runs = answers.flatMap(([type, body]) =>
      [[], ["--json"]].map(async (json) => {
        const url = await serve((_, res) => res.writeHead(200, { "content-type": type }).end(body));
        return { body, result: await runCli(["send", "test.event", "--url", url, ...json]) };
      }),
    );
    for (const { body, result } of await Promise.all(runs)) {
      expect([result.code, result.stdout], body).toEqual([1, ""]);
      expect(result.stderr).toMatch(/HTTP 200 from .* is not a herald receipt \(is it a herald endpoint\?\)/);
    }
  }, 60_000);

  it("escapes control characters in what a hostile endpoint answers", async () => {
    const url = await serve((_, res) =>
      res.writeHead(422, { "content-type": "application/json" }).end(
        JSON.stringify({
          code: "VALIDATION_FAILED",
          message: "bad \u009b2J\u001b]0;owned\u0007",
          issues: [{ path: ["a\u001bb"], message: "x\u009b" }],
        }),
      ),
    );
    const result = await runCli(["send", "test.event", "--url", url]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(result.stderr).toContain("bad \\x9b2J\\x1b]0;owned\\x07");
    expect(result.stderr).toContain("a\\x1bb: x\\x9b");
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("stops on the first %s while the endpoint never answers (exit %d)", async (signal, expected) => {
    let arrived!: () => void;
    const request = new Promise<void>((resolve) => (arrived = resolve));
    const url = await serve(() => arrived()); // reads nothing, answers nothing
    const cli = startCli(["send", "test.event", "{}", "--url", url, "--timeout", "60000"]);
    await request;
    const sent = performance.now();
    cli.child.kill(signal);
    expect(await cli.exited()).toBe(expected);
    expect(performance.now() - sent).toBeLessThan(1_000);
    expect(cli.stderr()).toBe(`herald send: stopped by ${signal}\n`);
  });
});

describe("herald --help", () => {
  it.each([[["--help"]], [["send", "--help"]], [["dev", "-h"]], [["help", "send"]]])(
    "%j prints help with the exit codes and exits 0",
    async (args) => {
      const result = await runCli(args);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Exit codes:\n {2}0 +done.*\n {2}1 [^]*\n {2}2 .*\n {2}3 [^]*\n {2}130 /);
    },
  );

  it("documents --schema-version in herald --help and herald send --help", async () => {
    expect((await runCli(["--help"])).stdout).toMatch(/--schema-version <n>: the payload's schema version/);
    expect((await runCli(["send", "--help"])).stdout).toMatch(
      /--schema-version <n> the payload's schema version, from 1/,
    );
  });

  it("prints the package version when run through a .bin symlink, as npx runs it", async () => {
    const { execFile } = await import("node:child_process");
    const { mkdtempSync, mkdirSync, symlinkSync, rmSync } = await import("node:fs");
    const { CLI } = await import("./run-cli.js");
    const project = mkdtempSync(join(tmpdir(), "herald-bin-"));
    try {
      // what npm writes: node_modules/.bin/herald -> ../herald/dist/cli.js; the folder above the link holds no package.json
      mkdirSync(join(project, "node_modules", ".bin"), { recursive: true });
      const bin = join(project, "node_modules", ".bin", "herald");
      symlinkSync(CLI, bin);
      const version = await new Promise<string>((resolve, reject) =>
        execFile(bin, ["--version"], { cwd: project }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
      );
      const { version: expected } = (await import("../../../package.json", { with: { type: "json" } })).default as {
        version: string;
      };
      expect(version).toBe(`${expected}\n`);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });

  it("is executable on its own (shebang), and prints the package version", async () => {
    const { execFile } = await import("node:child_process");
    const { CLI } = await import("./run-cli.js");
    const version = await new Promise<string>((resolve, reject) =>
      execFile(CLI, ["--version"], (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    const { version: expected } = (await import("../../../package.json", { with: { type: "json" } })).default as {
      version: string;
    };
    expect(version.trim()).toBe(expected);
  });
});
