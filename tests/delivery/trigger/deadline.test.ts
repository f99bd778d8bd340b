import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { retryAfterOf } from "../../../src/delivery/trigger/errors.js";
import { triggerTransport, type TriggerTransportOptions } from "../../../src/delivery/trigger/transport.js";
import { defineEvents, InvalidOptionsError, TransportError } from "../../../src/index.js";
import { rejection } from "../../helpers/caught.js";
import { type FakeTrigger, startFakeTrigger } from "../../helpers/trigger-server.js";

const schemas = { "user.created": z.object({ userId: z.string() }) };
const ROUTE = /send-welcome-email\/trigger$/;

let server: FakeTrigger;
beforeEach(async () => {
  server = await startFakeTrigger();
});
afterEach(async () => {
  expect(server.invalid).toEqual([]);
  await server.close();
});

// through the real SDK: the transport's own client talks to the loopback stand-in
const catalog = (options: TriggerTransportOptions<"user.created"> = {}) =>
  defineEvents(schemas, {
    transport: triggerTransport({
      baseURL: server.url,
      accessToken: "tr_dev_testkey123",
      routes: { "user.created": ["send-welcome-email"] },
      ...options,
    }),
  });

// the clock starts before the send does, so a lower bound holds however slow the machine is
async function timed<T>(start: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await start();
  return { value, ms: Date.now() - started };
}
describe("triggerTransport: deadlines", () => {
  it("rejects by timeoutMs with a retryable TransportError when the server never answers", async () => {
    server.stallNext(ROUTE, Infinity);
    const events = catalog({ timeoutMs: 300 });
    const { value: error, ms } = await timed(() => rejection(events.sendEvent("user.created", { userId: "u1" })));
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining("timed out after 300 ms") });
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(2000);
  });

  it("rejects a 429 whose x-ratelimit-reset is an hour ahead at once, with retryAfterMs, instead of waiting", async () => {
    const reset = Date.now() + 3_600_000;
    server.replyNext(ROUTE, {
      status: 429,
      body: { error: "Rate limit exceeded" },
      headers: { "x-ratelimit-reset": String(reset) },
    });
    const events = catalog({ timeoutMs: 2000 });
    const { value: error, ms } = await timed(() => rejection(events.sendEvent("user.created", { userId: "u1" })));
    expect(error).toMatchObject({ code: "TRANSPORT_FAILED", status: 429, retryable: true });
    expect((error as TransportError).retryAfterMs).toBeGreaterThan(3_590_000);
    expect((error as TransportError).retryAfterMs).toBeLessThanOrEqual(3_600_000);
    expect(ms).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it("waits out retry-after: 2 before trying again, then succeeds", { timeout: 10_000 }, async () => {
    server.replyNext(ROUTE, { status: 503, body: { error: "Busy" }, headers: { "retry-after": "2" } });
    // the backoff alone would retry after 1 ms
    const events = catalog({ retry: { maxAttempts: 3, minTimeoutInMs: 1, maxTimeoutInMs: 1 } });
    const receipt = await events.sendEvent("user.created", { userId: "u1" });
    expect(receipt.runIds).toHaveLength(1);
    const [first, second] = server.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(1900);
    expect(server.runs).toHaveLength(1);
  });

  it("does not wait for a retry-after that ends past the deadline: rejects now, carrying it", async () => {
    server.replyNext(ROUTE, { status: 503, body: { error: "Busy" }, headers: { "retry-after": "60" } });
    const events = catalog({ timeoutMs: 5000 });
    const { value: error, ms } = await timed(() => rejection(events.sendEvent("user.created", { userId: "u1" })));
    expect(error).toMatchObject({ status: 503, retryable: true, retryAfterMs: 60_000 });
    expect(ms).toBeLessThan(1000);
  });

  it("rejects when the send's signal aborts, and sends nothing for a signal aborted already", async () => {
    server.stallNext(ROUTE, Infinity);
    const events = catalog();
    const controller = new AbortController();
    const pending = rejection(events.sendEvent("user.created", { userId: "u1" }, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("user went away")), 50);
    const { value: error, ms } = await timed(() => pending);
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining("was aborted") });
    expect((error as Error).cause).toEqual(new Error("user went away"));
    expect(ms).toBeLessThan(1000);
    const before = server.requests.length;
    await expect(
      events.sendEvent("user.created", { userId: "u2" }, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ retryable: true });
    expect(server.requests).toHaveLength(before);
  });

  it("aborts a sendEvents batch when any message's signal aborts", async () => {
    server.stallNext(/\/api\/v1\/tasks\/.*\/trigger$/, Infinity);
    const events = catalog();
    const controller = new AbortController();
    const pending = rejection(
      events.sendEvents([{ name: "user.created", payload: { userId: "u1" }, signal: controller.signal }]),
    );
    setTimeout(() => controller.abort(), 30);
    expect(await pending).toMatchObject({ code: "TRANSPORT_FAILED", retryable: true });
  });

  it("refuses a signal that is not an AbortSignal", async () => {
    const events = catalog();
    await expect(events.sendEvent("user.created", { userId: "u1" }, { signal: {} as AbortSignal })).rejects.toThrow(
      InvalidOptionsError,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("starts no task twice when the same event id is sent again after a deadline passed", async () => {
    // the server creates the run but its reply comes too late
    server.stallNext(ROUTE, 1500, { process: true });
    const events = catalog({ timeoutMs: 200 });
    const error = await rejection(events.sendEvent("user.created", { userId: "u1" }, { id: "evt-1" }));
    expect(error).toMatchObject({ retryable: true });
    const receipt = await events.sendEvent("user.created", { userId: "u1" }, { id: "evt-1" });
    expect(receipt.duplicate).toBe(true);
    expect(server.runs).toHaveLength(1);
  });

  it("refuses a timeoutMs that is not a whole number of 1 or more", () => {
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, "30" as never]) {
      expect(() => triggerTransport({ timeoutMs })).toThrow(InvalidOptionsError);
    }
  });
});

describe("retryAfterOf", () => {
  const now = Date.UTC(2026, 0, 1);
  it.each([
    [{ "retry-after": "2" }, 2000],
    [{ "retry-after": new Date(now + 5000).toUTCString() }, 5000],
    [{ "x-ratelimit-reset": String(now + 1234) }, 1234],
    [{ "retry-after": "soon" }, undefined],
    [{ "x-ratelimit-reset": String(now - 10) }, 0],
    [{}, undefined],
  ])("reads %j as %s ms", (headers, ms) => {
    expect(retryAfterOf(headers, now)).toBe(ms);
  });
});
