/**
 * The hooks between herald's handler and its node adapter that let `toNodeHandler` skip building
 * a full Web `Request` (undici's constructor was the largest single cost of a request, see
 * docs/performance-http.md). Web-standard: nothing here imports Node, so the handler stays portable.
 */

/**
 * A method a request may carry to hand over its whole body without a `ReadableStream`:
 * `(limit, tooLarge) => Promise<Uint8Array> | undefined`. It rejects with `tooLarge()` once more
 * than `limit` bytes arrived, and returns `undefined` when the body is no longer available that way.
 */
export const READ_BODY: unique symbol = Symbol("herald.readBody");

/** A method of a lightweight request that returns the equivalent genuine `Request`, built on first use. */
export const GENUINE_REQUEST: unique symbol = Symbol("herald.genuineRequest");

/** Marks a handler that accepts a lightweight request, so `toNodeHandler` may give it one. */
export const ACCEPTS_LIGHTWEIGHT_REQUEST: unique symbol = Symbol("herald.acceptsLightweightRequest");

/** What a lightweight request adds to the `Request` it stands for. */
export interface LightweightRequest extends Request {
  [READ_BODY](limit: number, tooLarge: () => Error): Promise<Uint8Array> | undefined;
  [GENUINE_REQUEST](): Request;
}

/** The genuine `Request` for `request`: itself, or the one a lightweight request stands for. */
export function genuineRequest(request: Request): Request {
  const genuine = (request as Partial<LightweightRequest>)[GENUINE_REQUEST];
  return typeof genuine === "function" ? genuine.call(request) : request;
}

/** Marks `handler` as one that reads its request only through `method`, `headers` and `readBody`. */
export function acceptsLightweightRequest<T extends (request: Request) => unknown>(handler: T): T {
  Object.defineProperty(handler, ACCEPTS_LIGHTWEIGHT_REQUEST, { value: true });
  return handler;
}
