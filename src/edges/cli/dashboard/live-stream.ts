import type { IncomingMessage, ServerResponse } from "node:http";
import type { EngineActivity } from "../../../delivery/embedded/engine.js";
import type { RunRecord } from "../../../delivery/embedded/history.js";
import { type EventSummary, toSummary } from "./summaries.js";

/** One message of `GET /api/stream` (SSE event `activity`): the event as it stands now, and the run that changed. */
export interface LiveActivity {
  readonly type: "event" | "run";
  readonly event: EventSummary;
  readonly run?: RunRecord;
}

/** The server-sent events behind the dashboard's live updates. */
export interface LiveStream {
  /** Takes over a `GET /api/stream` request and keeps it open until the client or the server leaves. */
  attach(req: IncomingMessage, res: ServerResponse): void;
  /** Sends one engine activity to every client. */
  publish(activity: EngineActivity, replayOf: string | undefined): void;
  /** Ends every stream. */
  close(): void;
}

// a client this far behind is dropped rather than buffered without bound; EventSource reconnects and the page reloads its list
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;

/** Creates the broadcaster; a heartbeat comment every 15 s keeps idle connections open through proxies. */
export function createLiveStream(): LiveStream {
  const clients = new Set<ServerResponse>();
  const send = (chunk: string): void => {
    for (const res of clients) {
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        clients.delete(res);
        res.destroy();
      } else res.write(chunk);
    }
  };
  const heartbeat = setInterval(() => send(": ping\n\n"), HEARTBEAT_MS);
  heartbeat.unref();
  return {
    attach(req, res) {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
      // the first line tells EventSource how long to wait before reconnecting
      res.write("retry: 1000\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
    },
    publish(activity, replayOf) {
      if (clients.size === 0) return;
      const message: LiveActivity = {
        type: activity.type,
        event: toSummary(activity.record, replayOf),
        ...(activity.type === "run" ? { run: { ...activity.run } } : {}),
      };
      // JSON never contains a raw newline, so one data line per message is safe
      send(`event: activity\ndata: ${JSON.stringify(message)}\n\n`);
    },
    close() {
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
