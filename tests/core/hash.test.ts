import { describe, expect, it } from "vitest";
import { fnv1a64 } from "../../src/core/hash.js";

describe("fnv1a64", () => {
  it.each([
    ["", "cbf29ce484222325"],
    ["a", "af63dc4c8601ec8c"],
    ["foobar", "85944171f73967e8"],
  ])("matches the published FNV-1a 64 test vector for %j", (text, hash) => {
    expect(fnv1a64(text)).toBe(hash);
  });

  it("gives 16 hex digits for any text, including code units above 0xff", () => {
    expect(fnv1a64("\u{1F600}é")).toMatch(/^[0-9a-f]{16}$/);
    expect(fnv1a64("\u{1F600}é")).not.toBe(fnv1a64("\u{1F601}é"));
  });
});
