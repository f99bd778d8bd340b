import { describe, expectTypeOf, it } from "vitest";
import type { HeraldErrorCode, Receipt } from "../../../src/index.js";
import { createEventHandler, type ErrorBody, type EventRequestHandler, type EventsSentBody, HTTP_ERROR_CODES, HTTP_ERRORS, type HttpErrorCode } from "../../../src/http.js";
import { recordingCatalog } from "./helpers.js";

const { events } = recordingCatalog();

describe("createEventHandler types", () => {
  it("returns a Web-standard handler, usable as a Next.js POST export", () => {
    const POST: (request: Request) => Promise<Response> = createEventHandler(events, { auth: "none" });
    expectTypeOf(createEventHandler(events, { auth: { token: "t" } })).toEqualTypeOf<EventRequestHandler>();
    expectTypeOf(POST).returns.resolves.toEqualTypeOf<Response>();
  });

  it("requires auth: an open endpoint is written out as \"none\"", () => {
    // @ts-expect-error options are required
    createEventHandler(events);
    // @ts-expect-error auth is required
    createEventHandler(events, {});
    // @ts-expect-error auth is required, whatever else is given
    createEventHandler(events, { allow: ["test.event"] });
    // @ts-expect-error "open" is not an auth mode
    createEventHandler(events, { auth: "open" });
    createEventHandler(events, { auth: { secret: "s", toleranceSeconds: 60 } });
    createEventHandler(events, { auth: { token: ["old", "new"] } });
  });

  it("checks the allow list against the catalog's names", () => {
    createEventHandler(events, { auth: "none", allow: ["test.event", "user.created"] });
    // @ts-expect-error not an event of the catalog
    createEventHandler(events, { auth: "none", allow: ["user.deleted"] });
  });
});

describe("CloudEvents batches", () => {
  it("take a numeric maxBatchEvents, answer with a list of receipts, and name a refused event's index", () => {
    createEventHandler(events, { auth: "none", maxBatchEvents: 10 });
    // @ts-expect-error a number of events, not a string
    createEventHandler(events, { auth: "none", maxBatchEvents: "10" });
    expectTypeOf<EventsSentBody["result"]>().toEqualTypeOf<readonly Receipt[]>();
    expectTypeOf<ErrorBody["index"]>().toEqualTypeOf<number | undefined>();
  });
});

describe("the status table", () => {
  it("has a row for every herald code and every HTTP-only code", () => {
    expectTypeOf<keyof typeof HTTP_ERRORS>().toEqualTypeOf<HttpErrorCode>();
    expectTypeOf<HeraldErrorCode>().toExtend<HttpErrorCode>();
    // one table: the HTTP-only codes are herald codes
    expectTypeOf<(typeof HTTP_ERROR_CODES)[number]>().toExtend<HeraldErrorCode>();
  });
});
