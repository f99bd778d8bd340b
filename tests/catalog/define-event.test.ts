import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEvent, defineEvents, InvalidOptionsError, UnknownEventError } from "../../src/index.js";
import { createRecordingTransport } from "../../src/testing.js";
import { caught } from "../helpers/caught.js";
import { contractSchemas, userV3 } from "../fixtures/contract-schemas.js";

describe("defineEvent", () => {
  it("returns a Standard Schema of the newest version that carries its definition", () => {
    const event = contractSchemas["user.created"];
    const valid = { firstName: "Ada", lastName: "L", email: "ada@example.com" };
    expect(event["~standard"].validate(valid)).toEqual({ value: { ...valid, plan: "free" } });
    expect(event["~standard"].validate({ fullName: "Ada L", email: "ada@example.com" })).toHaveProperty("issues");
    expect(event["~definition"].versions).toHaveLength(3);
    expect(event["~definition"].versions[2]).toBe(userV3);
    expect(event["~definition"]).toMatchObject({ description: "A user signed up", owner: "accounts" });
    // the newest zod schema's methods still work on it, and the original is left untouched
    expect(event.parse(valid)).toEqual({ ...valid, plan: "free" });
    expect("~definition" in userV3).toBe(false);
  });

  it("wraps any Standard Schema, and two definitions of one schema keep their own metadata", () => {
    const schema = v.object({ id: v.string() });
    const a = defineEvent(schema, { owner: "a" });
    const b = defineEvent(schema, { owner: "b" });
    expect([a["~definition"].owner, b["~definition"].owner]).toEqual(["a", "b"]);
    expect(a["~standard"].validate({ id: "x" })).toMatchObject({ value: { id: "x" } });
    expect(a["~standard"].validate({ id: 1 })).toHaveProperty("issues");
  });

  it.each([
    ["a value that is not a schema", () => defineEvent({ nope: true } as never), /expects a schema/],
    ["an empty version list", () => defineEvent({ versions: [], upcast: [] } as never), /at least one schema/],
    [
      "a version that is not a schema",
      () => defineEvent({ versions: [z.string(), 3], upcast: [(x: string) => x] } as never),
      /versions\[1\] is not a Standard Schema/,
    ],
    [
      "a missing upcaster",
      () => defineEvent({ versions: [z.string(), z.string()], upcast: [] } as never),
      /2 versions need 1 upcaster function/,
    ],
    [
      "an upcaster that is not a function",
      () => defineEvent({ versions: [z.string(), z.string()], upcast: ["x"] } as never),
      /need 1 upcaster/,
    ],
    [
      "an unknown option (a typo)",
      () => defineEvent(z.string(), { descripton: "x" } as never),
      /unknown option "descripton"/,
    ],
    [
      "a description that is not a string",
      () => defineEvent(z.string(), { description: 3 } as never),
      /description must be a string/,
    ],
    [
      "deprecated as a number",
      () => defineEvent(z.string(), { deprecated: 1 } as never),
      /deprecated must be true or a reason/,
    ],
    [
      "examples that are not a list",
      () => defineEvent(z.string(), { examples: "x" } as never),
      /examples must be an array/,
    ],
  ])("refuses %s with InvalidOptionsError", (_label, define, message) => {
    const error = caught(define);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("a catalog of defined events", () => {
  const events = defineEvents(contractSchemas, { transport: createRecordingTransport() });

  it("describes each event as data: metadata and newest version, or only the version for a plain schema", () => {
    expect(events.describe("user.created")).toEqual({
      name: "user.created",
      version: 3,
      description: "A user signed up",
      owner: "accounts",
      examples: [{ firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", plan: "pro" }],
    });
    expect(events.describe("invoice.sent")).toEqual({
      name: "invoice.sent",
      version: 1,
      deprecated: "use invoice.issued",
    });
    expect(events.describe("file.uploaded")).toEqual({ name: "file.uploaded", version: 1 });
    expect(JSON.parse(JSON.stringify(events.describe("user.created")))).toEqual(events.describe("user.created"));
    expect(caught(() => events.describe("user.deleted" as never))).toBeInstanceOf(UnknownEventError);
  });

  it("checks every example against the schema when the catalog is defined, naming the example and the path", () => {
    const bad = defineEvent(z.object({ email: z.email() }), {
      examples: [{ email: "a@b.co" }, { email: "not an email" }],
    });
    const error = caught(() => defineEvents({ "user.invited": bad }));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toBe(
      "user.invited: examples[1] does not pass the schema: email: Invalid email address",
    );
  });

  it("sends and parses a defined event as its newest schema", async () => {
    const receipt = await events.sendEvent("invoice.paid", {
      invoiceId: "i1",
      amount: 3,
      paidAt: "2026-01-01T00:00:00Z",
    });
    expect(receipt.name).toBe("invoice.paid");
    expect(events.parse("user.created", { firstName: "A", lastName: "B", email: "a@b.co" })).toEqual({
      firstName: "A",
      lastName: "B",
      email: "a@b.co",
      plan: "free",
    });
  });
});
