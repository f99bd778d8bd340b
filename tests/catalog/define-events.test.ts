import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  defineEvents,
  EventValidationError,
  InvalidEventNameError,
  InvalidOptionsError,
  type Transport,
  TransportError,
  UnknownEventError,
} from "../../src/index.js";
import { createRecordingTransport } from "../../src/testing.js";
import { schemas } from "../fixtures/catalog.js";
import { createCatalog } from "../helpers/catalog.js";
import { caught, rejection } from "../helpers/caught.js";
import { watchEscapes } from "../helpers/unhandled.js";

// bypasses the compile-time name check, to reach the run-time one
const defineUnchecked = defineEvents as (
  schemas: Record<string, unknown>,
  options?: { transport?: Transport },
) => unknown;

describe("defineEvents", () => {
  it.each(["User.Created", "usercreated", "user..created", "user.created!"])(
    "rejects the name %j with InvalidEventNameError",
    (name) => {
      const error = caught(() => defineUnchecked({ "user.ok": z.object({}), [name]: z.object({}) }));
      expect(error).toBeInstanceOf(InvalidEventNameError);
      expect(error).toMatchObject({ code: "INVALID_EVENT_NAME", eventName: name });
    },
  );

  it.each([
    ["a plain object", { email: "string" }],
    ["a string", "z.string()"],
    ["null", null],
    ["a zod 3 style object without ~standard", { parse: () => 1, safeParse: () => ({ success: true }) }],
  ])("rejects %s in place of a schema with InvalidOptionsError", (_, value) => {
    expect(() => defineUnchecked({ "user.created": value })).toThrow(InvalidOptionsError);
    expect(() => defineUnchecked({ "user.created": value })).toThrow(/user\.created: expected a Standard Schema/);
  });

  it("rejects a catalog that is not an object", () => {
    expect(() => defineUnchecked(null as never)).toThrow(InvalidOptionsError);
  });

  it("lists its names in definition order, frozen", () => {
    const { events } = createCatalog();
    expect(events.names).toEqual(Object.keys(schemas));
    expect(Object.isFrozen(events.names)).toBe(true);
    expect(events.schemas).toBe(schemas);
  });

  it("uses a fresh embedded engine by default", () => {
    const a = defineEvents({ "a.b": z.string() });
    const b = defineEvents({ "a.b": z.string() });
    expect(a.transport.name).toBe("embedded");
    expect(a.transport).not.toBe(b.transport);
  });
});

describe("parse", () => {
  const { events } = createCatalog();

  it("returns the schema's output, defaults and transforms applied", () => {
    expect(events.parse("signup.started", { email: " A@B.co ", seats: "3" })).toEqual({
      email: "a@b.co!",
      plan: "free",
      seats: 3,
    });
  });

  it("throws EventValidationError naming the event and every failing path", () => {
    const error = caught(() =>
      events.parse("order.placed", { orderId: 1, items: [{ sku: "", qty: 0 }] }),
    ) as EventValidationError;
    expect(error).toBeInstanceOf(EventValidationError);
    expect(error.event).toBe("order.placed");
    expect(error.message).toMatch(/^order\.placed: /);
    for (const path of ["orderId", "items[0].sku", "items[0].qty"]) expect(error.message).toContain(`${path}: `);
    expect(error.issues.map((issue) => issue.path)).toEqual([["orderId"], ["items", 0, "sku"], ["items", 0, "qty"]]);
  });

  it("throws UnknownEventError for a name outside the catalog", () => {
    expect(() => events.parse("user.deleted" as "user.created", {})).toThrow(UnknownEventError);
  });
});

describe("transports", () => {
  it("withTransport shares names and schemas but delivers elsewhere", async () => {
    const { events, engine, clock } = createCatalog();
    const recording = createRecordingTransport();
    const recorded = events.withTransport(recording);
    expect(recorded.names).toBe(events.names);
    expect(recorded.transport).toBe(recording);
    await recorded.sendEvent("file.uploaded", { fileId: "f1", filename: "a.png" });
    await expect(recorded.sendEvent("file.uploaded", { fileId: 1 } as never)).rejects.toThrow(EventValidationError);
    await clock.advance(0);
    expect(recording.sent.map((e) => e.name)).toEqual(["file.uploaded"]);
    expect(engine.history.list()).toEqual([]);
  });

  it("on() throws TransportError on a transport that runs subscribers elsewhere", () => {
    const events = defineEvents(schemas, { transport: { name: "remote", deliver: async () => [] } });
    expect(() => events.on("file.uploaded", () => undefined)).toThrow(TransportError);
    expect(() => events.on("file.uploaded", () => undefined)).toThrow(/remote transport runs subscribers elsewhere/);
  });

  it("on() throws UnknownEventError for a name outside the catalog", () => {
    const { events } = createCatalog();
    expect(() => events.on("user.deleted" as "user.created", () => undefined)).toThrow(UnknownEventError);
  });

  it("surfaces a plain error from deliver as a retryable TransportError with the cause", async () => {
    const cause = new Error("ECONNREFUSED");
    const events = defineEvents(schemas, {
      transport: {
        name: "broken",
        deliver: async () => {
          throw cause;
        },
      },
    });
    const error = await rejection(events.sendEvent("file.uploaded", { fileId: "f1", filename: "a" }));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({
      code: "TRANSPORT_FAILED",
      retryable: true,
      cause,
      message: "broken transport failed: ECONNREFUSED",
    });
  });

  it("wraps a thrown value that cannot be turned into a string", async () => {
    const events = defineEvents(schemas, {
      transport: { name: "odd", deliver: () => Promise.reject(Object.create(null)) },
    });
    await expect(events.send({ name: "app.started" })).rejects.toThrow(
      new TransportError("odd transport failed: [object Object]", { retryable: true }).message,
    );
  });

  it("passes a TransportError from deliver through unchanged", async () => {
    const thrown = new TransportError("quota", { retryable: false, status: 429 });
    const events = defineEvents(schemas, { transport: { name: "t", deliver: () => Promise.reject(thrown) } });
    await expect(events.send({ name: "app.started" })).rejects.toBe(thrown);
  });

  it("passes any herald error from deliver through with its code, from this copy or another", async () => {
    const own = new InvalidOptionsError("no route for file.uploaded");
    const foreign = Object.assign(new Error("quota"), {
      code: "TRANSPORT_FAILED",
      retryable: false,
      [Symbol.for("herald.error")]: true,
    });
    for (const thrown of [own, foreign]) {
      const events = defineEvents(schemas, { transport: { name: "t", deliver: () => Promise.reject(thrown) } });
      await expect(events.sendEvent("file.uploaded", { fileId: "f", filename: "a" })).rejects.toBe(thrown);
    }
  });

  it("drain() and close() work on a transport without them", async () => {
    const events = defineEvents(schemas, { transport: { name: "bare", deliver: async () => [] } });
    await expect(events.drain()).resolves.toBeUndefined();
    await expect(events.close()).resolves.toBeUndefined();
  });
});

describe("any Standard Schema", () => {
  it("runs a valibot catalog end to end", async () => {
    const events = defineEvents({
      "user.created": v.object({ email: v.pipe(v.string(), v.email()), plan: v.optional(v.string(), "free") }),
      "user.welcomed": v.object({ email: v.string() }),
    });
    const welcomed: unknown[] = [];
    events.chain("user.created", "user.welcomed", (user) => ({ email: user.email }));
    events.on("user.welcomed", (payload, ctx) => void welcomed.push([payload, ctx.event.causationId]));
    const receipt = await events.sendEvent("user.created", { email: "a@b.co" });
    await events.drain();
    expect(welcomed).toEqual([[{ email: "a@b.co" }, receipt.id]]);
    expect(events.parse("user.created", { email: "a@b.co" })).toEqual({ email: "a@b.co", plan: "free" });
    await expect(events.sendEvent("user.created", { email: "nope" })).rejects.toThrow(/^user\.created: email: /);
  });

  it("sends with an async zod schema, and parse() refuses it with InvalidOptionsError", async () => {
    const watch = watchEscapes();
    const taken = new Set(["taken"]);
    const events = defineEvents({
      "user.registered": z
        .object({ handle: z.string() })
        .refine(async (value) => !taken.has(value.handle), { message: "handle taken", path: ["handle"] }),
    });
    const seen: string[] = [];
    events.on("user.registered", (payload) => void seen.push(payload.handle));
    await events.sendEvent("user.registered", { handle: "free" });
    await expect(events.sendEvent("user.registered", { handle: "taken" })).rejects.toThrow(
      "user.registered: handle: handle taken",
    );
    await events.drain();
    expect(seen).toEqual(["free"]);
    expect(() => events.parse("user.registered", { handle: "taken" })).toThrow(InvalidOptionsError);
    expect(() => events.parse("user.registered", { handle: "free" })).toThrow(/validates asynchronously/);
    expect(await watch.stop()).toEqual([]);
  });
});
