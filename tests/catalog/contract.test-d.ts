import { describe, expectTypeOf, test } from "vitest";
import { type CloudEvent, fromCloudEvent, toCloudEvent } from "../../src/cloudevents.js";
import { type AsyncAPIDocument, defineEvents, type Envelope, type JSONSchemaObject } from "../../src/index.js";
import { contractSchemas } from "../fixtures/contract-schemas.js";

const events = defineEvents(contractSchemas);

describe("contract exports, typed", () => {
  test("toJSONSchema is keyed by the catalog's names", async () => {
    const schemas = await events.toJSONSchema();
    expectTypeOf(schemas["user.created"]).toEqualTypeOf<JSONSchemaObject>();
    expectTypeOf<keyof typeof schemas>().toEqualTypeOf<"user.created" | "invoice.paid" | "invoice.sent" | "file.uploaded">();
    // @ts-expect-error not in the catalog
    void schemas["user.deleted"];
    // @ts-expect-error io is input or output
    void events.toJSONSchema({ io: "both" });
  });

  test("toJSONSchema with versions: all adds <name>-v<N> keys, each maybe absent", async () => {
    const schemas = await events.toJSONSchema({ versions: "all", io: "output" });
    expectTypeOf(schemas["user.created"]).toEqualTypeOf<JSONSchemaObject>();
    expectTypeOf(schemas["user.created-v1"]).toEqualTypeOf<JSONSchemaObject | undefined>();
    // @ts-expect-error still not in the catalog
    void schemas["user.deleted"];
    // @ts-expect-error versions is latest or all
    void events.toJSONSchema({ versions: 2 });
  });

  test("toAsyncAPI needs a title and a version", async () => {
    expectTypeOf(await events.toAsyncAPI({ title: "t", version: "1" })).toEqualTypeOf<AsyncAPIDocument>();
    // @ts-expect-error version is required
    void events.toAsyncAPI({ title: "t" });
    // @ts-expect-error a server needs a protocol
    void events.toAsyncAPI({ title: "t", version: "1", servers: { prod: { host: "h" } } });
  });

  test("toCloudEvent keeps the payload's type as data; fromCloudEvent gives an untyped envelope", () => {
    events.on("invoice.paid", (_invoice, ctx) => {
      const cloudEvent = toCloudEvent(ctx.event, { source: "/billing" });
      expectTypeOf(cloudEvent).toEqualTypeOf<CloudEvent<{ invoiceId: string; amount: number; paidAt: string }>>();
      expectTypeOf(cloudEvent.data).toEqualTypeOf<{ invoiceId: string; amount: number; paidAt: string } | undefined>();
      // @ts-expect-error source is required
      toCloudEvent(ctx.event, {});
    });
    expectTypeOf(fromCloudEvent({})).toEqualTypeOf<Envelope>();
  });
});
