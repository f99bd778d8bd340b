/**
 * A send's CloudEvents `attributes` are checked by rules that load on the first send that gives
 * them (bench/size: start-up code). Each test imports herald afresh (vi.resetModules), so its first
 * send really is the first: the checks must hold then, and on every send after.
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
