import { describe, expect, it } from "vitest";
import { HERALD_ERROR_CODES } from "../../../src/index.js";
import { HTTP_ERRORS, statusOf } from "../../../src/http.js";

describe("HTTP_ERRORS", () => {
  const all = HERALD_ERROR_CODES;

  it("maps every code, and nothing else", () => {
    expect(Object.keys(HTTP_ERRORS).sort()).toEqual([...all].sort());
  });

  it("answers a client's mistakes with a 4xx, and only failures past the client with a 5xx", () => {
    const serverSide = new Set(["TRANSPORT_FAILED", "INTERNAL_ERROR", "UNSUPPORTED_SCHEMA", "HANDLER_TIMEOUT"]);
    for (const code of all) {
      const { status } = HTTP_ERRORS[code];
      if (serverSide.has(code)) expect(status, code).toBeGreaterThanOrEqual(500);
      else expect([status >= 400, status < 500], code).toEqual([true, true]);
    }
  });

  it("gives a request's distinct failures (bad JSON, auth, allow list, unknown event, method, size, media type, payload) distinct statuses", () => {
    const codes = [
      "INVALID_JSON",
      "UNAUTHENTICATED",
      "EVENT_NOT_ALLOWED",
      "UNKNOWN_EVENT",
      "METHOD_NOT_ALLOWED",
      "PAYLOAD_TOO_LARGE",
      "UNSUPPORTED_MEDIA_TYPE",
      "VALIDATION_FAILED",
    ] as const;
    expect(new Set(codes.map((code) => HTTP_ERRORS[code].status)).size).toBe(codes.length);
  });
});

describe("statusOf", () => {
  it("is 503 for a retryable transport failure, 502 for a final one, the table's status otherwise", () => {
    expect(statusOf("TRANSPORT_FAILED", true)).toBe(503);
    expect(statusOf("TRANSPORT_FAILED", false)).toBe(502);
    expect(statusOf("TRANSPORT_FAILED")).toBe(502);
    expect(statusOf("VALIDATION_FAILED", true)).toBe(422);
  });
});
