import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eventTags, idempotencyKeyFor, MAX_TAG_LENGTH, MAX_TAGS } from "../../../src/delivery/trigger/run-options.js";
import { isWireEvent, toWireEvent } from "../../../src/delivery/trigger/wire.js";
import { toTransportError } from "../../../src/delivery/trigger/errors.js";
import { TransportError } from "../../../src/index.js";

const root = {
  id: "e1",
  name: "user.created",
  payload: {},
  timestamp: "2026-01-01T00:00:00.000Z",
  correlationId: "e1",
};
const child = { ...root, id: "e1/0", name: "user.welcomed", correlationId: "e1", causationId: "e1" };

describe("eventTags", () => {
  it("names the event and its lineage, then the extra tags", () => {
    expect(eventTags(root, ["tenant:acme"])).toEqual(["event:user.created", "evt:e1", "tenant:acme"]);
    expect(eventTags(child)).toEqual(["event:user.welcomed", "evt:e1/0", "corr:e1", "cause:e1"]);
  });

  it("keeps Trigger.dev's limits: at most 10 tags, none longer than 128 characters, none empty or repeated", () => {
    const extra = ["", "x".repeat(MAX_TAG_LENGTH + 1), "evt:e1", ...Array.from({ length: 12 }, (_, i) => `t${i}`)];
    const tags = eventTags({ ...root, id: "y".repeat(200) }, extra);
    expect(tags).toHaveLength(MAX_TAGS);
    expect(tags[0]).toBe("event:user.created");
    expect(tags.every((tag) => tag.length >= 1 && tag.length <= MAX_TAG_LENGTH)).toBe(true);
    expect(new Set(tags).size).toBe(tags.length);
  });
});

describe("idempotencyKeyFor", () => {
  it("is the SHA-256 of `${eventId}:${taskId}` (what idempotencyKeys.create makes with global scope)", async () => {
    expect(await idempotencyKeyFor("e1", "send-email")).toBe(
      createHash("sha256").update("e1:send-email").digest("hex"),
    );
    expect(await idempotencyKeyFor("e1", "a")).not.toBe(await idempotencyKeyFor("e1", "b"));
  });
});

describe("wire events", () => {
  it("round-trips an envelope with the mark, and recognises only marked envelopes", () => {
    expect(isWireEvent(toWireEvent(child))).toBe(true);
    expect(isWireEvent(child)).toBe(false);
    expect(isWireEvent({ ...toWireEvent(child), "~herald": 2 })).toBe(false);
    expect(isWireEvent(null)).toBe(false);
  });
});

describe("toTransportError", () => {
  const api = (status: number | undefined, headers: Record<string, string> = {}) =>
    Object.assign(new Error("boom"), { name: "TriggerApiError", status, headers });

  it("classifies by status and x-should-retry, through a BatchTriggerError's cause", () => {
    expect(toTransportError(api(500), "x")).toMatchObject({ retryable: true, status: 500 });
    expect(toTransportError(api(429), "x")).toMatchObject({ retryable: true, status: 429 });
    expect(toTransportError(api(400), "x")).toMatchObject({ retryable: false, status: 400 });
    expect(toTransportError(api(503, { "x-should-retry": "false" }), "x")).toMatchObject({
      retryable: false,
      status: 503,
    });
    expect(toTransportError(api(undefined), "x")).toMatchObject({ retryable: true, status: undefined });
    const wrapped = Object.assign(new Error("Failed to create batch"), { name: "BatchTriggerError", cause: api(404) });
    expect(toTransportError(wrapped, "x")).toMatchObject({ retryable: false, status: 404, cause: wrapped });
  });

  it("treats errors from outside the API as not retryable, and passes TransportErrors through", () => {
    expect(toTransportError(new Error("No client configured"), "x")).toMatchObject({
      retryable: false,
      code: "TRANSPORT_FAILED",
    });
    const original = new TransportError("kept", { retryable: true });
    expect(toTransportError(original, "x")).toBe(original);
  });
});
