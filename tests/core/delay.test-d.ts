import { describe, expectTypeOf, test } from "vitest";
import { type Delay, type DelayObject, type DurationString, parseDelay } from "../../src/core/delay.js";

describe("DurationString", () => {
  test("accepts <number><unit> parts", () => {
    expectTypeOf<"90s">().toExtend<DurationString>();
    expectTypeOf<"1h30m">().toExtend<DurationString>();
    expectTypeOf<"2d">().toExtend<DurationString>();
    expectTypeOf<"1.5h">().toExtend<DurationString>();
    expectTypeOf<"250ms">().toExtend<DurationString>();
    expectTypeOf<"1w">().toExtend<DurationString>();
  });

  test("rejects words, bare numbers and unknown units", () => {
    expectTypeOf<"soon">().not.toExtend<DurationString>();
    expectTypeOf<"">().not.toExtend<DurationString>();
    expectTypeOf<"90">().not.toExtend<DurationString>();
    expectTypeOf<"h">().not.toExtend<DurationString>();
    expectTypeOf<"3x">().not.toExtend<DurationString>();
    expectTypeOf<"Infinitys">().not.toExtend<DurationString>();
    expectTypeOf<90>().not.toExtend<DurationString>();
  });
});

describe("Delay", () => {
  test("is an object of parts, a duration string, or 0 for now", () => {
    expectTypeOf<Delay>().toEqualTypeOf<DelayObject | DurationString | 0>();
    expectTypeOf<0>().toExtend<Delay>();
    expectTypeOf<{ hours: 1; minutes: 30 }>().toExtend<Delay>();
    expectTypeOf<{ seconds: 1; minutes: 1; hours: 1; days: 1; weeks: 1 }>().toExtend<Delay>();
    expectTypeOf<"2d">().toExtend<Delay>();
  });

  test("rejects numbers, unknown keys and non-number parts", () => {
    expectTypeOf<5>().not.toExtend<Delay>();
    expectTypeOf<"soon">().not.toExtend<Delay>();
    expectTypeOf<{ hours: "1" }>().not.toExtend<Delay>();
    // @ts-expect-error months is not a unit
    parseDelay({ months: 1 });
    // @ts-expect-error a bare number has no unit
    parseDelay(5);
    // @ts-expect-error not a duration string
    parseDelay("soon");
  });

  test("parseDelay returns milliseconds", () => {
    expectTypeOf(parseDelay).returns.toBeNumber();
    expectTypeOf(parseDelay).parameter(0).toEqualTypeOf<Delay>();
  });
});
