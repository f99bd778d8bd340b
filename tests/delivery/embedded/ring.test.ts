import { describe, expect, it } from "vitest";
import { createRing } from "../../../src/delivery/embedded/ring.js";

describe("createRing", () => {
  it("keeps the newest items, returning each one it pushes out", () => {
    const ring = createRing<number>(3);
    expect([1, 2, 3].map((n) => ring.push(n))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect([...ring.newestFirst()]).toEqual([5, 4, 3]);
    expect([...ring.values()].sort()).toEqual([3, 4, 5]);
    ring.clear();
    expect(ring.size).toBe(0);
    ring.push(6);
    expect([...ring.newestFirst()]).toEqual([6]);
  });
});
