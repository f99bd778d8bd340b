import { createHmac, timingSafeEqual } from "node:crypto";
import { describe, expect, it } from "vitest";
import { builtinCrypto, createHmacCheck, type NodeHmacCrypto } from "../../../src/edges/http/hmac.js";

const encoder = new TextEncoder();
const prefix = encoder.encode("1700000000.");
const body = encoder.encode('{"event":"test.event","payload":{"message":"hi"}}');
const sign = (secret: string, data: Uint8Array = body): Uint8Array =>
  createHmac("sha256", secret).update(prefix).update(data).digest();

describe("createHmacCheck", () => {
  it("finds node:crypto through process.getBuiltinModule on Node", () => {
    expect(builtinCrypto()).toBeDefined();
  });

  // the same answers on node:crypto (default here) and on Web Crypto (null)
  describe.each([
    ["node:crypto", undefined],
    ["Web Crypto", null],
  ] as const)("on %s", (_name, node) => {
    const check = createHmacCheck(["old-secret", "new-secret"], node);

    it("accepts a signature by any of the secrets", async () => {
      expect(await check(prefix, body, sign("old-secret"))).toBe(true);
      expect(await check(prefix, body, sign("new-secret"))).toBe(true);
    });

    it("refuses another secret, another body, another timestamp, and a signature of the wrong length", async () => {
      expect(await check(prefix, body, sign("other"))).toBe(false);
      expect(await check(prefix, encoder.encode(`${new TextDecoder().decode(body)} `), sign("new-secret"))).toBe(false);
      expect(await check(encoder.encode("1700000001."), body, sign("new-secret"))).toBe(false);
      expect(await check(prefix, body, sign("new-secret").slice(0, 31))).toBe(false);
    });
  });

  it("compares every secret, even after one matched", () => {
    let compared = 0;
    const counting: NodeHmacCrypto = {
      createHmac: (algorithm, key) => createHmac(algorithm, key),
      timingSafeEqual: (a, b) => {
        compared++;
        return timingSafeEqual(a, b);
      },
    };
    const check = createHmacCheck(["first", "second", "third"], counting);
    expect(check(prefix, body, sign("first"))).toBe(true);
    expect(compared).toBe(3);
  });
});
