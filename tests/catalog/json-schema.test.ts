import { readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import type { StandardJSONSchemaV1, StandardSchemaV1 } from "@standard-schema/spec";
import ts from "typescript";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import * as zm from "zod/mini";
import { defineEvent, defineEvents, InvalidOptionsError, UnsupportedSchemaError } from "../../src/index.js";
import { rejection } from "../helpers/caught.js";
import { contractSchemas, userV1, userV2, userV3 } from "../fixtures/contract-schemas.js";

const events = defineEvents(contractSchemas);

describe("events.toJSONSchema", () => {
  it("gives one draft 2020-12 schema per event, in catalog order: the validator's own schema plus the event's metadata", async () => {
    const schemas = await events.toJSONSchema();
    expect(Object.keys(schemas)).toEqual(events.names);
    const { $schema, ...user } = z.toJSONSchema(userV3, { io: "input" });
    expect(schemas["user.created"]).toEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      title: "user.created",
      description: "A user signed up",
      ...user,
      examples: [{ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "pro" }],
    });
    expect($schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schemas["invoice.sent"]).toMatchObject({ title: "invoice.sent", deprecated: true, required: ["invoiceId"] });
    expect(schemas["file.uploaded"]).toEqual({
      ...z.toJSONSchema(contractSchemas["file.uploaded"], { io: "input" }),
      title: "file.uploaded",
    });
    expect(JSON.parse(JSON.stringify(schemas))).toEqual(schemas);
  });

  it("describes what a handler receives with io: output (defaults applied), without the input examples", async () => {
    const { "user.created": user } = await events.toJSONSchema({ io: "output" });
    expect(user.required).toEqual(["firstName", "lastName", "email", "plan"]);
    expect(user).not.toHaveProperty("examples");
    expect(await rejection(events.toJSONSchema({ io: "both" as never }))).toBeInstanceOf(InvalidOptionsError);
  });

  it("adds every older version of a versioned event as <name>-v<N> with versions: all, without the newest's examples", async () => {
    const newest = await events.toJSONSchema({ io: "output" });
    const all = await events.toJSONSchema({ io: "output", versions: "all" });
    expect(Object.keys(all)).toEqual([
      "user.created",
      "user.created-v2",
      "user.created-v1",
      "invoice.paid",
      "invoice.sent",
      "file.uploaded",
    ]);
    for (const name of events.names) expect(all[name]).toEqual(newest[name]);
    for (const [key, schema] of [
      ["user.created-v1", userV1],
      ["user.created-v2", userV2],
    ] as const) {
      const { $schema, ...own } = z.toJSONSchema(schema, { io: "output" });
      // each version its own title, so a code generator emits one model per version (issue 11, finding 3)
      expect(all[key]).toEqual({ $schema, title: key, description: "A user signed up", ...own });
    }
    expect(Object.keys(await events.toJSONSchema({ versions: "latest" }))).toEqual(events.names);
    expect(await rejection(events.toJSONSchema({ versions: "newest" as never }))).toBeInstanceOf(InvalidOptionsError);
  });

  it("converts an older version through zod's fallback with that version's own schema (zod/mini)", async () => {
    const v1 = zm.object({ id: zm.string() });
    const v2 = zm.object({ id: zm.string(), size: zm.number() });
    const catalog = defineEvents({
      "blob.stored": defineEvent({ versions: [v1, v2], upcast: [(old) => ({ ...old, size: 0 })] }),
    });
    const schemas = await catalog.toJSONSchema({ versions: "all" });
    expect(schemas["blob.stored-v1"]).toEqual({ ...zm.toJSONSchema(v1, { io: "input" }), title: "blob.stored-v1" });
    expect(schemas["blob.stored"]).toEqual({ ...zm.toJSONSchema(v2, { io: "input" }), title: "blob.stored" });
  });

  it("keeps a schema's own title and description unless the event's metadata gives one", async () => {
    const described = z.object({ id: z.string() }).meta({ title: "Ping", description: "from the schema" });
    const schemas = await defineEvents({
      "ping.sent": described,
      "ping.seen": defineEvent(described, { description: "from herald" }),
    }).toJSONSchema();
    expect(schemas["ping.sent"]).toMatchObject({ title: "Ping", description: "from the schema" });
    expect(schemas["ping.seen"]).toMatchObject({ title: "Ping", description: "from herald" });
  });

  it("uses any validator's Standard JSON Schema, asking for draft 2020-12", async () => {
    const targets: string[] = [];
    const custom: StandardSchemaV1<{ n: number }> & StandardJSONSchemaV1<{ n: number }> = {
      "~standard": {
        version: 1,
        vendor: "custom",
        validate: (value) => ({ value: value as { n: number } }),
        jsonSchema: {
          input: ({ target }) => (targets.push(target), { type: "object", properties: { n: { type: "number" } } }),
          output: () => ({}),
        },
      },
    };
    const schemas = await defineEvents({ "count.set": custom }).toJSONSchema();
    expect(schemas["count.set"]).toEqual({ title: "count.set", type: "object", properties: { n: { type: "number" } } });
    expect(targets).toEqual(["draft-2020-12"]);
  });

  it("falls back to zod's converter, loaded on demand, for a zod schema without Standard JSON Schema (zod/mini)", async () => {
    const mini = zm.object({ id: zm.string(), count: zm.optional(zm.number()) });
    expect(mini["~standard"]).not.toHaveProperty("jsonSchema");
    const schemas = await defineEvents({ "mini.sent": defineEvent(mini, { owner: "core" }) }).toJSONSchema();
    expect(schemas["mini.sent"]).toEqual({ ...zm.toJSONSchema(mini, { io: "input" }), title: "mini.sent" });
  });

  it.each([
    [
      "a zod Date",
      z.object({ at: z.date() }),
      /^report\.due: the schema cannot be expressed as JSON Schema: Date cannot be represented in JSON Schema$/,
    ],
    [
      "a zod/mini Date (through the fallback)",
      zm.object({ at: zm.date() }),
      /^report\.due: .*Date cannot be represented/,
    ],
    [
      "valibot without a converter",
      v.object({ id: v.string() }),
      /its validator \(valibot\) does not implement Standard JSON Schema .*@valibot\/to-json-schema/,
    ],
  ])("refuses %s with UnsupportedSchemaError naming the event", async (_label, schema, message) => {
    const error = await rejection(defineEvents({ "report.due": schema }).toJSONSchema());
    expect(error).toBeInstanceOf(UnsupportedSchemaError);
    expect(error).toMatchObject({ code: "UNSUPPORTED_SCHEMA", event: "report.due" });
    expect((error as Error).message).toMatch(message);
  });

  it("keeps the validator's own error as the cause", async () => {
    const error = (await rejection(
      defineEvents({ "report.due": z.bigint() }).toJSONSchema(),
    )) as UnsupportedSchemaError;
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toContain((error.cause as Error).message);
  });
});

describe("zod stays an optional peer", () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), "../..");

  // every module each entry loads at start-up: static imports only, dynamic import() is on demand
  function staticGraph(entry: string): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    const visit = (file: string): void => {
      if (graph.has(file)) return;
      const source = readFileSync(join(root, file), "utf8");
      const info = ts.preProcessFile(source, true, false);
      const dynamic = new Set([...source.matchAll(/import\(\s*"([^"]+)"\s*\)/g)].map((match) => match[1]));
      const specifiers = info.importedFiles.map((ref) => ref.fileName).filter((name) => !dynamic.has(name));
      graph.set(file, specifiers);
      for (const specifier of specifiers) {
        if (specifier.startsWith("."))
          visit(posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, ".ts"));
      }
    };
    visit(entry);
    return graph;
  }

  it.each(["src/index.ts", "src/http.ts", "src/testing.ts"])("%s loads no zod at start-up", (entry) => {
    const graph = staticGraph(entry);
    // a broken scan must not pass by finding nothing: every entry reaches the catalog's modules
    expect(graph.has("src/catalog/types.ts")).toBe(true);
    const zod = [...graph].filter(([, specifiers]) =>
      specifiers.some((name) => name === "zod" || name.startsWith("zod/")),
    );
    expect(zod).toEqual([]);
  });

  it("loads zod only through a dynamic import in the JSON Schema fallback, which the main entry reaches", () => {
    expect(staticGraph("src/index.ts").has("src/catalog/json-schema.ts")).toBe(true);
    const source = readFileSync(join(root, "src/catalog/json-schema.ts"), "utf8");
    expect(source).toMatch(/await import\("zod\/v4\/core"\)/);
    expect(ts.preProcessFile(source, true, true).importedFiles.map((ref) => ref.fileName)).toContain("zod/v4/core");
  });
});
