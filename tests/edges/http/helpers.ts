import { z } from "zod";
import { defineEvents, TransportError, type Transport } from "../../../src/index.js";
import { createRecordingTransport } from "../../../src/testing.js";

/** The schemas the HTTP tests send against; `test.event` is the event of the documented curl call (docs/http.md). */
export const schemas = {
  "test.event": z.object({ message: z.string() }),
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "payment.processed": z.object({
    amount: z.number().positive(),
    currency: z.string().length(3),
    customerId: z.string(),
  }),
  "cache.flushed": z.object({ region: z.string() }).optional(),
  "order.placed": z.object({ orderId: z.string(), quantity: z.number().int().default(1) }),
};

/** A catalog on a recording transport: `transport.sent` holds every envelope that left. */
export function recordingCatalog() {
  const transport = createRecordingTransport();
  return { events: defineEvents(schemas, { transport }), transport };
}

/** A catalog whose transport always fails with `error`. */
export function failingCatalog(error: unknown) {
  const transport: Transport = {
    name: "broken",
    deliver: async () => {
      throw error;
    },
  };
  return defineEvents(schemas, { transport });
}

/** A TransportError as a real transport would raise it, with an internal detail that must not leak. */
export const transportFailure = (retryable: boolean): TransportError =>
  new TransportError("connect ECONNREFUSED 10.0.0.7:5432 (password=hunter2)", {
    retryable,
    cause: new Error("db down"),
  });

/** A POST with a JSON body and the given extra headers. */
export function jsonRequest(
  body: unknown,
  headers: Record<string, string> = {},
  url = "http://127.0.0.1/trigger",
): Request {
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** The documented curl body (docs/http.md), byte for byte. */
export const CURL_BODY = '{"event":"test.event","payload":{"message":"This is a test event"}}';
