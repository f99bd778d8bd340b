import { describe, expectTypeOf, test } from "vitest";
import type { Envelope } from "../../../src/index.js";
import { type DeepPartial, recordEvents } from "../../../src/testing.js";
import { events, type Events } from "../../fixtures/typed-catalog.js";

type OrderOut = { orderId: string; quantity: number; total: number };
const recorder = recordEvents(events);

describe("recordEvents", () => {
  test("events is the same catalog type", () => {
    expectTypeOf(recorder.events).toEqualTypeOf<Events>();
    expectTypeOf(recorder.sent).toEqualTypeOf<readonly Envelope[]>();
  });

  test("sentOf: name checked, payload typed as the handler sees it", () => {
    expectTypeOf(recorder.sentOf("order.placed")).toEqualTypeOf<readonly Envelope<"order.placed", OrderOut>[]>();
    expectTypeOf(recorder.sentOf("invoice.v2.paid")[0]!.payload.paidAt).toEqualTypeOf<Date>();
    // @ts-expect-error not in the catalog
    recorder.sentOf("user.deleted");
  });

  test("expectSent: name checked, match is a deep partial of the output", () => {
    expectTypeOf(recorder.expectSent("order.placed")).toEqualTypeOf<Envelope<"order.placed", OrderOut>>();
    recorder.expectSent("order.placed", { quantity: 1 });
    recorder.expectSent("order.placed", { total: 9.5 });
    recorder.expectSent("user.created", { email: "a@b.co" });
    recorder.expectSent("invoice.v2.paid", { paidAt: new Date() });
    // @ts-expect-error not in the catalog
    recorder.expectSent("user.deleted");
    // @ts-expect-error total is matched against the output: a number
    recorder.expectSent("order.placed", { total: "9.50" });
    // @ts-expect-error a field the event does not have
    recorder.expectSent("order.placed", { sku: "x" });
    // @ts-expect-error a Date is matched whole, not as a bag of optional methods
    recorder.expectSent("invoice.v2.paid", { paidAt: {} });
    // @ts-expect-error a Date field does not take a string
    recorder.expectSent("invoice.v2.paid", { paidAt: "2025-01-01" });
  });

  test("DeepPartial goes all the way down and keeps arrays whole", () => {
    type Nested = { a: { b: { c: number } }; list: string[] };
    expectTypeOf<{ a: { b: {} } }>().toExtend<DeepPartial<Nested>>();
    expectTypeOf<{ a: { b: { c: "x" } } }>().not.toExtend<DeepPartial<Nested>>();
    expectTypeOf<DeepPartial<Nested>["list"]>().toEqualTypeOf<string[] | undefined>();
  });
});
