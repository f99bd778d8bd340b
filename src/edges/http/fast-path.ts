/**
 * The hooks between herald's handler and its node adapter that let `toNodeHandler` skip building
 * a Web `Request` and `Response` (undici's constructors, with their body streams, cost more than
 * the rest of a request; see docs/performance-http.md). Web-standard: nothing here imports Node,
 * so the handler stays portable.
 */
import { type Reply, toResponse } from "./respond.js";

/**
 * A method a request may carry to hand over its whole body without a `ReadableStream`:
 * `(limit, tooLarge) => Promise<Uint8Array> | undefined`. It rejects with `tooLarge()` once more
 * than `limit` bytes arrived, and returns `undefined` when the body is no longer available that way.
 */
export const READ_BODY: unique symbol = Symbol("herald.readBody");

/** A method of a lightweight request that returns the equivalent genuine `Request`, built on first use. */
export const GENUINE_REQUEST: unique symbol = Symbol("herald.genuineRequest");

/** Where a handler made by {@link withReplies} keeps the function that answers with a {@link Reply}. */
export const REPLY_HANDLER: unique symbol = Symbol("herald.replyHandler");

/** What a lightweight request adds to the `Request` it stands for. */
export interface LightweightRequest extends Request {
  [READ_BODY](limit: number, tooLarge: () => Error): Promise<Uint8Array> | undefined;
  [GENUINE_REQUEST](): Request;
}

/** A Web-standard handler that can also answer with a plain {@link Reply}, and accepts a lightweight request there. */
export interface ReplyingHandler {
  (request: Request): Promise<Response>;
  readonly [REPLY_HANDLER]: (request: Request) => Promise<Reply>;
}

/** The genuine `Request` for `request`: itself, or the one a lightweight request stands for. */
export function genuineRequest(request: Request): Request {
  const genuine = (request as Partial<LightweightRequest>)[GENUINE_REQUEST];
  return typeof genuine === "function" ? genuine.call(request) : request;
}

/**
 * The Web-standard handler for `handle`, which must never reject and must read its request only
 * through `method`, `headers` and `readBody`, so that a lightweight request serves it.
 * `toNodeHandler` calls `handle` itself and writes its reply, with no `Response` in between.
 */
export function withReplies(handle: (request: Request) => Promise<Reply>): ReplyingHandler {
  const handler = async (request: Request): Promise<Response> => toResponse(await handle(request));
  return Object.defineProperty(handler, REPLY_HANDLER, { value: handle }) as ReplyingHandler;
}
