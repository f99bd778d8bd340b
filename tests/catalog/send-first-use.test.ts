/**
 * Rules a send needs rarely load on the first send that needs them (bench/size: start-up code):
 * the check of CloudEvents `attributes`, and the hashing of a derived id that would be too long.
 * Each test imports herald afresh (vi.resetModules), so its first send really is the first: the
 * rules must hold then, and on every send after.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { rejection } from "../helpers/caught.js";

const schemas = { "user.created": z.object({ userId: z.string() }) };

async function fresh() {
  const herald = await import("../../src/index.js");
  const { createRecordingTransport } = await import("../../src/testing.js");
  const transport = createRecordingTransport();
  const events = herald.defineEvents(schemas, { transport });
  // attributes are a loose send option: the HTTP edge passes a CloudEvent's on, typed sends take none
  type Loose = (name: string, payload: unknown, options?: object) => Promise<unknown>;
  const sendEvents = events.sendEvents as (messages: readonly object[]) => Promise<readonly unknown[]>;
  return { herald, transport, sendEvent: events.sendEvent as Loose, sendEvents };
}

beforeEach(() => {
  vi.resetModules();
});

describe("a send's attributes, checked on the first send that gives them and on every later one", () => {
  it("refuses a bad attribute on the first send and on the next, and keeps good ones", async () => {
    const { herald, transport, sendEvent } = await fresh();
    const bad = { "Bad-Name": "x" };
    const first = await rejection(sendEvent("user.created", { userId: "u1" }, { attributes: bad }));
    expect(first).toBeInstanceOf(herald.InvalidCloudEventError);
    expect(transport.sent).toEqual([]);
    const second = await rejection(sendEvent("user.created", { userId: "u1" }, { attributes: bad }));
    expect(second).toBeInstanceOf(herald.InvalidCloudEventError);
    expect((second as Error).message).toBe((first as Error).message);
    await sendEvent("user.created", { userId: "u1" }, { attributes: { source: "/crm", traceparent: "t" } });
    expect(transport.sent.map((e) => e.attributes)).toEqual([{ source: "/crm", traceparent: "t" }]);
  });

  it("refuses attributes that are not an object with InvalidCloudEventError (null was a TypeError)", async () => {
    const { herald, transport, sendEvent } = await fresh();
    for (const attributes of [null, "abc", 5, ["x"]]) {
      const error = await rejection(sendEvent("user.created", { userId: "u1" }, { attributes }));
      expect(error, JSON.stringify(attributes)).toBeInstanceOf(herald.InvalidCloudEventError);
    }
    expect(transport.sent).toEqual([]);
  });

  it("checks the attributes before the payload on the first send, as after", async () => {
    const { herald, sendEvent } = await fresh();
    const attributes = { source: "x".repeat(3000) };
    for (let i = 0; i < 2; i++) {
      const error = await rejection(sendEvent("user.created", { userId: 1 }, { attributes }));
      expect(error, `send ${i + 1}`).toBeInstanceOf(herald.InvalidCloudEventError);
    }
    const invalid = await rejection(sendEvent("user.created", { userId: 1 }, { attributes: {} }));
    expect(invalid).toBeInstanceOf(herald.EventValidationError);
  });

  it("keeps a batch all or nothing when its first event is the first to give attributes", async () => {
    const { transport, sendEvents } = await fresh();
    const error = await rejection(
      sendEvents([
        { name: "user.created", payload: { userId: "u1" }, attributes: { source: "/crm" } },
        { name: "user.created", payload: { userId: "u2" }, attributes: { "": "x" } },
      ]),
    );
    expect(error).toMatchObject({ code: "INVALID_CLOUD_EVENT", index: 1 });
    expect(transport.sent).toEqual([]);
    const receipts = await sendEvents([
      { name: "user.created", payload: { userId: "u1" }, attributes: { source: "/crm" } },
      { name: "user.created", payload: { userId: "u2" } },
    ]);
    expect(receipts).toHaveLength(2);
    expect(transport.sent.map((e) => e.attributes)).toEqual([{ source: "/crm" }, undefined]);
  });
});

describe("a derived id too long to use as it is, hashed on the first send that needs it", () => {
  it("numbers a handler's sends in call order, and a retry re-sends the same ids", async () => {
    const herald = await import("../../src/index.js");
    const { childId } = await import("../../src/catalog/child-id.js");
    const events = herald.defineEvents({ ...schemas, "user.noted": z.object({ n: z.number() }) });
    const parent = "r".repeat(253); // children /0 to /9 fit in 255 characters, /10 does not
    const sent: string[][] = [];
    events.on("user.created", async (_, ctx) => {
      const receipts = await Promise.all(Array.from({ length: 11 }, (__, n) => ctx.sendEvent("user.noted", { n })));
      sent.push(receipts.map((r) => r.id));
      if (ctx.attempt === 1) throw new Error("retry me");
    });
    await events.sendEvent("user.created", { userId: "u1" }, { id: parent });
    await vi.waitFor(() => expect(sent).toHaveLength(2), { timeout: 5000 });
    const expected = Array.from({ length: 11 }, (_, n) => (n < 10 ? `${parent}/${n}` : childId(parent, n)));
    expect(expected[10]).toMatch(/^[0-9a-f]{16}\/10$/);
    expect(sent).toEqual([expected, expected]);
    await events.drain();
  });
});
