import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Parser } from "@asyncapi/parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { assertBuilt, FIXTURES, runCli, startCli } from "./run-cli.js";

beforeAll(assertBuilt);
const out = mkdtempSync(join(tmpdir(), "herald-export-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const catalog = join(FIXTURES, "contract-catalog.ts");

describe("herald export, as a child process", () => {
  it("prints one JSON Schema per event, with metadata, from a TypeScript catalog with no build step", async () => {
    const { code, stdout, stderr } = await runCli(["export", catalog, "--format", "json-schema"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const schemas = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(schemas)).toEqual(["user.created", "invoice.paid", "invoice.sent"]);
    const { $schema: _, ...v2 } = z.toJSONSchema(
      z.object({ name: z.string(), email: z.email(), plan: z.enum(["free", "pro"]).default("free") }),
      { io: "input" },
    );
    expect(schemas["user.created"]).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "user.created",
      description: "A user signed up",
      ...v2,
      examples: [{ name: "Ada", email: "ada@example.com" }],
    });
    expect(schemas["invoice.sent"]).toMatchObject({ deprecated: true });
  });

  it("prints the output schemas with --io output", async () => {
    const { code, stdout } = await runCli(["export", catalog, "--format", "json-schema", "--io", "output"]);
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as Record<string, { required: string[] }>)["user.created"]!.required).toEqual([
      "name",
      "email",
      "plan",
    ]);
  });

  it("adds the older schema versions with --versions all", async () => {
    const { code, stdout } = await runCli(["export", catalog, "--format", "json-schema", "--versions", "all"]);
    expect(code).toBe(0);
    const schemas = JSON.parse(stdout) as Record<string, { required: string[] }>;
    expect(Object.keys(schemas)).toEqual(["user.created", "user.created-v1", "invoice.paid", "invoice.sent"]);
    expect(schemas["user.created-v1"]!.required).toEqual(["fullName", "email"]);
  });

  it("writes an AsyncAPI 3.0 document to --out that @asyncapi/parser accepts", async () => {
    const file = join(out, "nested", "asyncapi.json");
    const { code, stdout, stderr } = await runCli([
      "export",
      catalog,
      "--format",
      "asyncapi",
      "--out",
      file,
      "--title",
      "Accounts",
      "--api-version",
      "2.0.0",
      "--server",
      "production=https://api.example.com/events",
    ]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toBe(`herald export: wrote asyncapi for 3 events to ${file}\n`);
    const text = readFileSync(file, "utf8");
    const { document, diagnostics } = await new Parser().parse(text);
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(document!.info().title()).toBe("Accounts");
    expect(document!.servers().get("production")?.pathname()).toBe("/events");
    expect(JSON.parse(text).components.messages["user.created"]).toMatchObject({
      "x-herald-version": 2,
      "x-herald-owner": "accounts",
    });
    expect(JSON.parse(text).components.messages["user.created-v1"]).toMatchObject({
      "x-herald-version": 1,
      payload: { required: ["fullName", "email"] },
    });
  });

  it("exits 1 and names the event when a schema cannot be expressed as JSON Schema", async () => {
    const { code, stdout, stderr } = await runCli([
      "export",
      join(FIXTURES, "date-catalog.ts"),
      "--format",
      "json-schema",
    ]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      "herald export: report.due: the schema cannot be expressed as JSON Schema: Date cannot be represented in JSON Schema\n",
    );
  });

  it.each([
    [["export"], /needs a catalog module/],
    [["export", catalog], /--format must be json-schema or asyncapi$/m],
    [["export", catalog, "--format", "yaml"], /--format must be json-schema or asyncapi, got "yaml"/],
    [["export", catalog, "--format", "asyncapi", "--io", "output"], /--io applies to --format json-schema only/],
    [["export", catalog, "--format", "json-schema", "--versions", "2"], /--versions must be latest or all, got "2"/],
    [
      ["export", catalog, "--format", "asyncapi", "--versions", "all"],
      /--versions applies to --format json-schema only/,
    ],
    [["export", catalog, "--format", "asyncapi", "--server", "https://x"], /--server "https:\/\/x": use name=url/],
    // a plain object would take "__proto__" as its prototype and drop the server without a word
    [
      ["export", catalog, "--format", "asyncapi", "--server", "__proto__=https://evil.example"],
      /"__proto__" cannot name a server/,
    ],
    [
      ["export", catalog, "--format", "asyncapi", "--server", "a=https://a.example", "--server", "a=https://b.example"],
      /--server "a" is given twice/,
    ],
    [["export", join(FIXTURES, "missing.ts"), "--format", "asyncapi"], /No such file/],
  ])("exits 2 on a usage error: %j", async (args, message) => {
    const { code, stderr } = await runCli(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it("keeps every --server as its own key, constructor included", async () => {
    const { code, stdout } = await runCli([
      "export",
      catalog,
      "--format",
      "asyncapi",
      "--server",
      "constructor=https://c.example/events",
      "--server",
      "prod=https://api.example.com",
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).servers).toEqual({
      constructor: { host: "c.example", protocol: "https", pathname: "/events" },
      prod: { host: "api.example.com", protocol: "https" },
    });
  });

  it("stops on the first SIGINT or SIGTERM while a catalog module hangs (exit 130 / 143)", async () => {
    const hanging = join(out, "hanging-catalog.mjs");
    writeFileSync(hanging, "setInterval(() => {}, 1000);\nawait new Promise(() => {});\nexport const events = {};\n");
    for (const [signal, expected] of [
      ["SIGINT", 130],
      ["SIGTERM", 143],
    ] as const) {
      const cli = startCli(["export", hanging, "--format", "json-schema"]);
      // the module is being imported once tsx is up; give it a moment, then one signal
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const sent = performance.now();
      cli.child.kill(signal);
      expect(await cli.exited()).toBe(expected);
      expect(performance.now() - sent).toBeLessThan(1_000);
      expect(cli.stderr()).toContain(`herald export: stopped by ${signal}`);
    }
  });

  it("is listed in herald --help and has its own help", async () => {
    expect((await runCli(["--help"])).stdout).toContain("herald export <catalog-module> --format json-schema|asyncapi");
    const help = await runCli(["export", "--help"]);
    expect([help.code, help.stdout]).toEqual([
      0,
      expect.stringContaining("--format <format>    json-schema or asyncapi (required)"),
    ]);
  });
});
