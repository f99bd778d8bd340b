import { describe, expectTypeOf, test } from "vitest";
import { z } from "zod";
import { type AnyCatalog, defineEvent, defineEvents, type EventData, type EventDescription, type EventPayload, type Envelope } from "../../src/index.js";
import { contractSchemas, userV1, userV2, userV3 } from "../fixtures/contract-schemas.js";

const events = defineEvents(contractSchemas);
type Events = typeof events;
type UserIn = { firstName: string; lastName: string; email: string; plan?: "free" | "pro" | undefined };
type UserOut = { firstName: string; lastName: string; email: string; plan: "free" | "pro" };

describe("defineEvent types", () => {
  test("a defined event reads as its newest schema: senders write its input, handlers get its output", () => {
    expectTypeOf<EventPayload<Events, "user.created">>().toEqualTypeOf<UserIn>();
    expectTypeOf<EventData<Events, "user.created">>().toEqualTypeOf<UserOut>();
    expectTypeOf<EventPayload<Events, "invoice.sent">>().toEqualTypeOf<{ invoiceId: string }>();
    // a plain schema beside defined ones is unchanged
    expectTypeOf<EventPayload<Events, "file.uploaded">>().toEqualTypeOf<{ fileId: string; size: number }>();
    events.on("user.created", (user, ctx) => {
      expectTypeOf(user).toEqualTypeOf<UserOut>();
      expectTypeOf(ctx.event).toEqualTypeOf<Envelope<"user.created", UserOut>>();
      expectTypeOf(ctx.event.version).toEqualTypeOf<number | undefined>();
    });
    // @ts-expect-error senders send the newest version: v1's shape is refused
    void events.sendEvent("user.created", { fullName: "Ada L", email: "a@b.co" });
  });

  test("each upcaster takes version n's output and must return version n+1's input", () => {
    defineEvent({
      versions: [userV1, userV2],
      upcast: [
        (v1) => {
          expectTypeOf(v1).toEqualTypeOf<{ fullName: string; email: string }>();
          return { firstName: v1.fullName, lastName: "", email: v1.email };
        },
      ],
    });
    // @ts-expect-error lastName is missing from v2's input
    defineEvent({ versions: [userV1, userV2], upcast: [(v1) => ({ firstName: v1.fullName, email: v1.email })] });
    // @ts-expect-error three versions take two upcasters
    defineEvent({ versions: [userV1, userV2, userV3], upcast: [(v1) => ({ firstName: v1.fullName, lastName: "", email: v1.email })] });
    // @ts-expect-error upcasters are synchronous
    defineEvent({ versions: [userV1, userV2], upcast: [async (v1) => ({ firstName: v1.fullName, lastName: "", email: v1.email })] });
    // @ts-expect-error an upcaster reads version n's fields, not n+1's
    defineEvent({ versions: [userV1, userV2], upcast: [(v1) => ({ firstName: v1.firstName, lastName: "", email: v1.email })] });
    const withDefault = z.object({ count: z.number().default(0) });
    defineEvent({
      versions: [withDefault, z.object({ total: z.number() })],
      // the output of v1 (count is set) feeds the input of v2
      upcast: [(v1) => ({ total: v1.count })],
    });
  });

  test("a versioned definition returns the newest schema's type; metadata is checked", () => {
    const event = defineEvent({ versions: [userV1, userV2], upcast: [(v1) => ({ firstName: v1.fullName, lastName: "", email: v1.email })], owner: "accounts" });
    expectTypeOf(event).toMatchTypeOf<typeof userV2>();
    expectTypeOf(event["~definition"].owner).toEqualTypeOf<string | undefined>();
    defineEvent(userV1, { description: "x", owner: "y", deprecated: "use z" });
    defineEvent(userV1, { examples: [{ fullName: "Ada", email: "ada@example.com" }] });
    // @ts-expect-error an example must be the schema's input
    defineEvent(userV1, { examples: [{ fullName: "Ada" }] });
    // @ts-expect-error deprecated is true or a reason
    defineEvent(userV1, { deprecated: 1 });
  });

  test("describe() types its examples as the event's input", () => {
    expectTypeOf(events.describe("user.created")).toEqualTypeOf<EventDescription<UserIn>>();
    expectTypeOf(events.describe("user.created").examples).toEqualTypeOf<readonly UserIn[] | undefined>();
    // @ts-expect-error not in the catalog
    events.describe("user.deleted");
  });

  test("upcast() returns the newest output; versions travel only through untyped sends", () => {
    expectTypeOf(events.upcast("user.created", 1, {})).toEqualTypeOf<UserOut>();
    // where the name is known only at run time (the HTTP handler, a queue consumer), a send may name the payload's version
    const loose: AnyCatalog = events;
    const name: string = "user.created";
    void loose.send({ name, payload: {}, version: 1 });
    void loose.sendEvent(name, {}, { version: 1 });
    // @ts-expect-error a typed send writes the newest version and takes no version
    void events.send({ name: "user.created", payload: { firstName: "A", lastName: "B", email: "a@b.co" }, version: 1 });
  });
});
