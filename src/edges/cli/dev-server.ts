import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AnyCatalog } from "../../catalog/types.js";
import { isMonitor, type Monitor } from "../../delivery/monitor.js";
import { createEventHandler } from "../http/handler.js";
import { toNodeHandler } from "../http/node.js";
import { describeError } from "../../core/errors.js";
import { HttpProblemError, problemResponse } from "../http/respond.js";
import { createDashboardHandler, isDashboardPath, isLoopbackHost } from "./dashboard/dashboard.js";
import { createLiveStream } from "./dashboard/live-stream.js";
import { createRefusalLog } from "./dashboard/refusals.js";
import { createDevPrinter } from "./dev-printer.js";
import { escapeControl, escapeLines } from "./terminal-text.js";

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  readonly catalog: AnyCatalog;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log: (line: string) => void;
  readonly colour: boolean;
  /**
   * Where history and activity come from. Default: the catalog's transport when it is the embedded
   * engine, or `transport.monitor()` when it has one (herald/postgres).
   */
  readonly monitor?: Monitor;
  /** Socket timeouts; the defaults are {@link DEV_SERVER_TIMEOUTS}. */
  readonly timeouts?: Partial<DevServerTimeouts>;
}

/** How long the dev server waits on a client, in milliseconds. */
export interface DevServerTimeouts {
  /** From the connection (or the end of the previous request) to the last request header. */
  readonly headersMs: number;
  /** From the connection to the last byte of the request body: a stalled upload is closed after it. */
  readonly requestMs: number;
  /** How long an idle keep-alive connection stays open between requests. */
  readonly keepAliveMs: number;
}

/**
 * The dev server's defaults: Node's own are 60 s for headers, 300 s for a request, and a body
 * that trickles in keeps its socket for as long; a local server answers in milliseconds, so a
 * client that takes seconds is stuck or hostile. The live stream is a response, not a request, so
 * it stays open.
 */
export const DEV_SERVER_TIMEOUTS: DevServerTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };

/** A running `herald dev` server. */
export interface DevServer {
  /** `http://127.0.0.1:<port>/trigger`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/`: the dashboard. */
  readonly dashboardUrl: string;
  /** Whether runs are printed: when there is a {@link Monitor} (the embedded engine, herald/postgres). */
  readonly observing: boolean;
  /** Stops listening, drops open connections, and closes the catalog's transport. */
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
// replays remembered for the dashboard's "replay of" link, oldest forgotten first
const REPLAY_LIMIT = 10_000;

/**
 * Serves `POST /trigger` for `catalog` on 127.0.0.1 with no authentication, prints each event
 * and run as the embedded engine reports them, and serves the dashboard: the page at `/`, JSON
 * under `/api/`, live updates at `/api/stream` (see docs/cli-and-dashboard.md#the-herald-dev-dashboard). Other paths answer 404.
 * @throws Error with code EADDRINUSE when the port is taken
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const { catalog, log, colour } = options;
  // a local development server: open by design, and only reachable from this machine
  const handler = createEventHandler(catalog, {
    auth: "none",
    onError: (error) =>
      log(`herald dev: ${escapeLines(error instanceof Error ? (error.stack ?? error.message) : describeError(error))}`),
  });
  let lastReadError: string | undefined;
  // a database that stays down fails every read: say so once, not once a second
  const onReadError = (error: Error): void => {
    if (error.message !== lastReadError) log(`herald dev: ${escapeLines(error.message)}`);
    lastReadError = error.message;
  };
  const engine = options.monitor ?? monitorOf(catalog.transport, onReadError);
  await engine?.ready?.();
  const replays = new Map<string, string>();
  const live = createLiveStream();
  const refusals = createRefusalLog();
  const print = createDevPrinter(log, colour);
  const stopObserving = engine?.observe((activity) => {
    print(activity);
    live.publish(activity, replays.get(activity.record.event.id));
  });
  const dashboard = createDashboardHandler({
    catalog,
    engine,
    trigger: handler,
    replays,
    refusals,
    noteReplay(id, of) {
      replays.set(id, of);
      if (replays.size > REPLAY_LIMIT) replays.delete(replays.keys().next().value!);
    },
  });

  const route = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (isDashboardPath(path)) return dashboard(request);
    if (path !== "/trigger")
      return problemResponse(new HttpProblemError("NOT_FOUND", `Nothing at ${path}: send events to POST /trigger`));
    const response = await handler(request);
    if (response.status >= 400) {
      const body = (await response
        .clone()
        .json()
        .catch(() => ({}))) as { code?: string; message?: string };
      live.publishRefusal(refusals.record(response.status, body));
      log(
        `${colour ? "\u001B[31m✗\u001B[39m" : "✗"} ${escapeControl(`${request.method} ${path} ${response.status} ${body.code ?? ""}: ${body.message ?? ""}`)}`,
      );
    }
    return response;
  };

  const serve = toNodeHandler(route);
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    // DNS rebinding: a page on another site can point its own name at 127.0.0.1; its requests carry
    // that name in Host, so every route (the send endpoint too) answers only loopback names
    if (!isLoopbackHost(req.headers.host ?? null)) return refuseHost(res);
    // the live stream stays open, so it bypasses the Web handler (whose adapter sends whole bodies)
    if (req.url === "/api/stream" && req.method === "GET") live.attach(req, res);
    else serve(req, res);
  };
  const timeouts = { ...DEV_SERVER_TIMEOUTS, ...options.timeouts };
  const server = createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      // how often Node looks for requests past their timeouts (its default is 30 s, longer than ours)
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs, timeouts.requestMs),
    },
    listener,
  );
  // with a listener here Node no longer answers `Expect: 100-continue` itself: the client is told
  // to send its body only once the request would be accepted (loopback Host, a route that exists)
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    if (!isLoopbackHost(req.headers.host ?? null)) return refuseHost(res);
    const path = (req.url ?? "/").split("?")[0]!;
    if (path !== "/trigger" && !isDashboardPath(path)) {
      res.shouldKeepAlive = false;
      return void serve(req, res);
    }
    res.writeContinue();
    listener(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    stopObserving?.();
    live.close();
    throw error;
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${HOST}:${port}/trigger`,
    dashboardUrl: `http://${HOST}:${port}/`,
    observing: stopObserving !== undefined,
    async close() {
      stopObserving?.();
      live.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await catalog.close();
    },
  };
}

// the embedded engine is its own monitor; a postgres transport makes one that reads the database
// (closed with the transport, which close() closes)
function monitorOf(transport: unknown, onError: (error: Error) => void): Monitor | undefined {
  if (isMonitor(transport)) return transport;
  const monitor = (transport as { monitor?: unknown } | null)?.monitor;
  if (typeof monitor !== "function") return undefined;
  const made: unknown = monitor.call(transport, { onError });
  return isMonitor(made) ? made : undefined;
}

function refuseHost(res: ServerResponse): void {
  const response = problemResponse(
    new HttpProblemError("HOST_NOT_ALLOWED", "herald dev answers only requests addressed to 127.0.0.1 or localhost"),
  );
  // the body was never asked for (or is unwanted): close rather than read it
  res.shouldKeepAlive = false;
  response.headers.forEach((value, key) => res.setHeader(key, value));
  res.statusCode = response.status;
  void response.text().then((text) => res.end(text));
}
