/**
 * The body of a request that `@hono/node-server` (Hono on Node) hands to a route, read without a
 * Web stream. Its lightweight `Request` reads the socket directly for `arrayBuffer()`, but builds
 * undici's `Request`, an `AbortSignal` and a `ReadableStream` over the socket as soon as `body` is
 * touched: 20% of a mounted herald's CPU, more than Hono's whole route (docs/performance-http.md).
 * Web-standard like the handler: nothing here imports Node; the socket's request is read by duck typing.
 */

/** What is read of the `node:http` `IncomingMessage` behind the lightweight request. */
interface ParsedIncoming {
  readonly httpVersionMajor: unknown;
  readonly headers: Readonly<Record<string, unknown>>;
}

// @hono/node-server keeps the IncomingMessage under a module-private Symbol("incomingKey"); the
// symbol is found by its description once per copy of the package, then read directly
let incomingKey: symbol | undefined;

function incomingOf(request: Request): ParsedIncoming | undefined {
  let key = incomingKey;
  if (key === undefined || !Object.hasOwn(request, key)) {
    key = Object.getOwnPropertySymbols(request).find((symbol) => symbol.description === "incomingKey");
    if (key === undefined) return undefined;
  }
  const incoming = (request as unknown as Record<symbol, unknown>)[key];
  if (
    typeof incoming !== "object" ||
    incoming === null ||
    typeof (incoming as { on?: unknown }).on !== "function" ||
    typeof (incoming as { headers?: unknown }).headers !== "object" ||
    (incoming as { headers?: unknown }).headers === null
  )
    return undefined;
  incomingKey = key;
  return incoming as ParsedIncoming;
}

/**
 * The whole body of `request` through its own `arrayBuffer()`, when `request` is
 * `@hono/node-server`'s lightweight request over an HTTP/1 socket whose `Content-Length`, as node's
 * parser read it, is within `limit`. Only then: node's parser ends that body after exactly
 * `Content-Length` bytes (a longer one is the next request, and a 400; `Transfer-Encoding` with
 * `Content-Length` is refused before any handler runs), so `arrayBuffer()` cannot buffer past the
 * limit. The length is read from the parser's headers, not `request.headers`, which a middleware
 * may change. Anything else (no length, chunked, HTTP/2, another runtime) returns `undefined`, and
 * the caller counts the bytes of `request.body` as they arrive.
 */
export function readHonoNodeBody(request: Request, limit: number): Promise<Uint8Array> | undefined {
  const incoming = incomingOf(request);
  if (incoming === undefined || incoming.httpVersionMajor !== 1) return undefined;
  const { "content-length": length, "transfer-encoding": encoding } = incoming.headers;
  if (encoding !== undefined || typeof length !== "string" || !/^\d{1,15}$/.test(length) || Number(length) > limit)
    return undefined;
  return request.arrayBuffer().then((buffer) => new Uint8Array(buffer));
}
