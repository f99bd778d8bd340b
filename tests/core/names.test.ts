import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeraldError, InvalidEventNameError } from "../../src/core/errors.js";
import { assertEventName, isEventName } from "../../src/core/names.js";

const lower = "abcdefghijklmnopqrstuvwxyz".split("");
const tail = [...lower, ..."0123456789_".split("")];
const segment = fc
  .tuple(fc.constantFrom(...lower), fc.array(fc.constantFrom(...tail), { maxLength: 12 }))
  .map(([head, rest]) => head + rest.join(""));
const validName = fc.array(segment, { minLength: 2, maxLength: 5 }).map((parts) => parts.join("."));

/** Replaces the character at `index` (modulo the length) of `name`. */
const replaceAt = (name: string, index: number, char: string): string => {
  const i = index % name.length;
  return name.slice(0, i) + char + name.slice(i + 1);
};

describe("isEventName", () => {
  it("accepts every name built from the rule", () => {
    fc.assert(fc.property(validName, (name) => isEventName(name)));
  });

  it.each(["user.created", "user.password_reset", "invoice.v2.paid", "a.b", "a1.b_2.c3"])("accepts %s", (name) => {
    expect(isEventName(name)).toBe(true);
  });

  it("rejects a name with an uppercase letter anywhere", () => {
    fc.assert(
      fc.property(
        validName,
        fc.nat(),
        fc.constantFrom(..."ABCXYZ".split("")),
        (name, at, upper) => !isEventName(replaceAt(name, at, upper)),
      ),
    );
  });

  it("rejects a name with an empty segment", () => {
    fc.assert(fc.property(validName, (name) => !isEventName(name.replace(".", ".."))));
  });

  it("rejects a segment that starts with a digit or underscore", () => {
    fc.assert(
      fc.property(validName, fc.constantFrom(..."0123456789_".split("")), fc.boolean(), (name, bad, first) => {
        const parts = name.split(".");
        const index = first ? 0 : parts.length - 1;
        parts[index] = bad + parts[index];
        return !isEventName(parts.join("."));
      }),
    );
  });

  it("rejects a single segment", () => {
    fc.assert(fc.property(segment, (name) => !isEventName(name)));
  });

  it("rejects a name holding a character outside [a-z0-9_.]", () => {
    const bad = fc.constantFrom(..." !\"#$%&'()*+,-/:;<=>?@[\\]^`{|}~é\u00df\n\t".split(""));
    fc.assert(fc.property(validName, fc.nat(), bad, (name, at, char) => !isEventName(replaceAt(name, at, char))));
  });

  it("rejects a trailing or leading dot", () => {
    fc.assert(fc.property(validName, (name) => !isEventName(`${name}.`) && !isEventName(`.${name}`)));
  });

  it.each([undefined, null, 42, {}, ["user", "created"]])("rejects the non-string %j", (value) => {
    expect(isEventName(value)).toBe(false);
  });
});

describe("assertEventName", () => {
  it("returns for a valid name", () => {
    expect(() => assertEventName("user.created")).not.toThrow();
  });

  it.each([
    ["usercreated", /two dot-separated segments/],
    ["user..created", /empty segment/],
    ["user.1created", /"1created" must start with a lowercase letter/],
    ["User.created", /"User" must start with a lowercase letter/],
    ["user.created!", /lowercase letters, digits and "_"/],
    ["user.Created_x", /"Created_x" must start with a lowercase letter/],
  ])("throws InvalidEventNameError for %s with the broken rule", (name, reason) => {
    let caught: unknown;
    try {
      assertEventName(name);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidEventNameError);
    expect(caught).toBeInstanceOf(HeraldError);
    const error = caught as InvalidEventNameError;
    expect(error.code).toBe("INVALID_EVENT_NAME");
    expect(error.eventName).toBe(name);
    expect(error.message).toContain(JSON.stringify(name));
    expect(error.message).toMatch(reason);
  });

  it("explains a non-string name", () => {
    expect(() => assertEventName(7)).toThrow(/expected a string, got number/);
  });
});
