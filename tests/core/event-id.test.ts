import { describe, expect, it } from "vitest";
import { createEventId } from "../../src/core/event-id.js";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const now = Date.UTC(2026, 10, 26, 12, 0, 0, 123);

describe("createEventId", () => {
  it("returns unique UUID version 7 ids", () => {
    const ids = Array.from({ length: 2000 }, () => createEventId(now));
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(2000);
  });

  it("writes the time in the first 48 bits, so ids sort by millisecond", () => {
    const id = createEventId(now);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
    // 2^32 ms and beyond (1970 + 49 days), where the top 16 bits start to matter
    for (const time of [0, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 5, 2 ** 48 - 1]) {
      const other = createEventId(time);
      expect(Number.parseInt(other.slice(0, 8) + other.slice(9, 13), 16)).toBe(time);
    }
    const times = [now + 5, now, now + 1000, now - 86_400_000];
    const sorted = times.map((t) => createEventId(t)).sort();
    expect(sorted.map((id) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16))).toEqual(
      [...times].sort((a, b) => a - b),
    );
  });

  it("stays unique past a refill of its random pool (256 ids a refill)", () => {
    const ids = new Set(Array.from({ length: 1000 }, () => createEventId(now)));
    expect(ids.size).toBe(1000);
  });
});
