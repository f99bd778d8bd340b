import { describe, expectTypeOf, test } from "vitest";
import type { LooseSendOptions } from "../../src/catalog/types.js";
import type { EventName, InferEvents, Receipt, SendOptions } from "../../src/index.js";
import { events, type Events, file, type Names, user } from "../fixtures/typed-catalog.js";

// nothing here runs: `vitest --typecheck` only compiles this file
const { sendEvent } = events;
declare const oneOfTwo: "user.created" | "file.uploaded";
declare const anyName: string;
declare const everyName: keyof InferEvents<Events>;

describe("sendEvent(name, payload, options?)", () => {
  test("the name parameter accepts exactly the catalog's names", () => {
    // Parameters<> of a generic signature erases TName to `any`, which sendEvent rejects, so the
    // name set is asserted through the exported helper and by calls
    expectTypeOf<EventName<typeof events>>().toEqualTypeOf<Names>();
    expectTypeOf(sendEvent("user.created", user)).toEqualTypeOf<Promise<Receipt>>();
    // @ts-expect-error not in the catalog
    void sendEvent("user.deleted", user);
    // @ts-expect-error names are matched exactly, not case-insensitively
    void sendEvent("User.created", user);
  });

  test("the payload is the schema's input type", () => {
    void sendEvent("user.created", { email: "a@b.co", name: "Ann", userId: "u1" });
    // @ts-expect-error email is a string
    void sendEvent("user.created", { email: 1, userId: "u1" });
    // @ts-expect-error userId is required
    void sendEvent("user.created", { email: "a@b.co" });
    // @ts-expect-error excess property in a literal
    void sendEvent("user.created", { email: "a@b.co", userId: "u1", admin: true });
    // @ts-expect-error the payload of another event
    void sendEvent("user.created", file);
    // @ts-expect-error an enum member
    void sendEvent("file.processed", { fileId: "f1", processingResult: "done" });
  });

  test("input, not output: defaults may be left out, transforms take their input", () => {
    void sendEvent("order.placed", { orderId: "o1", total: "9.50" });
    void sendEvent("order.placed", { orderId: "o1", quantity: 2, total: "9.50" });
    // @ts-expect-error total is transformed from a string: the sender writes the string
    void sendEvent("order.placed", { orderId: "o1", total: 9.5 });
    void sendEvent("invoice.v2.paid", { invoiceId: "i1", paidAt: "2025-01-01" });
    // @ts-expect-error valibot too: paidAt is a string in, a Date out
    void sendEvent("invoice.v2.paid", { invoiceId: "i1", paidAt: new Date() });
  });

  test("a missing payload is an error unless the schema accepts undefined", () => {
    // @ts-expect-error user.created needs a payload
    void sendEvent("user.created");
    void sendEvent("cache.flushed");
    void sendEvent("cache.flushed", undefined, { delay: "1m" });
    void sendEvent("cache.flushed", { region: "eu" });
    // @ts-expect-error region is a string
    void sendEvent("cache.flushed", { region: 1 });
  });

  test("options: id, delay (object or duration string), deliverAt", () => {
    void sendEvent("user.created", user, { id: "evt_1", delay: { hours: 1, minutes: 30 } });
    void sendEvent("user.created", user, { delay: "1h30m" });
    void sendEvent("user.created", user, { deliverAt: new Date() });
    void sendEvent("user.created", user, { deliverAt: "2030-01-01T00:00:00Z" });
    // @ts-expect-error unknown option
    void sendEvent("user.created", user, { delayMs: 5 });
    // @ts-expect-error delay parts are numbers
    void sendEvent("user.created", user, { delay: { hours: "1" } });
    // @ts-expect-error a bare number has no unit
    void sendEvent("user.created", user, { delay: 5 });
    // @ts-expect-error not a duration string
    void sendEvent("user.created", user, { delay: "soon" });
    // @ts-expect-error unknown delay unit
    void sendEvent("user.created", user, { delay: { months: 1 } });
    // @ts-expect-error deliverAt is a Date or an ISO string
    void sendEvent("user.created", user, { deliverAt: Date.now() });
    // @ts-expect-error a fourth argument
    void sendEvent("user.created", user, {}, {});
  });

  test("delay and deliverAt exclude each other, for typed and loose names", () => {
    // @ts-expect-error both: which one wins is not a question the sender should be able to ask
    void sendEvent("user.created", user, { delay: "1h", deliverAt: new Date() });
    // @ts-expect-error both, with an id
    void sendEvent("user.created", user, { id: "e1", deliverAt: "2030-01-01T00:00:00Z", delay: { minutes: 5 } });
    // the options of a name known only at run time (a generic wrapper, HTTP) follow the same rule
    expectTypeOf<{ delay: "1h"; deliverAt: Date; version: 1 }>().not.toExtend<LooseSendOptions>();
    expectTypeOf<{ delay: "1h"; version: 1 }>().toExtend<LooseSendOptions>();
    expectTypeOf<{ deliverAt: Date; id: "e1" }>().toExtend<SendOptions>();
  });

  test("a name that is not one literal accepts no payload", () => {
    // a payload valid for one member of the union must not pass for all of them
    // @ts-expect-error a union of two names
    void sendEvent(oneOfTwo, user);
    // @ts-expect-error even a payload valid for both members (the union is the mistake)
    void sendEvent(oneOfTwo, { ...user, ...file });
    // @ts-expect-error every name of the catalog
    void sendEvent(everyName, user);
    // @ts-expect-error `string` is not a name
    void sendEvent(anyName, user);
    // @ts-expect-error a missing payload for a union name
    void sendEvent(oneOfTwo);
    if (oneOfTwo === "user.created") void sendEvent(oneOfTwo, user);
  });
});

describe("send options: signal, and on()'s timeoutMs", () => {
  test("a send takes an AbortSignal, nothing else", () => {
    expectTypeOf<SendOptions["signal"]>().toEqualTypeOf<AbortSignal | undefined>();
    void sendEvent("user.created", user, { signal: AbortSignal.timeout(1000), id: "k1" });
    // @ts-expect-error a signal is an AbortSignal
    void sendEvent("user.created", user, { signal: 1000 });
  });

  test("on() takes a timeoutMs", () => {
    events.on("user.created", () => undefined, { timeoutMs: 5000, maxAttempts: 2 });
    // @ts-expect-error a time limit is a number of ms
    events.on("user.created", () => undefined, { timeoutMs: "5s" });
  });
});
