import { describe, expectTypeOf, test } from "vitest";
import { type IsEventName, isEventName } from "../../src/core/names.js";

describe("IsEventName", () => {
  test("true for names that follow the rules", () => {
    expectTypeOf<IsEventName<"user.created">>().toEqualTypeOf<true>();
    expectTypeOf<IsEventName<"user.password_reset">>().toEqualTypeOf<true>();
    expectTypeOf<IsEventName<"invoice.v2.paid">>().toEqualTypeOf<true>();
    expectTypeOf<IsEventName<"a.b">>().toEqualTypeOf<true>();
    expectTypeOf<IsEventName<"order.line_item.added_2">>().toEqualTypeOf<true>();
  });

  test("false for each broken rule", () => {
    expectTypeOf<IsEventName<"User.Created">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user.Created">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"usercreated">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user..created">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user.created!">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user.">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<".user">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user.created\n">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user.created\t">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user.1x">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user._x">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"_user.x">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"1user.x">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user-x.y">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user x.y">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"user/x.y">>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<"">>().toEqualTypeOf<false>();
  });

  test("false for what is not a literal name", () => {
    expectTypeOf<IsEventName<string>>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<42>>().toEqualTypeOf<false>();
    expectTypeOf<IsEventName<symbol>>().toEqualTypeOf<false>();
  });

  test("distributes over a union, one answer per member", () => {
    expectTypeOf<IsEventName<"user.created" | "file.uploaded">>().toEqualTypeOf<true>();
    expectTypeOf<IsEventName<"user.created" | "Bad">>().toEqualTypeOf<boolean>();
  });
});

describe("isEventName", () => {
  test("narrows unknown to string", () => {
    const value: unknown = "user.created";
    if (isEventName(value)) expectTypeOf(value).toBeString();
  });
});
