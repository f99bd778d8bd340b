import type { StandardSchemaV1 } from "@standard-schema/spec";
import { describe, expect, it } from "vitest";
import {
  EventValidationError,
  formatIssue,
  eventIdProblem,
  HandlerTimeoutError,
  HERALD_ERROR_CODES,
  HeraldError,
  IdempotencyConflictError,
  InvalidEventIdError,
  InvalidCloudEventError,
  InvalidDelayError,
  InvalidEventNameError,
  InvalidOptionsError,
  isHeraldError,
  TransportError,
  toHeraldError,
  UnknownEventError,
  withIndex,
  wrapError,
  UnknownVersionError,
  UnsupportedSchemaError,
} from "../../src/core/errors.js";
import { UsageError } from "../../src/edges/cli/io.js";
import { HttpProblemError } from "../../src/edges/http/respond.js";
import { HTTP_ERROR_CODES } from "../../src/edges/http/status.js";

type Errors = typeof import("../../src/core/errors.js");
const make = (m: Errors): [HeraldError, string][] => [
  [new m.InvalidEventNameError("User.created", "bad"), "INVALID_EVENT_NAME"],
  [new m.UnknownEventError("nope.nope", ["user.created"]), "UNKNOWN_EVENT"],
  [new m.EventValidationError("user.created", [{ message: "Required", path: ["email"] }]), "VALIDATION_FAILED"],
  [new m.InvalidDelayError("bad delay"), "INVALID_DELAY"],
  [new m.InvalidOptionsError("bad options"), "INVALID_OPTIONS"],
  [new m.TransportError("down", { retryable: true }), "TRANSPORT_FAILED"],
  [new m.UnknownVersionError("user.created", 3, 2), "UNKNOWN_VERSION"],
  [new m.UnsupportedSchemaError("user.created", "Date cannot be represented"), "UNSUPPORTED_SCHEMA"],
  [new m.InvalidCloudEventError("no id"), "INVALID_CLOUD_EVENT"],
  [new m.InvalidEventIdError("an event id must not be empty"), "INVALID_EVENT_ID"],
  [new m.IdempotencyConflictError("order-1", "reused"), "IDEMPOTENCY_CONFLICT"],
  [new m.HandlerTimeoutError("too slow", 10), "HANDLER_TIMEOUT"],
];
const every = make({
  EventValidationError,
  HandlerTimeoutError,
  IdempotencyConflictError,
  InvalidCloudEventError,
  InvalidDelayError,
  InvalidEventIdError,
  InvalidEventNameError,
  InvalidOptionsError,
  TransportError,
  UnknownEventError,
  UnknownVersionError,
  UnsupportedSchemaError,
} as Errors);

describe("error classes", () => {
  it.each(every)("%o carries its code from HERALD_ERROR_CODES and its own name", (error, code) => {
    expect(error.code).toBe(code);
    expect(HERALD_ERROR_CODES).toContain(error.code);
    expect(error).toBeInstanceOf(HeraldError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe(error.constructor.name);
    expect(isHeraldError(error)).toBe(true);
  });

  it("keeps its name after a minifier renames the class", async () => {
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [new URL("../../src/core/errors.ts", import.meta.url).pathname],
      bundle: true,
      minify: true,
      format: "esm",
      write: false,
    });
    const source = result.outputFiles[0]!.text;
    const minified = (await import(`data:text/javascript;base64,${Buffer.from(source).toString("base64")}`)) as Errors;
    // the minifier really renamed the classes, else this test proves nothing
    expect(minified.InvalidEventNameError.name).not.toBe("InvalidEventNameError");
    expect(make(minified).map(([error]) => error.name)).toEqual(every.map(([error]) => error.constructor.name));
    expect(new minified.HeraldError("UNKNOWN_EVENT", "x").name).toBe("HeraldError");
  });

  it("gives every code in the one table a class: core's own, the HTTP edge's problem, the CLI's usage error", () => {
    const edges: [HeraldError, string][] = [
      ...HTTP_ERROR_CODES.map((code): [HeraldError, string] => [new HttpProblemError(code, "refused"), code]),
      [new UsageError("bad flag"), "INVALID_USAGE"],
    ];
    for (const [error, code] of edges) {
      expect(error.code).toBe(code);
      expect(error).toBeInstanceOf(HeraldError);
      expect(error.name).toBe(error.constructor.name);
      expect(isHeraldError(error)).toBe(true);
    }
    expect(new Set([...every, ...edges].map(([, code]) => code))).toEqual(new Set(HERALD_ERROR_CODES));
  });

  it("bounds caller-chosen event ids: 1 to 255 visible ASCII characters", () => {
    expect(eventIdProblem("order-1:paid/2")).toBeUndefined();
    expect(eventIdProblem("x".repeat(255))).toBeUndefined();
    expect(eventIdProblem("x".repeat(256))).toMatch(/at most 255/);
    expect(eventIdProblem("")).toMatch(/empty/);
    expect(eventIdProblem(7)).toMatch(/string/);
    expect(eventIdProblem("a b")).toMatch(/U\+0020 at 1/);
    expect(eventIdProblem("a\u001b[2J")).toMatch(/U\+001B at 1/);
    expect(eventIdProblem("café")).toMatch(/U\+00E9/);
  });

  it("names the event, the version asked for and the versions there are", () => {
    expect(new UnknownVersionError("user.created", 3, 2).message).toBe(
      "user.created: no schema version 3; it has versions 1 to 2",
    );
    expect(new UnknownVersionError("user.created", "2", 1).message).toBe(
      'user.created: no schema version "2" (string); it has only version 1',
    );
    expect(new UnknownVersionError("user.created", 1n, 1).message).toBe(
      "user.created: no schema version bigint; it has only version 1",
    );
  });

  it("keeps the cause and retryable flag of a TransportError", () => {
    const cause = new Error("ECONNRESET");
    const error = new TransportError("failed", { cause, retryable: false, status: 503 });
    expect(error.cause).toBe(cause);
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(503);
  });

  it("lists at most ten known events in an UnknownEventError", () => {
    const known = Array.from({ length: 12 }, (_, i) => `event.n${i}`);
    const error = new UnknownEventError("event.x", known);
    expect(error.event).toBe("event.x");
    expect(error.message).toContain("event.n9");
    expect(error.message).not.toContain("event.n10");
    expect(error.message).toContain("(12 in all)");
  });
});

describe("isHeraldError", () => {
  it.each([
    new Error("plain"),
    null,
    undefined,
    "INVALID_DELAY",
    { code: "INVALID_DELAY" },
    { [Symbol.for("herald.error")]: "yes" },
  ])("is false for %o", (value) => {
    expect(isHeraldError(value)).toBe(false);
  });

  it("recognises an error from a second copy of herald by its global brand", () => {
    const foreign = Object.assign(new Error("from elsewhere"), {
      code: "UNKNOWN_EVENT",
      [Symbol.for("herald.error")]: true,
    });
    expect(foreign).not.toBeInstanceOf(HeraldError);
    expect(isHeraldError(foreign)).toBe(true);
    expect(isHeraldError({ [Symbol.for("herald.error")]: true, code: "INVALID_DELAY", message: "x" })).toBe(true);
  });
});

describe("toHeraldError", () => {
  it("passes herald errors through untouched, from this copy or another", () => {
    const own = new InvalidDelayError("x");
    const foreign = Object.assign(new Error("y"), { [Symbol.for("herald.error")]: true });
    expect(toHeraldError(own)).toBe(own);
    expect(toHeraldError(foreign)).toBe(foreign);
  });

  it.each([new TypeError("boom"), "text", 42, null, { any: "thing" }])(
    "wraps %o in a non-retryable TransportError keeping the cause",
    (value) => {
      const wrapped = toHeraldError(value);
      expect(wrapped).toBeInstanceOf(TransportError);
      expect(wrapped.code).toBe("TRANSPORT_FAILED");
      expect(wrapped.cause).toBe(value);
      expect((wrapped as TransportError).retryable).toBe(false);
      expect(wrapped.message).toBe(value instanceof Error ? value.message : String(value));
    },
  );

  it("wraps a value that cannot be turned into a string", () => {
    const bare = Object.create(null) as object;
    const wrapped = toHeraldError(bare);
    expect(wrapped).toBeInstanceOf(TransportError);
    expect(wrapped.message).toBe("[object Object]");
    expect(wrapped.cause).toBe(bare);
  });
});

describe("toHeraldError's options", () => {
  it("says what failed before the message, and keeps retryable and status", () => {
    const cause = new Error("socket hang up");
    expect(toHeraldError(cause, { context: "embedded transport failed", retryable: true })).toMatchObject({
      message: "embedded transport failed: socket hang up",
      retryable: true,
      status: undefined,
      cause,
    });
    expect(toHeraldError(cause, { context: "Trigger.dev trigger failed (HTTP 503)", status: 503 })).toMatchObject({
      message: "Trigger.dev trigger failed (HTTP 503): socket hang up",
      retryable: false,
      status: 503,
    });
  });

  it("wrapError wraps any error, a herald error of another kind too", () => {
    const options = new InvalidOptionsError("bad");
    expect(wrapError(options, { context: "x" })).toMatchObject({ code: "TRANSPORT_FAILED", cause: options });
    expect(toHeraldError(options, { context: "x" })).toBe(options);
  });
});

describe("withIndex", () => {
  it("returns a copy carrying the index: same class, code, message, cause and data; the original keeps none", () => {
    const original = new EventValidationError("user.created", [{ message: "Required", path: ["email"] }]);
    const copy = withIndex(original, 3) as EventValidationError;
    expect(copy).not.toBe(original);
    expect(copy).toBeInstanceOf(EventValidationError);
    expect(isHeraldError(copy)).toBe(true);
    expect(copy).toMatchObject({ index: 3, code: original.code, message: original.message, issues: original.issues });
    expect(copy.stack).toBe(original.stack);
    expect(original.index).toBeUndefined();
  });

  it("leaves anything that is not a herald error as it is", () => {
    const plain = new Error("x");
    expect(withIndex(plain, 1)).toBe(plain);
    expect(withIndex("text", 1)).toBe("text");
  });
});

describe("EventValidationError", () => {
  const issues: StandardSchemaV1.Issue[] = [
    { message: "Invalid email address", path: ["email"] },
    { message: "Required", path: ["items", 0, "sku"] },
    { message: "Too small", path: [{ key: "items" }, { key: 2 }, { key: "qty" }] },
    { message: "Expected object" },
  ];
  const error = new EventValidationError("order.placed", issues);

  it("names the event and every failing path in its message", () => {
    expect(error.message).toBe(
      "order.placed: email: Invalid email address; items[0].sku: Required; items[2].qty: Too small; Expected object",
    );
  });

  it("keeps the event and the issues as data", () => {
    expect(error.event).toBe("order.placed");
    expect(error.issues).toEqual(issues);
  });

  it("formats a path that starts with an index or has a symbol key", () => {
    expect(formatIssue({ message: "bad", path: [0, "name"] })).toBe("[0].name: bad");
    expect(formatIssue({ message: "bad", path: [Symbol("s")] })).toBe("Symbol(s): bad");
    expect(formatIssue({ message: "bad", path: [] })).toBe("bad");
  });
});
