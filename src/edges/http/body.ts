import type { LooseSendOptions } from "../../catalog/types.js";
import { type LightweightRequest, READ_BODY } from "./fast-path.js";
import { readHonoNodeBody } from "./hono-node-request.js";
import { HttpProblemError } from "./respond.js";

/** The request body the handler accepts. Only `event` is required; `version` names an older schema version of the payload. */
export type EventRequestBody = LooseSendOptions & {
  /** The event's name, one of the catalog's. */
  readonly event: string;
  /** Validated by the catalog against the event's schema. */
  readonly payload?: unknown;
};

const FIELDS = new Set(["event", "payload", "delay", "deliverAt", "id", "version"]);

/**
 * Reads the body, counting bytes as they arrive: a declared `Content-Length` over `limit` is
 * refused before reading, and a body that grows past it (chunked, or lying about its length) is
 * cut off there, so a large upload is never buffered whole. A request whose length the socket's
 * parser enforces (toNodeHandler's, @hono/node-server's) is read without a Web stream.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const tooLarge = (): HttpProblemError =>
    new HttpProblemError("PAYLOAD_TOO_LARGE", `The body is larger than ${limit} bytes`, {}, { connection: "close" });
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw tooLarge();
  // toNodeHandler's lightweight request reads the socket directly, with the same limit, and no Web stream
  const direct = (request as Partial<LightweightRequest>)[READ_BODY]?.(limit, tooLarge);
  if (direct) return direct;
  // @hono/node-server's lightweight request, whose body node's parser bounds by Content-Length: no Web stream either
  const framed = readHonoNodeBody(request, limit);
  if (framed) {
    let body: Uint8Array;
    try {
      body = await framed;
    } catch {
      throw new HttpProblemError("INVALID_BODY", "The request body could not be read");
    }
    // unreachable while node frames the body by its length; the limit has the last word all the same
    if (body.byteLength > limit) throw tooLarge();
    return body;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new HttpProblemError("INVALID_BODY", "The request body could not be read");
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(chunk.value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

// one decoder for every request: decode() without { stream: true } keeps no state between calls
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes UTF-8 JSON. @throws HttpProblemError INVALID_JSON, with `empty` as the message for an empty body */
export function decodeJson(raw: Uint8Array, empty: string): unknown {
  try {
    return JSON.parse(utf8.decode(raw));
  } catch {
    throw new HttpProblemError("INVALID_JSON", raw.byteLength === 0 ? empty : "The body is not valid UTF-8 JSON");
  }
}

/**
 * Decodes and parses the body into `{ event, payload, ...options }`. Checks the shape only: the
 * payload, delay and id are the catalog's to check, once, when it sends.
 */
export function parseEventRequest(raw: Uint8Array): EventRequestBody {
  const body = decodeJson(raw, "The body is empty: send a JSON object { event, payload }");
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpProblemError(
      "INVALID_BODY",
      `The body must be a JSON object { event, payload, delay?, deliverAt?, id?, version? }, got ${Array.isArray(body) ? "an array" : String(body === null ? "null" : typeof body)}`,
    );
  }
  const unknown = Object.keys(body).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) {
    throw new HttpProblemError(
      "INVALID_BODY",
      `Unknown field${unknown.length > 1 ? "s" : ""} ${unknown
        .slice(0, 5)
        .map((key) => JSON.stringify(key))
        .join(", ")}: expected event, payload, delay, deliverAt, id, version`,
    );
  }
  const { event, payload, delay, deliverAt, id, version } = body as Record<string, unknown>;
  if (event === undefined || event === null)
    throw new HttpProblemError("MISSING_FIELDS", 'The body needs "event": the name of the event to send', {
      missing: ["event"],
    });
  if (typeof event !== "string")
    throw new HttpProblemError("INVALID_BODY", `"event" must be a string, got ${typeof event}`);
  // JSON has no `undefined`: a null option means "not given", as clients often serialise absent fields
  return {
    event,
    ...(payload === undefined ? {} : { payload }),
    ...(delay === undefined || delay === null ? {} : { delay: delay as never }),
    ...(deliverAt === undefined || deliverAt === null ? {} : { deliverAt: deliverAt as never }),
    ...(id === undefined || id === null ? {} : { id: id as never }),
    ...(version === undefined || version === null ? {} : { version: version as never }),
  };
}
