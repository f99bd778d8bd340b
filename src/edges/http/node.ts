import {
  GENUINE_REQUEST,
  type LightweightRequest,
  READ_BODY,
  REPLY_HANDLER,
  type ReplyingHandler,
} from "./fast-path.js";
import { HttpProblemError, problemReply, problemResponse, type Reply } from "./respond.js";

// Written structurally, not imported from node:http: herald/http's declarations must type-check
// for Web-only consumers (lib dom, no @types/node), and node:http's IncomingMessage and
// ServerResponse (and Express's) have these members, so they are accepted as they are.

/** What {@link toNodeHandler} reads of a `node:http` `IncomingMessage` (Express's `req` too). */
export interface NodeIncomingMessage extends AsyncIterable<unknown> {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  /** Header names and values, alternating, as received. */
  readonly rawHeaders: readonly string[];
  readonly headers: { readonly host?: string | undefined };
  /** True once the whole body was read. */
  readonly complete: boolean;
  readonly destroyed: boolean;
  pause(): unknown;
  on(event: "data" | "end" | "error" | "close", listener: (chunk: Uint8Array) => void): this;
  off(event: "data" | "end" | "error" | "close", listener: (chunk: Uint8Array) => void): this;
}

/** What {@link toNodeHandler} writes on a `node:http` `ServerResponse` (Express's `res` too). */
export interface NodeServerResponse {
  statusCode: number;
  readonly req: NodeIncomingMessage;
  setHeader(name: string, value: string | readonly string[]): unknown;
  end(chunk: Uint8Array | string): unknown;
  destroy(): unknown;
}

/** A `node:http` request listener; Express and Connect accept it as a route handler too. */
export type NodeRequestListener = (req: NodeIncomingMessage, res: NodeServerResponse) => void;

/**
 * Serves a Web-standard handler on `node:http` (or Express): converts the request in, the
 * response out, and streams the body so a size limit stops reading early. Put no body parser
 * (`express.json()`) in front of it: the handler reads the raw body itself (signatures need it).
 * Given herald's own handler (from `createEventHandler`, not wrapped), it builds no undici `Request`
 * or `Response`: the handler reads the socket directly, with the same size limit, and its reply is
 * written as is; `onError` still receives a genuine `Request`.
 * @example
 * createServer(toNodeHandler(createEventHandler(events, { auth: { token } }))).listen(3002, "127.0.0.1");
 * @see docs/http.md#nodehttp-and-express
 */
export function toNodeHandler(handler: (request: Request) => Response | Promise<Response>): NodeRequestListener {
  // herald's own handler: a request that builds undici's Request only if asked to, and a Reply written as is
  const replying = (handler as Partial<ReplyingHandler>)[REPLY_HANDLER];
  return (req, res) => {
    let request: Request;
    try {
      request = (replying ? lightweightRequestOf(req) : undefined) ?? genuineRequestOf(req);
    } catch {
      // undici refuses some methods (CONNECT, TRACE) and header values that node:http lets through
      void send(
        res,
        problemResponse(
          new HttpProblemError(
            req.method === "POST" ? "INVALID_BODY" : "METHOD_NOT_ALLOWED",
            "The request could not be read",
            {},
            { allow: "POST" },
          ),
        ),
      );
      return;
    }
    if (replying) {
      // the same fallbacks as below, with the Reply written directly
      replying(request)
        .catch(() => problemReply(new HttpProblemError("INTERNAL_ERROR", "The request could not be handled")))
        .then((reply) => write(res, reply))
        .catch(() => res.destroy());
      return;
    }
    Promise.resolve(request)
      .then(handler)
      .catch(() => problemResponse(new HttpProblemError("INTERNAL_ERROR", "The request could not be handled")))
      .then((response) => send(res, response))
      .catch(() => res.destroy());
  };
}

/** Writes a reply as `send` writes the equivalent Response: the same status, headers (in `Headers` order) and bytes. */
function write(res: NodeServerResponse, reply: Reply): void {
  res.statusCode = reply.status;
  for (const key of Object.keys(reply.headers).sort()) res.setHeader(key.toLowerCase(), reply.headers[key]!);
  if (!res.req.complete) res.setHeader("connection", "close");
  res.end(reply.text);
}

async function send(res: NodeServerResponse, response: Response): Promise<void> {
  const body = new Uint8Array(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") res.setHeader(key, value);
  });
  const cookies = response.headers.getSetCookie?.() ?? [];
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  // the request body may be unread (413): close the connection rather than read the rest of it
  if (!res.req.complete) res.setHeader("connection", "close");
  res.end(body);
}

// methods undici's Request keeps as they are; any other goes through the genuine Request, which
// refuses CONNECT, TRACE and TRACK just as before
const PLAIN_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);

/** The URL a genuine request for `req` gets: its target on its Host, or on localhost when that is unusable. */
function urlOf(req: NodeIncomingMessage): URL {
  try {
    return new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  } catch {
    return new URL(req.url?.startsWith("/") ? req.url : "/", "http://localhost");
  }
}

/** The request's headers as a `Headers`, in arrival order. @throws TypeError on a value `Headers` refuses */
function headersOf(req: NodeIncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  return headers;
}

/** A genuine `Request` for `req`, its body streamed from the socket. @throws TypeError on what undici refuses */
function genuineRequestOf(req: NodeIncomingMessage, url: URL = urlOf(req), headers: Headers = headersOf(req)): Request {
  const method = req.method ?? "GET";
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  const chunks = req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    // not chunks.return(): that destroys the socket before the response (413) is written
  });
  return new Request(url, { method, headers, body, duplex: "half" } as RequestInit);
}

/**
 * A `Request` (by `instanceof` and by behaviour) for a `node:http` request that builds the genuine
 * undici `Request` only when something other than `method`, `url`, `headers` or herald's body
 * reader is used: undici's constructor, with its body stream, cost more than the rest of a request.
 * The same idea as `@hono/node-server`'s lightweight Request. Returns `undefined` for a method the
 * fast path does not cover; the caller then builds the genuine request.
 * @throws TypeError on a header value `Headers` refuses, as the genuine request would
 */
function lightweightRequestOf(req: NodeIncomingMessage): LightweightRequest | undefined {
  if (!PLAIN_METHODS.has(req.method ?? "")) return undefined;
  return new NodeRequest(req, headersOf(req)) as unknown as LightweightRequest;
}

class NodeRequest {
  readonly #req: NodeIncomingMessage;
  // built on first use: herald's handler never reads it
  #url: URL | undefined;
  readonly #headers: Headers;
  #genuine: Request | undefined;
  /** Set once the body was read directly, so nothing reads it twice. */
  #bodyRead = false;

  constructor(req: NodeIncomingMessage, headers: Headers) {
    this.#req = req;
    this.#headers = headers;
  }

  get method(): string {
    return this.#req.method!;
  }

  get url(): string {
    return (this.#url ??= urlOf(this.#req)).href;
  }

  get headers(): Headers {
    return this.#headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this[GENUINE_REQUEST]().body;
  }

  get bodyUsed(): boolean {
    return this.#bodyRead || (this.#genuine?.bodyUsed ?? false);
  }

  [GENUINE_REQUEST](): Request {
    if (this.#genuine) return this.#genuine;
    if (!this.#bodyRead)
      return (this.#genuine = genuineRequestOf(this.#req, (this.#url ??= urlOf(this.#req)), this.#headers));
    // the body went to the handler: the genuine request's is used and locked, as after a streamed read
    const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    const genuine = new Request((this.#url ??= urlOf(this.#req)), {
      method: this.method,
      headers: this.#headers,
      body,
      duplex: "half",
    } as RequestInit);
    void genuine.body!.getReader().read();
    return (this.#genuine = genuine);
  }

  [READ_BODY](limit: number, tooLarge: () => Error): Promise<Uint8Array> | undefined {
    if (this.#genuine || this.#bodyRead) return undefined;
    this.#bodyRead = true;
    const method = this.method;
    if (method === "GET" || method === "HEAD") return Promise.resolve(new Uint8Array(0));
    return readIncoming(this.#req, limit, tooLarge);
  }

  [Symbol.for("nodejs.util.inspect.custom")](
    depth: number,
    options: object,
    inspect: (value: unknown, options: object) => string,
  ): string {
    return inspect(this[GENUINE_REQUEST](), options);
  }
}

/** The body of `req`, from its `data` events, with no more than `limit` bytes kept. */
function readIncoming(req: NodeIncomingMessage, limit: number, tooLarge: () => Error): Promise<Uint8Array> {
  // the client went away before the handler read anything: a streamed read would fail the same way
  if (req.destroyed) return Promise.reject(new HttpProblemError("INVALID_BODY", "The request body could not be read"));
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const done = (): void => {
      req.off("data", onData).off("end", onEnd).off("error", onFailure).off("close", onFailure);
    };
    const onData = (chunk: Uint8Array): void => {
      size += chunk.byteLength;
      if (size > limit) {
        done();
        // stop reading the socket, as a cancelled stream does; the response then closes the connection
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      const body = chunks.length === 1 ? chunks[0]! : concat(chunks, size);
      // a plain Uint8Array view, as a Web stream would give: Buffer's slice() shares memory where Uint8Array's copies
      resolve(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    };
    const onFailure = (): void => {
      done();
      reject(new HttpProblemError("INVALID_BODY", "The request body could not be read"));
    };
    req.on("data", onData).on("end", onEnd).on("error", onFailure).on("close", onFailure);
  });
}

// every other member of Request (signal, clone, text, json, arrayBuffer, ...) is the genuine request's
for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(Request.prototype))) {
  if (name === "constructor" || Object.hasOwn(NodeRequest.prototype, name)) continue;
  Object.defineProperty(NodeRequest.prototype, name, {
    configurable: true,
    ...(descriptor.get
      ? {
          get(this: LightweightRequest) {
            return descriptor.get!.call(this[GENUINE_REQUEST]());
          },
        }
      : typeof descriptor.value === "function"
        ? {
            writable: true,
            value(this: LightweightRequest, ...args: unknown[]) {
              return (descriptor.value as (...a: unknown[]) => unknown).apply(this[GENUINE_REQUEST](), args);
            },
          }
        : { value: descriptor.value }),
  });
}
// instanceof Request, and Object.prototype.toString says "[object Request]"
Object.setPrototypeOf(NodeRequest.prototype, Request.prototype);

// Buffer.concat without naming Buffer, whose type lives in @types/node
function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return body;
}
