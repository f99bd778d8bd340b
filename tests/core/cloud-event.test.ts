import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromCloudEvent, toCloudEvent } from "../../src/core/cloud-event.js";
import { createEnvelope, type Envelope } from "../../src/core/envelope.js";
import { InvalidCloudEventError } from "../../src/core/errors.js";
import { caught } from "../helpers/caught.js";

const T0 = Date.UTC(2026, 0, 1);
const root = createEnvelope({ name: "user.created", payload: { email: "a@b.co" }, now: T0, id: "evt-1" });
const child = createEnvelope({
  name: "file.processed",
  payload: { fileId: "f" },
  now: T0,
  id: "evt-2",
  deliverAt: T0 + 60_000,
  lineage: { correlationId: "evt-1", causationId: "evt-1" },
  version: 2,
});

describe("toCloudEvent", () => {
  it("maps a root envelope to the required attributes and herald's correlation extension", () => {
    expect(toCloudEvent(root, { source: "https://accounts.example.com" })).toEqual({
      specversion: "1.0",
      id: "evt-1",
      source: "https://accounts.example.com",
      type: "user.created",
      time: "2026-01-01T00:00:00.000Z",
      datacontenttype: "application/json",
      data: { email: "a@b.co" },
      correlationid: "evt-1",
    });
  });

  it("carries lineage, the due time and the schema version as extension attributes, and a subject when given", () => {
    expect(toCloudEvent(child, { source: "/files", subject: "f" })).toMatchObject({
      subject: "f",
      causationid: "evt-1",
      correlationid: "evt-1",
      deliverat: "2026-01-01T00:01:00.000Z",
      schemaversion: 2,
    });
  });

  it("uses only lowercase alphanumeric extension names, as CloudEvents 1.0 requires", () => {
    for (const key of Object.keys(toCloudEvent(child, { source: "/files", subject: "s" })))
      expect(key).toMatch(/^[a-z0-9]{1,20}$/);
  });

  it("refuses an empty source", () => {
    expect(caught(() => toCloudEvent(root, { source: "" }))).toBeInstanceOf(InvalidCloudEventError);
  });
});

describe("fromCloudEvent", () => {
  it("reads a minimal event from another producer: the id is its own correlation, a missing time is now", () => {
    expect(
      fromCloudEvent(
        { specversion: "1.0", id: "x1", source: "/other", type: "user.created", data: { email: "a@b.co" } },
        () => T0,
      ),
    ).toEqual({
      id: "x1",
      name: "user.created",
      payload: { email: "a@b.co" },
      timestamp: "2026-01-01T00:00:00.000Z",
      correlationId: "x1",
      attributes: { source: "/other" },
    });
  });

  it("reads binary-mode strings: the schema version as its canonical integer string", () => {
    expect(
      fromCloudEvent({
        specversion: "1.0",
        id: "x",
        source: "/s",
        type: "t.t",
        schemaversion: "3",
        time: "2026-01-01T01:00:00+01:00",
      }),
    ).toMatchObject({ version: 3, timestamp: "2026-01-01T00:00:00.000Z" });
  });

  it.each([
    [null, /must be a JSON object/],
    [[], /must be a JSON object/],
    [{ specversion: "0.3", id: "x", source: "/s", type: "t.t" }, /specversion is "0.3"/],
    [{ id: "x", source: "/s", type: "t.t" }, /specversion is missing/],
    [{ specversion: "1.0", source: "/s", type: "t.t" }, /id must be a non-empty string, and is missing/],
    [{ specversion: "1.0", id: "", source: "/s", type: "t.t" }, /id must be a non-empty string/],
    [{ specversion: "1.0", id: "x", type: "t.t" }, /source must be/],
    [{ specversion: "1.0", id: "x", source: "/s", type: 3 }, /type must be/],
    [{ specversion: "1.0", id: "x", source: "/s", type: "t.t", data_base64: "AAA=" }, /data_base64 is not supported/],
    [
      { specversion: "1.0", id: "x", source: "/s", type: "t.t", datacontenttype: "text/xml" },
      /"text\/xml" is not JSON/,
    ],
    [{ specversion: "1.0", id: "x", source: "/s", type: "t.t", time: "yesterday" }, /time must be an RFC 3339 time/],
    [
      { specversion: "1.0", id: "x", source: "/s", type: "t.t", schemaversion: 0 },
      /schemaversion must be a whole number/,
    ],
    [{ specversion: "1.0", id: "x", source: "/s", type: "t.t", schemaversion: "v2" }, /schemaversion .* got "v2"/],
    [
      { specversion: "1.0", id: "x", source: "/s", type: "t.t", causationid: 7 },
      /causationid must be a non-empty string/,
    ],
  ])("refuses %o with InvalidCloudEventError", (value, message) => {
    const error = caught(() => fromCloudEvent(value));
    expect(error).toBeInstanceOf(InvalidCloudEventError);
    expect(error).toMatchObject({ code: "INVALID_CLOUD_EVENT" });
    expect((error as Error).message).toMatch(message);
  });

  it("gives back the envelope toCloudEvent was given, through JSON, for any envelope", () => {
    const text = fc.string({ minLength: 1, maxLength: 12 });
    const json = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as unknown);
    const envelopes = fc.record(
      {
        id: text,
        name: fc.constantFrom("user.created", "invoice.v2.paid"),
        payload: json,
        now: fc.integer({ min: 0, max: 4_102_444_800_000 }),
        deliverIn: fc.option(fc.integer({ min: 1, max: 1e9 }), { nil: undefined }),
        cause: fc.option(fc.tuple(text, text), { nil: undefined }),
        version: fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined }),
      },
      { requiredKeys: ["id", "name", "payload", "now"] },
    );
    fc.assert(
      fc.property(envelopes, text, ({ id, name, payload, now, deliverIn, cause, version }, source) => {
        const envelope: Envelope = createEnvelope({
          name,
          payload,
          now,
          id,
          version,
          deliverAt: deliverIn === undefined ? undefined : now + deliverIn,
          lineage: cause === undefined ? undefined : { correlationId: cause[0], causationId: cause[1] },
        });
        const wire = JSON.parse(JSON.stringify(toCloudEvent(envelope, { source }))) as unknown;
        const back = fromCloudEvent(wire, () => 0);
        // JSON has no undefined: a payload of undefined (or null data) has no data attribute
        // the CloudEvent's time and source come back as the producer's attributes
        const attributes = { time: envelope.timestamp, source };
        expect(back).toEqual({ ...envelope, ...(payload === undefined ? { payload: undefined } : {}), attributes });
      }),
      { numRuns: 300 },
    );
  });
});
