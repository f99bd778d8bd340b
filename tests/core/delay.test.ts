import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Delay, MAX_DELAY_MS, parseDelay, resolveDeliverAt } from "../../src/core/delay.js";
import { InvalidDelayError } from "../../src/core/errors.js";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Asserts `fn` throws an InvalidDelayError with code INVALID_DELAY, and returns its message. */
function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidDelayError);
    expect((error as InvalidDelayError).code).toBe("INVALID_DELAY");
    return (error as Error).message;
  }
  throw new Error("expected an InvalidDelayError");
}

describe("parseDelay with objects", () => {
  it.each<[Delay, number]>([
    [{ seconds: 90 }, 90 * SECOND],
    [{ minutes: 2 }, 2 * MINUTE],
    [{ hours: 24 }, DAY],
    [{ days: 2 }, 2 * DAY],
    [{ weeks: 1 }, 7 * DAY],
    [{ hours: 1, minutes: 30 }, 90 * MINUTE],
    [{ weeks: 1, days: 1, hours: 1, minutes: 1, seconds: 1 }, 8 * DAY + HOUR + MINUTE + SECOND],
    [{ seconds: 0.5 }, 500],
    [{}, 0],
  ])("turns %j into %d ms", (delay, ms) => {
    expect(parseDelay(delay)).toBe(ms);
  });

  it("skips a unit set to undefined", () => {
    expect(parseDelay({ hours: 1, minutes: undefined } as unknown as Delay)).toBe(HOUR);
  });

  it.each([
    { hours: -1 },
    { minutes: Number.NaN },
    { seconds: Number.POSITIVE_INFINITY },
    { days: "2" },
    { weeks: null },
  ])("rejects the amount in %j", (delay) => {
    expect(invalid(() => parseDelay(delay as unknown as Delay))).toMatch(/must be a finite number of 0 or more/);
  });

  it.each([{ hour: 1 }, { ms: 5 }, { months: 1 }])("rejects the unknown key in %j", (delay) => {
    expect(invalid(() => parseDelay(delay as unknown as Delay))).toMatch(/Unknown delay unit/);
  });

  it.each([null, 5, [1], true])("rejects the non-object %j", (delay) => {
    expect(invalid(() => parseDelay(delay as unknown as Delay))).toMatch(/Delay must be an object/);
  });

  it.each([
    ["constructor", { constructor: 1 }],
    ["toString", { toString: 1 }],
    ["hasOwnProperty", { hasOwnProperty: 2 }],
    ["valueOf", { valueOf: 3 }],
    ["__proto__ (as JSON.parse makes it: an own key)", JSON.parse('{"__proto__": 1}')],
    ["__proto__ beside a real unit", JSON.parse('{"hours": 1, "__proto__": {"hours": 2}}')],
  ])("refuses a key that only Object.prototype knows: %s", (_, delay) => {
    // before: the lookup found Object.prototype's member, the amount became NaN, and a RangeError followed
    expect(invalid(() => parseDelay(delay as Delay))).toMatch(/Unknown delay unit/);
  });

  it("ignores inherited keys: only the object's own units count", () => {
    const delay = Object.create({ hours: 5 }) as Record<string, number>;
    delay.minutes = 1;
    expect(parseDelay(delay as Delay)).toBe(MINUTE);
  });
});

describe("a delay of 0", () => {
  it.each<[string, Delay]>([
    ["the number 0", 0],
    ['"0s"', "0s"],
    ['"0ms"', "0ms"],
    ["{ seconds: 0 }", { seconds: 0 }],
    ["{}", {}],
  ])("%s is 0 ms, and resolves to now", (_, delay) => {
    expect(parseDelay(delay)).toBe(0);
    expect(resolveDeliverAt(Date.UTC(2026, 0, 1), delay, undefined)).toBeUndefined();
  });

  it("refuses other bare numbers, saying why", () => {
    expect(invalid(() => parseDelay(90 as unknown as Delay))).toMatch(
      /a string like "1h", got 90 \(a number other than 0 has no unit/,
    );
  });
});

describe("parseDelay with strings", () => {
  it.each<[Delay, number]>([
    ["90s", 90 * SECOND],
    ["1h30m", 90 * MINUTE],
    ["2d", 2 * DAY],
    ["500ms", 500],
    ["1w", 7 * DAY],
    ["1m30s", 90 * SECOND],
    ["1.5h", 90 * MINUTE],
    ["0s", 0],
    [" 5m ", 5 * MINUTE],
  ])("turns %j into %d ms", (delay, ms) => {
    expect(parseDelay(delay)).toBe(ms);
  });

  it("adds hours and minutes: `${n}h${m}m` is (n*60+m)*60000", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 1000 }),
        fc.nat({ max: 10_000 }),
        (n, m) => parseDelay(`${n}h${m}m`) === (n * 60 + m) * MINUTE,
      ),
    );
  });

  it("agrees with the object form for every unit", () => {
    const units = [
      ["s", "seconds"],
      ["m", "minutes"],
      ["h", "hours"],
      ["d", "days"],
      ["w", "weeks"],
    ] as const;
    fc.assert(
      fc.property(
        fc.nat({ max: 50 }),
        fc.constantFrom(...units),
        (n, [short, long]) => parseDelay(`${n}${short}`) === parseDelay({ [long]: n }),
      ),
    );
  });

  it.each(["", "   "])("rejects the empty string %j", (text) => {
    expect(invalid(() => parseDelay(text as Delay))).toMatch(/empty/);
  });

  it.each(["-1h", "1y", "1 h", "h", "1h30", "soon", "1h 30m", "5mm", "NaNs", "Infinityh", "1e3s"])(
    "rejects %j and shows where it broke",
    (text) => {
      expect(invalid(() => parseDelay(text as Delay))).toMatch(/Invalid delay .*\(units ms, s, m, h, d, w/);
    },
  );

  it("rejects any string that does not follow the grammar", () => {
    const grammar = /^\s*(\d+(\.\d+)?(ms|s|m|h|d|w))+\s*$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        fc.pre(!grammar.test(text));
        invalid(() => parseDelay(text as Delay));
      }),
    );
  });
});

describe("the maximum delay", () => {
  it("accepts exactly the maximum", () => {
    expect(parseDelay({ days: 365 })).toBe(MAX_DELAY_MS);
    expect(parseDelay("365d")).toBe(MAX_DELAY_MS);
  });

  it.each<Delay>([{ days: 366 }, "366d", "52w2d", { days: 365, seconds: 1 }, `${"9".repeat(400)}s` as Delay])(
    "rejects %j",
    (delay) => {
      expect(invalid(() => parseDelay(delay))).toMatch(/longer than the maximum of 365 days/);
    },
  );
});

describe("resolveDeliverAt", () => {
  const now = Date.UTC(2026, 5, 1, 12);

  it("means now without delay or deliverAt", () => {
    expect(resolveDeliverAt(now, undefined, undefined)).toBeUndefined();
  });

  it("adds a delay to now", () => {
    expect(resolveDeliverAt(now, "1h", undefined)).toBe(now + HOUR);
    expect(resolveDeliverAt(now, { minutes: 5 }, undefined)).toBe(now + 5 * MINUTE);
  });

  it("treats a zero delay as now", () => {
    expect(resolveDeliverAt(now, "0s", undefined)).toBeUndefined();
  });

  it("accepts deliverAt as a Date or an ISO string", () => {
    expect(resolveDeliverAt(now, undefined, new Date(now + DAY))).toBe(now + DAY);
    expect(resolveDeliverAt(now, undefined, new Date(now + HOUR).toISOString())).toBe(now + HOUR);
  });

  it("treats a deliverAt in the past, or exactly now, as now", () => {
    expect(resolveDeliverAt(now, undefined, new Date(now - DAY))).toBeUndefined();
    expect(resolveDeliverAt(now, undefined, new Date(now))).toBeUndefined();
  });

  it("rejects both delay and deliverAt", () => {
    expect(invalid(() => resolveDeliverAt(now, "1h", new Date(now + HOUR)))).toMatch(
      /either delay or deliverAt, not both/,
    );
  });

  it.each([new Date(Number.NaN), "not a date", "", 12345 as unknown as string])(
    "rejects the deliverAt %j",
    (deliverAt) => {
      expect(invalid(() => resolveDeliverAt(now, undefined, deliverAt))).toMatch(/valid Date or ISO date string/);
    },
  );

  it("rejects a deliverAt more than 365 days away", () => {
    expect(invalid(() => resolveDeliverAt(now, undefined, new Date(now + MAX_DELAY_MS + 1)))).toMatch(
      /more than 365 days away/,
    );
    expect(resolveDeliverAt(now, undefined, new Date(now + MAX_DELAY_MS))).toBe(now + MAX_DELAY_MS);
  });

  it("rejects a malformed delay", () => {
    invalid(() => resolveDeliverAt(now, "soon" as Delay, undefined));
  });
});
