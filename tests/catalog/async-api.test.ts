import { Parser } from "@asyncapi/parser";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type AsyncAPIDocument, defineEvents, InvalidOptionsError, UnsupportedSchemaError } from "../../src/index.js";
import { rejection } from "../helpers/caught.js";
import { contractSchemas } from "../fixtures/contract-schemas.js";

const parser = new Parser();
const events = defineEvents(contractSchemas);

/** The parser's errors (severity 0) as readable lines: an AsyncAPI 3.0 document herald writes must have none. */
async function errorsOf(document: unknown): Promise<string[]> {
  const diagnostics = await parser.validate(JSON.stringify(document));
  return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join("/")}: ${d.message}`);
}

describe("events.toAsyncAPI", () => {
  it("writes an AsyncAPI 3.0 document that @asyncapi/parser accepts with no errors", async () => {
    const document = await events.toAsyncAPI({
      title: "Accounts events",
      version: "2.1.0",
      description: "What the accounts service publishes",
      servers: { production: { host: "api.example.com", protocol: "https", pathname: "/events" } },
    });
    expect(await errorsOf(document)).toEqual([]);
    const { document: parsed } = await parser.parse(JSON.stringify(document));
    expect(parsed).toBeDefined();
    expect(parsed!.info().title()).toBe("Accounts events");
    expect(parsed!.info().version()).toBe("2.1.0");
    expect(parsed!.servers().all().map((server) => [server.id(), server.host(), server.protocol()])).toEqual([["production", "api.example.com", "https"]]);
    expect(parsed!.channels().all().map((channel) => channel.address())).toEqual(events.names);
    expect(parsed!.operations().all().map((operation) => `${operation.id()}:${operation.action()}`)).toEqual(
      events.names.flatMap((name) => [`${name}.send:send`, `${name}.receive:receive`]),
    );
  });

  it("gives each event a message with its input schema (draft-07), description, examples and herald's extensions", async () => {
    const document = await events.toAsyncAPI({ title: "t", version: "1" });
    const user = document.components.messages["user.created"]!;
    expect(user).toMatchObject({
      name: "user.created",
      contentType: "application/json",
      description: "A user signed up",
      examples: [{ name: "example-1", payload: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "pro" } }],
      "x-herald-owner": "accounts",
      "x-herald-version": 3,
    });
    expect(user.payload).toMatchObject({ $schema: "http://json-schema.org/draft-07/schema#", type: "object", required: ["firstName", "lastName", "email"] });
    expect(document.components.messages["invoice.sent"]).toMatchObject({ "x-herald-deprecated": "use invoice.issued", payload: { deprecated: true } });
    expect(document.components.messages["file.uploaded"]).not.toHaveProperty("x-herald-version");
    const { document: parsed } = await parser.parse(JSON.stringify(document));
    const message = parsed!.messages().all().find((m) => m.name() === "user.created")!;
    expect(message.payload()?.required()).toEqual(["firstName", "lastName", "email"]);
    expect(message.examples().all()[0]?.payload()).toEqual({ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "pro" });
  });

  it("still validates for a catalog with shared, nested and union schemas", async () => {
    const address = z.object({ street: z.string(), city: z.string() });
    const catalog = defineEvents({
      "order.placed": z.object({ orderId: z.string(), shipTo: address, billTo: address.optional(), items: z.array(z.object({ sku: z.string(), qty: z.number().int() })).min(1) }),
      "order.changed": z.object({ change: z.discriminatedUnion("kind", [z.object({ kind: z.literal("set"), value: z.string() }), z.object({ kind: z.literal("unset") })]) }),
      "cache.flushed": z.object({ region: z.string() }).optional(),
    });
    expect(await errorsOf(await catalog.toAsyncAPI({ title: "Orders", version: "1.0.0" }))).toEqual([]);
  });

  it("is checked: the parser reports a broken document (so a pass above means something)", async () => {
    const document = await events.toAsyncAPI({ title: "t", version: "1" });
    const broken = { ...document, operations: { ...document.operations, "x.send": { action: "publish", channel: { $ref: "#/channels/nope" } } } } as AsyncAPIDocument;
    expect((await errorsOf(broken)).length).toBeGreaterThan(0);
  });

  it.each([
    [{ version: "1" }, /title must be a non-empty string/],
    [{ title: "t", version: "" }, /version must be a non-empty string/],
    [{ title: "t", version: "1", servers: { prod: { host: "h" } } }, /server prod needs a host and a protocol/],
    [{ title: "t", version: "1", servers: { "bad name": { host: "h", protocol: "https" } } }, /server name "bad name"/],
  ])("refuses options %o with InvalidOptionsError", async (options, message) => {
    const error = await rejection(events.toAsyncAPI(options as never));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(message);
  });

  it("refuses a schema JSON Schema cannot express, naming the event", async () => {
    const error = await rejection(defineEvents({ "report.due": z.object({ at: z.date() }) }).toAsyncAPI({ title: "t", version: "1" }));
    expect(error).toBeInstanceOf(UnsupportedSchemaError);
    expect(error).toMatchObject({ event: "report.due" });
  });
});
