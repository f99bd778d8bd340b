import type { StandardSchemaV1 } from "@standard-schema/spec";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EventValidationError } from "../../src/core/errors.js";
import { isSchema, validate } from "../../src/core/schema.js";

/** A hand-written Standard Schema, so the tests do not depend on one library's quirks. */
function handmade(
  check: (value: unknown) => StandardSchemaV1.Result<unknown> | Promise<StandardSchemaV1.Result<unknown>>,
): StandardSchemaV1 {
  return { "~standard": { version: 1, vendor: "test", validate: check } };
}

describe("validate", () => {
  it("returns the output of a sync schema synchronously", () => {
    const schema = z.object({ n: z.coerce.number(), tag: z.string().default("x") });
    expect(validate("a.b", schema, { n: "4" })).toEqual({ n: 4, tag: "x" });
  });

  it("throws EventValidationError naming the event and paths for a sync schema", () => {
    const schema = z.object({ items: z.array(z.object({ sku: z.string() })) });
    expect(() => validate("order.placed", schema, { items: [{ sku: 1 }] })).toThrow(EventValidationError);
    expect(() => validate("order.placed", schema, { items: [{ sku: 1 }] })).toThrow(
      /^order\.placed: items\[0\]\.sku: /,
    );
  });

  it("returns a promise of the output for an async schema", async () => {
    const schema = handmade(async (value) => ({ value: String(value).toUpperCase() }));
    const result = validate("a.b", schema, "hi");
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe("HI");
  });

  it("rejects with EventValidationError for an async schema's issues", async () => {
    const schema = z
      .object({ id: z.string() })
      .refine(async (value) => value.id !== "taken", { message: "taken", path: ["id"] });
    const result = validate("user.created", schema, { id: "taken" });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow(
      new EventValidationError("user.created", [{ message: "taken", path: ["id"] }]).message,
    );
  });

  it("works with valibot", () => {
    const schema = v.object({ n: v.number() });
    expect(validate("a.b", schema, { n: 1 })).toEqual({ n: 1 });
    expect(() => validate("a.b", schema, { n: "1" })).toThrow(/^a\.b: n: /);
  });

  it("normalises valibot's object path segments to plain keys on the error's issues", () => {
    const schema = v.object({ items: v.array(v.object({ sku: v.string() })) });
    let error: EventValidationError | undefined;
    try {
      validate("order.placed", schema, { items: [{ sku: "a" }, { sku: 2 }] });
    } catch (caught) {
      error = caught as EventValidationError;
    }
    // before: the segments were valibot's { type, origin, input, key, value } objects, and join(".") printed [object Object]
    expect(error?.issues.map((issue) => issue.path)).toEqual([["items", 1, "sku"]]);
    expect(error?.issues[0]!.path!.join(".")).toBe("items.1.sku");
    expect(error?.message).toMatch(/^order\.placed: items\[1\]\.sku: /);
  });

  it("keeps a zod issue as it is (its path already holds plain keys)", () => {
    const schema = z.object({ n: z.number() });
    try {
      validate("a.b", schema, { n: "x" });
    } catch (caught) {
      const [issue] = (caught as EventValidationError).issues;
      expect(issue).toMatchObject({ path: ["n"], code: "invalid_type" });
    }
    expect.assertions(1);
  });
});

describe("isSchema", () => {
  it.each([
    ["zod", z.string()],
    ["valibot", v.string()],
    ["a hand-written schema", handmade((value) => ({ value }))],
  ])("accepts %s", (_, schema) => {
    expect(isSchema(schema)).toBe(true);
  });

  it.each([
    ["null", null],
    ["a string", "z.string()"],
    ["a plain object", { type: "string" }],
    ["version 2", { "~standard": { version: 2, validate: () => ({ value: 1 }) } }],
    ["no validate function", { "~standard": { version: 1, validate: "yes" } }],
    ["a null ~standard", { "~standard": null }],
  ])("rejects %s", (_, value) => {
    expect(isSchema(value)).toBe(false);
  });
});
