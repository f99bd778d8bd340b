import { describe, expect, it } from "vitest";
import { HttpProblemError } from "../../../src/edges/http/respond.js";
import { decodeJson, parseEventRequest, readBody } from "../../../src/edges/http/body.js";

const KIB = new Uint8Array(1024);

// a stream that never ends on its own: reading it whole would hang the test
function endless(): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  let pulls = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      controller.enqueue(KIB);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}

const post = (body: BodyInit, headers: Record<string, string> = {}): Request =>
  new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);

async function problemOf(promise: Promise<unknown>): Promise<HttpProblemError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpProblemError);
  return error as HttpProblemError;
}

describe("readBody", () => {
  it("stops reading a body that grows past the limit, and cancels the stream", async () => {
    const source = endless();
    const problem = await problemOf(readBody(post(source.stream), 10 * 1024));
    expect(problem.code).toBe("PAYLOAD_TOO_LARGE");
    expect(source.pulls()).toBeLessThanOrEqual(13); // 11 chunks cross the limit; the stream may pull a little ahead
    expect(source.cancelled()).toBe(true);
  });

  it("refuses a declared Content-Length over the limit without reading", async () => {
    const source = endless();
    const problem = await problemOf(
      readBody(post(source.stream, { "content-length": String(2 * 1024 * 1024) }), 1024 * 1024),
    );
    expect(problem.code).toBe("PAYLOAD_TOO_LARGE");
    expect(source.pulls()).toBeLessThanOrEqual(1);
  });

  it("does not trust a Content-Length that understates the body", async () => {
    const problem = await problemOf(readBody(post(endless().stream, { "content-length": "10" }), 4096));
    expect(problem.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("returns the bytes of a body within the limit, joined across chunks", async () => {
    const chunks = [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5, 6])];
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(chunk);
        c.close();
      },
    });
    expect([...(await readBody(post(stream), 6))]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("turns a body stream that errors into INVALID_BODY", async () => {
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        c.error(new Error("client went away"));
      },
    });
    expect((await problemOf(readBody(post(stream), 100))).code).toBe("INVALID_BODY");
  });
});

describe("parseEventRequest", () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it("keeps only what was given, dropping null options", () => {
    expect(parseEventRequest(bytes('{"event":"a.b","payload":null,"delay":null,"id":"x"}'))).toEqual({
      event: "a.b",
      payload: null,
      id: "x",
    });
  });

  it("does not let __proto__ in the body reach anything", () => {
    const problem = (() => {
      try {
        parseEventRequest(bytes('{"event":"a.b","__proto__":{"polluted":true}}'));
      } catch (error) {
        return error as HttpProblemError;
      }
    })();
    expect(problem?.code).toBe("INVALID_BODY");
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe("decodeJson", () => {
  it("decodes a body after one that ended inside a multi-byte character (its decoder is shared)", () => {
    // "{" then the first two bytes of "€": refused, and nothing of it may leak into the next body
    expect(() => decodeJson(new Uint8Array([0x7b, 0xe2, 0x82]), "empty")).toThrow(HttpProblemError);
    expect(decodeJson(new TextEncoder().encode('{"a":"€"}'), "empty")).toEqual({ a: "€" });
    expect(() => decodeJson(new Uint8Array([0x22, 0xff, 0x22]), "empty")).toThrow(HttpProblemError);
    expect(decodeJson(new TextEncoder().encode('"ok"'), "empty")).toBe("ok");
  });
});
