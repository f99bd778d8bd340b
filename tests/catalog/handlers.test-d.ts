import { describe, expectTypeOf, test } from "vitest";
import type { Envelope, EventData, HandlerContext, InferEvents, Receipt } from "../../src/index.js";
import { events, user } from "../fixtures/typed-catalog.js";

// nothing here runs: `vitest --typecheck` only compiles this file
describe("on(name, handler)", () => {
  test("the handler receives the schema's output: defaults applied, transforms run", () => {
    events.on("order.placed", (order, ctx) => {
      expectTypeOf(order).toEqualTypeOf<{ orderId: string; quantity: number; total: number }>();
      expectTypeOf(ctx.event).toEqualTypeOf<Envelope<"order.placed", { orderId: string; quantity: number; total: number }>>();
      expectTypeOf(ctx.event.payload).toEqualTypeOf(order);
      expectTypeOf(ctx.attempt).toBeNumber();
      expectTypeOf(ctx.signal).toEqualTypeOf<AbortSignal>();
    });
    events.on("invoice.v2.paid", (invoice) => {
      expectTypeOf(invoice).toEqualTypeOf<{ invoiceId: string; paidAt: Date }>();
    });
    events.on("cache.flushed", (flush) => {
      expectTypeOf(flush).toEqualTypeOf<{ region: string } | undefined>();
    });
  });

  test("ctx.sendEvent, ctx.send and ctx.sendEvents are the catalog's typed senders", () => {
    events.on("file.uploaded", async (upload, ctx) => {
      expectTypeOf(ctx).toEqualTypeOf<HandlerContext<"file.uploaded", EventData<typeof events, "file.uploaded">, InferEvents<typeof events>>>();
      expectTypeOf(ctx.sendEvent).toEqualTypeOf(events.sendEvent);
      expectTypeOf(await ctx.sendEvent("file.processed", { fileId: upload.fileId, processingResult: "success" })).toEqualTypeOf<Receipt>();
      // @ts-expect-error processingResult is "success" | "failure"
      await ctx.sendEvent("file.processed", { fileId: upload.fileId, processingResult: "ok" });
      // @ts-expect-error not in the catalog
      await ctx.sendEvent("file.deleted", { fileId: upload.fileId });
      // @ts-expect-error user.created needs a payload
      await ctx.send({ name: "user.created" });
      // @ts-expect-error the element's payload belongs to another event
      await ctx.sendEvents([{ name: "file.uploaded", payload: user }]);
    });
  });

  test("the name and the handler's parameter are checked", () => {
    // @ts-expect-error not in the catalog
    events.on("user.deleted", () => undefined);
    // @ts-expect-error the handler reads a field of another event
    events.on("user.created", (created) => created.fileId);
    // @ts-expect-error a handler typed for the input: total arrives as a number
    events.on("order.placed", (order: { orderId: string; total: string }) => order);
    expectTypeOf(events.on("user.created", () => undefined, { id: "welcome", maxAttempts: 3 })).toEqualTypeOf<() => void>();
    // @ts-expect-error unknown option
    events.on("user.created", () => undefined, { retries: 3 });
  });
});

describe("chain(from, to, map)", () => {
  test("map gets from's output and must return to's input", () => {
    events.chain("file.uploaded", "file.processed", (upload) => ({ fileId: upload.fileId, processingResult: "success" as const }));
    events.chain("user.created", "order.placed", async (created, ctx) => {
      expectTypeOf(created).toEqualTypeOf<{ email: string; userId: string; name?: string | undefined }>();
      expectTypeOf(ctx.event.name).toEqualTypeOf<"user.created">();
      return { orderId: created.userId, total: "0" };
    });
    // @ts-expect-error order.placed's input takes total as a string (its output is the number)
    events.chain("user.created", "order.placed", (created) => ({ orderId: created.userId, total: 0 }));
    // @ts-expect-error missing filename
    events.chain("user.created", "file.uploaded", (created) => ({ fileId: created.userId }));
    // @ts-expect-error target not in the catalog
    events.chain("user.created", "file.deleted", () => ({}));
    // @ts-expect-error reading a field the source event does not have
    events.chain("user.created", "file.processed", (created) => ({ fileId: created.fileId, processingResult: "success" as const }));
  });
});
