import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { AnyCatalog } from "../../catalog/types.js";
import type { EmbeddedEngine } from "../../delivery/embedded/engine.js";
import { createEventHandler } from "../http/handler.js";
import { toNodeHandler } from "../http/node.js";
import { HttpProblem, problemResponse } from "../http/respond.js";
import { createDashboardHandler, isDashboardPath, isLoopbackHost } from "./dashboard/dashboard.js";
import { createLiveStream } from "./dashboard/live-stream.js";
import { createDevPrinter } from "./dev-printer.js";

/** Options of {@link startDevServer}. */
export interface DevServerOptions {
  readonly catalog: AnyCatalog;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log: (line: string) => void;
  readonly colour: boolean;
}

/** A running `herald dev` server. */
export interface DevServer {
  /** `http://127.0.0.1:<port>/trigger`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>/`: the dashboard. */
  readonly dashboardUrl: string;
  /** Whether runs are printed: only when the catalog's transport is the embedded engine. */
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
    onError: (error) => log(`herald dev: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  const transport = catalog.transport as Partial<EmbeddedEngine>;
  const engine =
    typeof transport.observe === "function" && transport.history ? (transport as EmbeddedEngine) : undefined;
  const replays = new Map<string, string>();
  const live = createLiveStream();
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
    noteReplay(id, of) {
      replays.set(id, of);
      if (replays.size > REPLAY_LIMIT) replays.delete(replays.keys().next().value!);
    },
  });

  const route = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    if (isDashboardPath(path)) return dashboard(request);
    if (path !== "/trigger")
      return problemResponse(new HttpProblem("NOT_FOUND", `Nothing at ${path}: send events to POST /trigger`));
    const response = await handler(request);
    if (response.status >= 400) {
      const body = (await response
        .clone()
        .json()
        .catch(() => ({}))) as { code?: string; message?: string };
      log(
        `${colour ? "\u001B[31m✗\u001B[39m" : "✗"} ${request.method} ${path} ${response.status} ${body.code ?? ""}: ${body.message ?? ""}`,
      );
    }
    return response;
  };

  const serve = toNodeHandler(route);
  // the live stream stays open, so it bypasses the Web handler (whose adapter sends whole bodies)
  const server = createServer((req, res) => {
    if (req.url === "/api/stream" && req.method === "GET" && isLoopbackHost(req.headers.host ?? null))
      live.attach(req, res);
    else serve(req, res);
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
