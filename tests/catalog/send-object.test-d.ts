import { describe, expectTypeOf, test } from "vitest";
import type { InferEvents, Receipt } from "../../src/index.js";
import { events, type Events, file, user } from "../fixtures/typed-catalog.js";

// nothing here runs: `vitest --typecheck` only compiles this file
const { send, sendEvents } = events;
declare const oneOfTwo: "user.created" | "file.uploaded";
declare const anyName: string;
declare const everyName: keyof InferEvents<Events>;

describe("send({ name, payload, ...options })", () => {
  test("checks the name, the payload's input type and the options", () => {
    expectTypeOf(send({ name: "user.created", payload: user, delay: "24h" })).toEqualTypeOf<Promise<Receipt>>();
    void send({ name: "order.placed", payload: { orderId: "o1", total: "9.50" }, id: "evt_1", deliverAt: new Date() });
    // @ts-expect-error not in the catalog
    void send({ name: "user.deleted", payload: user });
    // @ts-expect-error userId is required
    void send({ name: "user.created", payload: { email: "a@b.co" } });
    // @ts-expect-error excess property in a literal payload
    void send({ name: "user.created", payload: { ...user, admin: true } });
    // @ts-expect-error the payload of another event
    void send({ name: "file.uploaded", payload: user });
    // @ts-expect-error unknown option
    void send({ name: "user.created", payload: user, delayMs: 5 });
    // @ts-expect-error delay parts are numbers
    void send({ name: "user.created", payload: user, delay: { hours: "1" } });
    // @ts-expect-error a bare number has no unit
    void send({ name: "user.created", payload: user, delay: 5 });
    // @ts-expect-error delay and deliverAt exclude each other
    void send({ name: "user.created", payload: user, delay: "1h", deliverAt: new Date() });
    void send({ name: "user.created", payload: user, deliverAt: new Date() });
  });

  test("payload may be left out only where the schema accepts undefined", () => {
    void send({ name: "cache.flushed" });
    void send({ name: "cache.flushed", delay: "1m" });
    // @ts-expect-error user.created needs a payload
    void send({ name: "user.created" });
  });

  test("a name that is not one literal accepts no payload", () => {
    // @ts-expect-error a union of two names
    void send({ name: oneOfTwo, payload: user });
    // @ts-expect-error every name of the catalog
    void send({ name: everyName, payload: user });
    // @ts-expect-error `string` is not a name
    void send({ name: anyName, payload: user });
  });
});

describe("sendEvents([...]): every element typed on its own", () => {
  test("mixed events in one batch", () => {
    expectTypeOf(sendEvents([{ name: "user.created", payload: user }])).toEqualTypeOf<Promise<readonly Receipt[]>>();
    void sendEvents([
      { name: "user.created", payload: user, delay: "1h" },
      { name: "file.uploaded", payload: file },
      { name: "cache.flushed" },
      { name: "order.placed", payload: { orderId: "o1", total: "1" } },
    ]);
    void sendEvents([]);
  });

  test("a bad element is an error at that element", () => {
    // @ts-expect-error the second element carries the first one's payload
    void sendEvents([{ name: "user.created", payload: user }, { name: "file.uploaded", payload: user }]);
    // @ts-expect-error excess property in a literal payload
    void sendEvents([{ name: "file.uploaded", payload: { ...file, size: 1 } }]);
    // @ts-expect-error missing payload
    void sendEvents([{ name: "cache.flushed" }, { name: "user.created" }]);
    // @ts-expect-error not in the catalog
    void sendEvents([{ name: "user.deleted", payload: user }]);
    // @ts-expect-error a bare number has no unit
    void sendEvents([{ name: "user.created", payload: user, delay: 5 }]);
    // @ts-expect-error unknown option
    void sendEvents([{ name: "user.created", payload: user, priority: 1 }]);
    // @ts-expect-error delay and deliverAt exclude each other
    void sendEvents([{ name: "cache.flushed" }, { name: "user.created", payload: user, delay: "1h", deliverAt: new Date() }]);
  });

  test("an element whose name is not one literal accepts no payload", () => {
    // @ts-expect-error a union of two names
    void sendEvents([{ name: oneOfTwo, payload: user }]);
    // @ts-expect-error `string` is not a name
    void sendEvents([{ name: anyName, payload: user }]);
    const loose: { name: keyof InferEvents<Events>; payload: unknown }[] = [];
    // @ts-expect-error an array built with wide names
    void sendEvents(loose);
  });

  test("a prepared array of exact messages is accepted", () => {
    const batch = [{ name: "user.created", payload: user }, { name: "file.uploaded", payload: file }] as const;
    void sendEvents(batch);
  });
});
