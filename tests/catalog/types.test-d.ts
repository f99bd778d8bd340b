import { describe, expectTypeOf, test } from "vitest";
import type { StandardSchemaV1 } from "@standard-schema/spec";
import {
  type DataMap,
  defineEvents,
  type EventCatalog,
  type EventContext,
  type EventData,
  type EventHandler,
  type EventName,
  type EventPayload,
  type EventSchema,
  type HandlerContext,
  type InferEvents,
  type PayloadMap,
  type Receipt,
  type Transport,
} from "../../src/index.js";
import { schemas } from "../fixtures/catalog.js";
import { events, type Events, type Names } from "../fixtures/typed-catalog.js";

type UserCreated = { email: string; userId: string; name?: string | undefined };
type OrderIn = { orderId: string; quantity?: number | undefined; total: string };
type OrderOut = { orderId: string; quantity: number; total: number };

describe("exported helper types", () => {
  test("EventName is the union of the catalog's names", () => {
    expectTypeOf<EventName<Events>>().toEqualTypeOf<Names>();
    expectTypeOf(events.names).toEqualTypeOf<readonly Names[]>();
  });

  test("EventPayload is the schema's input, EventData its output", () => {
    expectTypeOf<EventPayload<Events, "user.created">>().toEqualTypeOf<UserCreated>();
    expectTypeOf<EventData<Events, "user.created">>().toEqualTypeOf<UserCreated>();
    expectTypeOf<EventPayload<Events, "order.placed">>().toEqualTypeOf<OrderIn>();
    expectTypeOf<EventData<Events, "order.placed">>().toEqualTypeOf<OrderOut>();
    expectTypeOf<EventPayload<Events, "invoice.v2.paid">>().toEqualTypeOf<{ invoiceId: string; paidAt: string }>();
    expectTypeOf<EventData<Events, "invoice.v2.paid">>().toEqualTypeOf<{ invoiceId: string; paidAt: Date }>();
    expectTypeOf<EventPayload<Events, "cache.flushed">>().toEqualTypeOf<{ region: string } | undefined>();
    // @ts-expect-error not in the catalog
    expectTypeOf<EventPayload<Events, "user.deleted">>().toBeUnknown();
    // @ts-expect-error not in the catalog
    expectTypeOf<EventData<Events, "user.deleted">>().toBeUnknown();
  });

  test("InferEvents maps every name to its payload (input) type", () => {
    type Map = InferEvents<Events>;
    expectTypeOf<keyof Map>().toEqualTypeOf<Names>();
    expectTypeOf<Map["user.created"]>().toEqualTypeOf<UserCreated>();
    expectTypeOf<Map["order.placed"]>().toEqualTypeOf<OrderIn>();
    expectTypeOf<Map["file.processed"]>().toEqualTypeOf<{ fileId: string; processingResult: "success" | "failure" }>();
    expectTypeOf<Map["payment.processed"]>().toEqualTypeOf<{ amount: number; currency: string; customerId: string }>();
  });
});

describe("the catalog's type arguments: payload and data maps, not the schemas", () => {
  type Catalog = ReturnType<typeof defineEvents<typeof schemas>>;
  type SignupIn = { email: string; plan?: string | undefined; seats: unknown };
  type SignupOut = { email: string; plan: string; seats: number };

  test("defineEvents maps each name to its input, then to its output", () => {
    expectTypeOf<Catalog["~types"]["payloads"]["signup.started"]>().toEqualTypeOf<SignupIn>();
    expectTypeOf<Catalog["~types"]["data"]["signup.started"]>().toEqualTypeOf<SignupOut>();
    expectTypeOf<Catalog["~types"]["payloads"]["app.started"]>().toEqualTypeOf<undefined>();
  });

  test("PayloadMap and DataMap write the same catalog type from a schema map", () => {
    expectTypeOf<EventCatalog<PayloadMap<typeof schemas>, DataMap<typeof schemas>>>().toEqualTypeOf<Catalog>();
    expectTypeOf(defineEvents(schemas)).toEqualTypeOf<EventCatalog<PayloadMap<typeof schemas>, DataMap<typeof schemas>>>();
    // @ts-expect-error the data map must name every event of the payload map
    type _Missing = EventCatalog<{ "a.b": string; "c.d": number }, { "a.b": string }>;
  });

  test("events.schemas holds Standard Schemas of each event's input and output", () => {
    const catalog = defineEvents(schemas);
    expectTypeOf(catalog.schemas["signup.started"]).toEqualTypeOf<EventSchema<SignupIn, SignupOut>>();
    expectTypeOf<StandardSchemaV1.InferInput<(typeof catalog.schemas)["signup.started"]>>().toEqualTypeOf<SignupIn>();
    expectTypeOf<StandardSchemaV1.InferOutput<(typeof catalog.schemas)["signup.started"]>>().toEqualTypeOf<SignupOut>();
    // the same objects at run time: the user's own schemas keep their validator's API
    expectTypeOf(schemas["signup.started"].shape.plan).not.toBeAny();
  });

  test("EventContext and EventHandler of a schema map type a handler as on() does", () => {
    const catalog = defineEvents(schemas);
    catalog.on("file.uploaded", (file, ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<EventContext<typeof schemas, "file.uploaded">>();
      expectTypeOf(ctx).toEqualTypeOf<HandlerContext<"file.uploaded", typeof file, InferEvents<typeof catalog>>>();
    });
    const handler: EventHandler<typeof schemas, "signup.started"> = (signup) => {
      expectTypeOf(signup).toEqualTypeOf<SignupOut>();
    };
    catalog.on("signup.started", handler);
  });
});

describe("the catalog object", () => {
  test("its methods destructure without losing their types", () => {
    const { sendEvent, send, sendEvents, parse, on } = events;
    expectTypeOf(sendEvent).toEqualTypeOf(events.sendEvent);
    expectTypeOf(send).toEqualTypeOf(events.send);
    expectTypeOf(sendEvents).toEqualTypeOf(events.sendEvents);
    expectTypeOf(parse("order.placed", {})).toEqualTypeOf<OrderOut>();
    expectTypeOf(on).parameter(0).toEqualTypeOf<Names>();
  });

  test("parse returns the output type and checks the name", () => {
    expectTypeOf(events.parse("invoice.v2.paid", null)).toEqualTypeOf<{ invoiceId: string; paidAt: Date }>();
    expectTypeOf(events.parse("cache.flushed", null)).toEqualTypeOf<{ region: string } | undefined>();
    // @ts-expect-error not in the catalog
    events.parse("user.deleted", {});
  });

  test("withTransport returns the same catalog type", () => {
    const other: Transport = { name: "other", deliver: async () => [] };
    expectTypeOf(events.withTransport(other)).toEqualTypeOf<Events>();
  });

  test("a generic wrapper (docs/catalog.md, Types) is typed at its own call sites", () => {
    // inside, the name is generic: sendEvent cannot pick one event's payload, so the loose form is called
    const sendAny = events.sendEvent as (name: string, payload?: unknown) => Promise<Receipt>;
    const emit = <N extends Names>(name: N, payload: EventPayload<Events, N>): Promise<Receipt> => sendAny(name, payload);
    void emit("user.created", { email: "a@b.co", userId: "u1" });
    // @ts-expect-error userId is required
    void emit("user.created", { email: "a@b.co" });
    // @ts-expect-error not in the catalog
    void emit("user.deleted", {});
  });
});
