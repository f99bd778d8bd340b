import { Parser } from "@asyncapi/parser";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type AsyncAPIDocument,
  defineEvent,
  defineEvents,
  InvalidOptionsError,
  UnsupportedSchemaError,
} from "../../src/index.js";
import { rejection } from "../helpers/caught.js";
import { contractSchemas, userV1, userV2, userV3 } from "../fixtures/contract-schemas.js";

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
    expect(
      parsed!
        .servers()
        .all()
        .map((server) => [server.id(), server.host(), server.protocol()]),
    ).toEqual([["production", "api.example.com", "https"]]);
    expect(
      parsed!
        .channels()
        .all()
        .map((channel) => channel.address()),
    ).toEqual(events.names);
    expect(
      parsed!
        .operations()
        .all()
        .map((operation) => `${operation.id()}:${operation.action()}`),
    ).toEqual(events.names.flatMap((name) => [`${name}.send:send`, `${name}.receive:receive`]));
  });

  it("gives each event a message with its input schema (draft-07), description, examples and herald's extensions", async () => {
    const document = await events.toAsyncAPI({ title: "t", version: "1" });
    const user = document.components.messages["user.created"]!;
    expect(user).toMatchObject({
      name: "user.created",
      contentType: "application/json",
      description: "A user signed up",
      examples: [
        {
          name: "example-1",
          payload: { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "pro" },
        },
      ],
      "x-herald-owner": "accounts",
      "x-herald-version": 3,
    });
    expect(user.payload).toMatchObject({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      required: ["firstName", "lastName", "email"],
    });
    expect(document.components.messages["invoice.sent"]).toMatchObject({
      "x-herald-deprecated": "use invoice.issued",
      payload: { deprecated: true },
    });
    expect(document.components.messages["file.uploaded"]).not.toHaveProperty("x-herald-version");
    const { document: parsed } = await parser.parse(JSON.stringify(document));
    const message = parsed!
      .messages()
      .all()
      .find((m) => m.name() === "user.created")!;
    expect(message.payload()?.required()).toEqual(["firstName", "lastName", "email"]);
    expect(message.examples().all()[0]?.payload()).toEqual({
      firstName: "Ada",
      lastName: "Lovelace",
      email: "ada@example.com",
      plan: "pro",
    });
  });

  it("lists every schema version of a versioned event in its channel, newest first, each with its own payload", async () => {
    const document = await events.toAsyncAPI({ title: "t", version: "1" });
    expect(await errorsOf(document)).toEqual([]);
    const { document: parsed } = await parser.parse(JSON.stringify(document));
    const ids = ["user.created", "user.created-v2", "user.created-v1"];
    expect(
      parsed!
        .channels()
        .get("user.created")!
        .messages()
        .all()
        .map((m) => m.id()),
    ).toEqual(ids);
    for (const action of ["send", "receive"]) {
      expect(
        parsed!
          .operations()
          .get(`user.created.${action}`)!
          .messages()
          .all()
          .map((m) => m.id()),
      ).toEqual(ids);
      expect(
        parsed!
          .operations()
          .get(`file.uploaded.${action}`)!
          .messages()
          .all()
          .map((m) => m.id()),
      ).toEqual(["file.uploaded"]);
    }
    // each payload is that version's own schema, converted independently here
    // and its own title, so a code generator emits one model per version (issue 11, finding 3)
    const expected = (schema: z.ZodType, title: string): unknown => ({
      ...z.toJSONSchema(schema, { target: "draft-7", io: "input" }),
      title,
      description: "A user signed up",
    });
    const { messages } = document.components;
    expect(messages["user.created-v1"]!.payload).toEqual(expected(userV1, "user.created-v1"));
    expect(messages["user.created-v2"]!.payload).toEqual(expected(userV2, "user.created-v2"));
    expect(messages["user.created"]!.payload).toEqual({
      ...(expected(userV3, "user.created") as object),
      examples: contractSchemas["user.created"]["~definition"].examples,
    });
    expect(
      parsed!
        .messages()
        .all()
        .find((m) => m.id() === "user.created-v1")!
        .payload()
        ?.required(),
    ).toEqual(["fullName", "email"]);
  });

  it("marks an older version by its number, not as deprecated, and shows the newest's examples on the newest only", async () => {
    const { messages } = (await events.toAsyncAPI({ title: "t", version: "1" })).components;
    expect(messages["user.created-v1"]).toMatchObject({
      name: "user.created-v1",
      title: "user.created v1",
      "x-herald-version": 1,
      "x-herald-owner": "accounts",
    });
    expect(messages["user.created-v2"]).toMatchObject({
      "x-herald-version": 2,
      summary: expect.stringMatching(/^Version 2 of 3: still accepted/),
    });
    for (const id of ["user.created-v1", "user.created-v2"]) {
      expect(messages[id]).not.toHaveProperty("examples");
      expect(messages[id]).not.toHaveProperty("x-herald-deprecated");
      expect(messages[id]!.payload).not.toHaveProperty("deprecated");
    }
  });

  it("marks every version of a deprecated event, and keeps ids apart from an event named <name>.v1", async () => {
    const v1 = z.object({ id: z.string() });
    const v2 = z.object({ id: z.string(), at: z.number() });
    const catalog = defineEvents({
      "user.created": defineEvent({
        versions: [v1, v2],
        upcast: [(old) => ({ ...old, at: 0 })],
        deprecated: "use account.opened",
      }),
      "user.created.v1": z.object({ other: z.boolean() }),
    });
    const document = await catalog.toAsyncAPI({ title: "t", version: "1" });
    expect(await errorsOf(document)).toEqual([]);
    expect(Object.keys(document.components.messages)).toEqual(["user.created", "user.created-v1", "user.created.v1"]);
    for (const id of ["user.created", "user.created-v1"]) {
      expect(document.components.messages[id]).toMatchObject({
        "x-herald-deprecated": "use account.opened",
        payload: { deprecated: true },
      });
    }
    expect(document.components.messages["user.created.v1"]!.payload).toMatchObject({ required: ["other"] });
  });

  it("still validates for a catalog with shared, nested and union schemas", async () => {
    const address = z.object({ street: z.string(), city: z.string() });
    const catalog = defineEvents({
      "order.placed": z.object({
        orderId: z.string(),
        shipTo: address,
        billTo: address.optional(),
        items: z.array(z.object({ sku: z.string(), qty: z.number().int() })).min(1),
      }),
      "order.changed": z.object({
        change: z.discriminatedUnion("kind", [
          z.object({ kind: z.literal("set"), value: z.string() }),
          z.object({ kind: z.literal("unset") }),
        ]),
      }),
      "cache.flushed": z.object({ region: z.string() }).optional(),
    });
    expect(await errorsOf(await catalog.toAsyncAPI({ title: "Orders", version: "1.0.0" }))).toEqual([]);
  });

  it("is checked: the parser reports a broken document (so a pass above means something)", async () => {
    const document = await events.toAsyncAPI({ title: "t", version: "1" });
    const broken = {
      ...document,
      operations: { ...document.operations, "x.send": { action: "publish", channel: { $ref: "#/channels/nope" } } },
    } as AsyncAPIDocument;
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
    const error = await rejection(
      defineEvents({ "report.due": z.object({ at: z.date() }) }).toAsyncAPI({ title: "t", version: "1" }),
    );
    expect(error).toBeInstanceOf(UnsupportedSchemaError);
    expect(error).toMatchObject({ event: "report.due" });
  });
});
