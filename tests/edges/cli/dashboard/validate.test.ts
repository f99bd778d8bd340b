import fc from "fast-check";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { validate } from "../../../../src/edges/cli/dashboard/page/validate.js";

// the send form's checks run in the page; the server (the schema itself) has the last word. The page
// must never refuse what the schema accepts, and for these schemas it should refuse what it refuses.
const schemas = {
  order: z.object({ orderId: z.string().min(1), total: z.number().positive(), express: z.boolean().optional() }),
  shipped: z.object({ orderId: z.string().max(3), carrier: z.enum(["ups", "dhl"]) }),
  signup: z.object({
    email: z.email(),
    plan: z.enum(["free", "pro"]).default("free"),
    tags: z.array(z.string()).min(1).optional(),
  }),
  counts: z.object({
    n: z.number().int().min(-5).max(5),
    ratio: z.number().lt(1).nullable(),
    labels: z.array(z.literal("a")).max(2),
  }),
};

// values near each field's bounds, so whole valid payloads (and ones just past a bound) are common
const near: Record<string, fc.Arbitrary<unknown>> = {
  orderId: fc.constantFrom("", "a", "abc", "abcd"),
  total: fc.constantFrom(0, 1e-9, 1, -1),
  express: fc.boolean(),
  carrier: fc.constantFrom("ups", "dhl", "UPS"),
  email: fc.oneof(fc.emailAddress(), fc.constantFrom("a@b.co", "nope", "a@b")),
  plan: fc.constantFrom("free", "pro", "team"),
  tags: fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
  n: fc.constantFrom(-6, -5, 0, 5, 6, 2.5),
  ratio: fc.constantFrom(null, 0.999, 1, 2, -3),
  labels: fc.array(fc.constantFrom("a", "a", "b"), { maxLength: 3 }),
};

const value = fc.oneof(
  fc.string({ maxLength: 5 }),
  fc.string({ unit: "grapheme", maxLength: 4 }),
  fc.emailAddress(),
  fc.constantFrom("ups", "dhl", "free", "pro", "a", "", "x@y", "a@b.co"),
  fc.integer({ min: -10, max: 10 }),
  fc.constantFrom(-5, 5, 0, 1, 0.5), // the bounds themselves
  fc.array(fc.constant("a"), { maxLength: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom("a", "b", 1), { maxLength: 3 }),
);

function payloads(keys: readonly string[]) {
  const field = (key: string) => fc.oneof({ arbitrary: near[key]!, weight: 4 }, { arbitrary: value, weight: 1 });
  return fc.oneof(
    { arbitrary: fc.record(Object.fromEntries(keys.map((key) => [key, field(key)])), { requiredKeys: [] }), weight: 4 },
    { arbitrary: fc.dictionary(fc.constantFrom(...keys, "extra"), value, { maxKeys: 3 }), weight: 1 },
    { arbitrary: value, weight: 1 },
  );
}

describe("the send form's JSON Schema check (page/validate.js) against zod", () => {
  for (const [label, schema] of Object.entries(schemas)) {
    it(`${label}: never refuses a payload zod accepts; agrees with zod apart from email syntax`, () => {
      const json = z.toJSONSchema(schema, { io: "input" });
      const keys = Object.keys(schema.shape);
      fc.assert(
        fc.property(payloads(keys), (payload) => {
          const accepted = schema.safeParse(payload).success;
          const issues = validate(json, payload);
          if (accepted) expect(issues).toEqual([]);
          else if (label !== "signup") expect(issues.length).toBeGreaterThan(0);
        }),
        { numRuns: 1_500 },
      );
    });
  }

  it("names the failing paths", () => {
    const json = z.toJSONSchema(schemas.signup, { io: "input" });
    expect(validate(json, { email: "nope", tags: [] })).toEqual([
      { path: ["email"], message: "Invalid email address" },
      { path: ["tags"], message: "At least 1 item(s)" },
    ]);
    expect(validate(json, {})).toEqual([{ path: ["email"], message: "Required" }]);
    expect(validate(json, "text")).toEqual([{ path: [], message: "Expected object, got string" }]);
  });
});
