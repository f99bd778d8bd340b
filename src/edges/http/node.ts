import { HttpProblem, problemResponse } from "./respond.js";

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
}

/** What {@link toNodeHandler} writes on a `node:http` `ServerResponse` (Express's `res` too). */
export interface NodeServerResponse {
  statusCode: number;
  readonly req: NodeIncomingMessage;
  setHeader(name: string, value: string | readonly string[]): unknown;
  end(chunk: Uint8Array): unknown;
  destroy(): unknown;
}

/** A `node:http` request listener; Express and Connect accept it as a route handler too. */
export type NodeRequestListener = (req: NodeIncomingMessage, res: NodeServerResponse) => void;

/**
 * Serves a Web-standard handler on `node:http` (or Express): converts the request in, the
 * response out, and streams the body so a size limit stops reading early. Put no body parser
 * (`express.json()`) in front of it: the handler reads the raw body itself (signatures need it).
 * @example
 * createServer(toNodeHandler(createEventHandler(events, { auth: { token } }))).listen(3002, "127.0.0.1");
 * @see docs/http.md#nodehttp-and-express
 */
export function toNodeHandler(handler: (request: Request) => Response | Promise<Response>): NodeRequestListener {
  return (req, res) => {
    let request: Request;
    try {
      request = toRequest(req);
    } catch {
      // undici refuses some methods (CONNECT, TRACE) and header values that node:http lets through
      void send(
        res,
        problemResponse(
          new HttpProblem(
            req.method === "POST" ? "INVALID_BODY" : "METHOD_NOT_ALLOWED",
            "The request could not be read",
            {},
            { allow: "POST" },
          ),
        ),
      );
      return;
    }
    Promise.resolve(request)
      .then(handler)
      .catch(() => problemResponse(new HttpProblem("INTERNAL_ERROR", "The request could not be handled")))
      .then((response) => send(res, response))
      .catch(() => res.destroy());
  };
}

function toRequest(req: NodeIncomingMessage): Request {
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? "GET";
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  } catch {
    url = new URL(req.url?.startsWith("/") ? req.url : "/", "http://localhost");
  }
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
