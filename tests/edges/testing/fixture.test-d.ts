import { describe, expectTypeOf, test } from "vitest";
import { defineEvents, type EventPayload } from "../../../src/index.js";
import { fixture } from "../../../src/testing.js";
import { contractSchemas } from "../../fixtures/contract-schemas.js";

const events = defineEvents(contractSchemas);

describe("fixture types", () => {
  test("returns the event's input type, from a deep partial of it", () => {
    expectTypeOf(fixture(events, "user.created", { email: "x@y.io" })).toEqualTypeOf<EventPayload<typeof events, "user.created">>();
    expectTypeOf(fixture(events, "invoice.paid")).toEqualTypeOf<{ invoiceId: string; amount: number; paidAt: string }>();
    // @ts-expect-error a field of the wrong type
    fixture(events, "invoice.paid", { amount: "3" });
    // @ts-expect-error a field the event does not have
    fixture(events, "invoice.paid", { total: 3 });
    // @ts-expect-error not in the catalog
    fixture(events, "user.deleted");
  });
});
