import * as v from "valibot";
import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { defineEvents, type EventName } from "../../src/index.js";

const schema = z.object({ id: z.string() });

// each bad key is reported on its own line, where the catalog is written; the good keys beside it compile
describe("defineEvents checks the names of its keys", () => {
  test("keys that break the rules are errors at the key", () => {
    defineEvents({
      "user.created": schema,
      // @ts-expect-error uppercase
      "User.Created": schema,
      // @ts-expect-error one segment
      usercreated: schema,
      // @ts-expect-error empty segment
      "user..created": schema,
      // @ts-expect-error punctuation
      "user.created!": schema,
      // @ts-expect-error trailing dot
      "user.": schema,
      // @ts-expect-error segment starts with a digit
      "user.1x": schema,
      // @ts-expect-error segment starts with "_"
      "user._x": schema,
      // @ts-expect-error leading dot
      ".user.created": schema,
      // @ts-expect-error hyphen
      "user-profile.updated": schema,
      // @ts-expect-error whitespace
      "user.created ": schema,
      // @ts-expect-error first segment starts with a digit
      "1user.created": schema,
      "file.uploaded": schema,
    });
  });

  test("keys that follow the rules compile, with zod or valibot schemas", () => {
    const events = defineEvents({
      "user.password_reset": schema,
      "invoice.v2.paid": v.object({ invoiceId: v.string() }),
      "a.b": schema,
      "order.line_item.added2": schema,
    });
    expectTypeOf<EventName<typeof events>>().toEqualTypeOf<"user.password_reset" | "invoice.v2.paid" | "a.b" | "order.line_item.added2">();
  });

  test("a registry declared first is checked the same way", () => {
    const good = { "user.created": schema };
    const bad = { "User.Created": schema };
    defineEvents(good);
    // @ts-expect-error the registry holds a bad key
    defineEvents(bad);
    const wide: Record<string, typeof schema> = {};
    // @ts-expect-error `string` keys cannot be checked, so they are refused
    defineEvents(wide);
  });

  test("values must be objects; that they are schemas is checked at run time", () => {
    // @ts-expect-error a number is no schema
    defineEvents({ "user.created": 42 });
    // @ts-expect-error nor is a string
    defineEvents({ "user.created": "z.string()" });
    // compiles (checking `~standard` here would cost ~17 instantiations a schema); throws InvalidOptionsError
    expectTypeOf(() => defineEvents({ "user.created": { parse: (value: unknown) => value } })).toBeFunction();
  });
});
