import fc from "fast-check";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineEvent, defineEvents, InvalidOptionsError, UnknownEventError } from "../../../src/index.js";
import { createRecordingTransport, fixture } from "../../../src/testing.js";
import { caught } from "../../helpers/caught.js";
import { contractSchemas } from "../../fixtures/contract-schemas.js";

const events = defineEvents(
  {
    ...contractSchemas,
    "user.profiled": z.object({
      email: z.email(),
      userId: z.uuid(),
      name: z.string().optional(),
      age: z.number().int().min(18).max(130),
      tags: z.array(z.string()).min(2),
      role: z.enum(["admin", "member"]),
      joinedAt: z.iso.datetime(),
      address: z.object({ city: z.string(), zip: z.string().length(5) }),
      score: z.number().positive().multipleOf(5),
      nickname: z.union([z.null(), z.string().min(3)]),
      plan: z.string().default("free"),
      kind: z.literal("person"),
      pair: z.tuple([z.string(), z.number()]),
      counts: z.record(z.string(), z.number()),
    }),
    "code.sent": z.object({ code: z.string().regex(/^[A-Z]{3}$/) }),
    "report.due": z.object({ reportId: z.string(), at: z.date() }),
    "valibot.event": v.object({ id: v.string() }),
  },
  { transport: createRecordingTransport() },
);

describe("fixture", () => {
  it("fills what the partial leaves out from the JSON Schema: formats, bounds, enums, tuples; optional fields stay out", () => {
    const profile = fixture(events, "user.profiled", { email: "grace@example.com", address: { city: "Arlington" } });
    expect(events.parse("user.profiled", profile)).toMatchObject({
      email: "grace@example.com",
      address: { city: "Arlington" },
    });
    expect(profile).not.toHaveProperty("name");
    expect(profile).not.toHaveProperty("plan");
    expect(profile.age).toBeGreaterThanOrEqual(18);
    expect(profile.tags).toHaveLength(2);
  });

  it("builds from the event's first example, the partial merged in deeply, and returns a fresh copy each time", () => {
    const user = fixture(events, "user.created", { email: "grace@example.com" });
    expect(user).toEqual({ firstName: "Ada", lastName: "Lovelace", email: "grace@example.com", plan: "pro" });
    const again = fixture(events, "user.created");
    again.firstName = "changed";
    expect(fixture(events, "user.created").firstName).toBe("Ada");
    expect(events.describe("user.created").examples?.[0]?.firstName).toBe("Ada");
  });

  it("returns a payload that sends", async () => {
    const receipt = await events.sendEvent("invoice.paid", fixture(events, "invoice.paid"));
    expect(receipt.name).toBe("invoice.paid");
  });

  it("throws a clear error, naming each failing path, where the payload built fails the schema", () => {
    const error = caught(() => fixture(events, "code.sent"));
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toMatch(
      /^fixture\(code\.sent\): the payload generated from its JSON Schema fails the schema: code: .*pattern.*Give these fields in the partial payload/,
    );
    expect(fixture(events, "code.sent", { code: "ABC" })).toEqual({ code: "ABC" });
    expect((caught(() => fixture(events, "user.created", { email: "nope" })) as Error).message).toMatch(
      /built from its first example fails the schema: email: Invalid email address/,
    );
  });

  it("asks for an example where there is no JSON Schema to build from", () => {
    expect((caught(() => fixture(events, "report.due")) as Error).message).toMatch(
      /^fixture\(report\.due\): .*Date cannot be represented.*add an example/,
    );
    expect((caught(() => fixture(events, "valibot.event")) as Error).message).toMatch(
      /no examples and its validator has no Standard JSON Schema/,
    );
    const withExample = defineEvents({
      "report.due": defineEvent(z.object({ at: z.date() }), { examples: [{ at: new Date(0) }] }),
    });
    expect(fixture(withExample, "report.due")).toEqual({ at: new Date(0) });
    expect(caught(() => fixture(events, "user.deleted" as never))).toBeInstanceOf(UnknownEventError);
  });

  it("follows references, and stops on a recursive schema", () => {
    const address = z.object({ city: z.string() });
    type Node = { name: string; children: Node[] };
    const tree: z.ZodType<Node> = z.object({ name: z.string(), children: z.array(z.lazy(() => tree)) });
    const catalog = defineEvents({
      "org.moved": z.object({ from: address, to: address }),
      "tree.grown": z.object({ root: tree }),
    });
    expect(fixture(catalog, "org.moved", { to: { city: "Oslo" } })).toEqual({
      from: { city: "x" },
      to: { city: "Oslo" },
    });
    expect(fixture(catalog, "tree.grown")).toEqual({ root: { name: "x", children: [] } });
  });

  it("builds a valid payload for generated object schemas of mixed fields", () => {
    const leaf = fc.constantFrom(
      z.string(),
      z.string().min(4).max(6),
      z.email(),
      z.uuid(),
      z.url(),
      z.iso.date(),
      z.number().int().min(-5).max(-1),
      z.number().gt(10).lt(11),
      z.boolean(),
      z.enum(["a", "b"]),
      z.literal(7),
      z.array(z.number()).min(1),
      z.string().optional(),
      z.number().nullable(),
      z.string().default("d"),
      z.number().multipleOf(3).min(4),
      z.string().length(3),
      z.int().positive(),
      z.number().max(-2),
      z.int().lt(0),
      z.array(z.string()).length(2),
      z.union([z.string(), z.number()]),
      z.object({ x: z.string() }).nullable(),
      z.ipv4(),
      z.iso.datetime(),
      z.nanoid(),
      z.ulid(),
    );
    const shape = fc.dictionary(fc.constantFrom("a", "b", "c", "d", "e"), leaf, { minKeys: 1, maxKeys: 5 });
    const schema = fc.oneof(
      shape.map((fields) => z.object(fields)),
      fc.tuple(shape, shape).map(([outer, inner]) => z.object({ ...outer, nested: z.object(inner) })),
    );
    fc.assert(
      fc.property(schema, (object) => {
        const catalog = defineEvents({ "random.event": object });
        expect(object.safeParse(fixture(catalog, "random.event")).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
