import type { IncomingMessage, ServerResponse } from "node:http";
import type { EngineActivity } from "../../../delivery/embedded/engine.js";
import type { RunRecord } from "../../../delivery/embedded/history.js";
import type { Refusal } from "./refusals.js";
import { type EventSummary, toSummary } from "./summaries.js";

/** One entry of a `GET /api/stream` message (SSE event `activity`, data: an array): an event as it stands now, and the last of its runs that changed. */
export interface LiveActivity {
  readonly event: EventSummary;
  readonly run?: RunRecord;
}

/** The server-sent events behind the dashboard's live updates. */
export interface LiveStream {
  /** Takes over a `GET /api/stream` request and keeps it open until the client or the server leaves. */
  attach(req: IncomingMessage, res: ServerResponse): void;
  /** Queues one engine activity for every client; sent within 50 ms, merged with others of the same event. */
  publish(activity: EngineActivity, replayOf: string | undefined): void;
  /** Sends a refused request to every client at once (SSE event `refused`, data: one {@link Refusal}). */
  publishRefusal(refusal: Refusal): void;
  /** Ends every stream. */
  close(): void;
}

// a client this far behind is dropped rather than buffered without bound; EventSource reconnects and the page reloads its list
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HEARTBEAT_MS = 15_000;
// activity is gathered this long and sent as one message, the latest state per event: a burst of
// 2,000 events (8,000 activities) reaches the page as a few dozen messages, not 8,000
const BATCH_MS = 50;

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
  const batch = new Map<string, LiveActivity>();
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    const entries = [...batch.values()];
    batch.clear();
    // JSON never contains a raw newline, so one data line per message is safe
    if (entries.length > 0) send(`event: activity\ndata: ${JSON.stringify(entries)}\n\n`);
  };
  return {
    attach(req, res) {
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      });
      // the first line tells EventSource how long to wait before reconnecting
      res.write("retry: 1000\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
    },
    publish(activity, replayOf) {
      if (clients.size === 0) return;
      const id = activity.record.event.id;
      const run = activity.type === "run" ? { ...activity.run } : batch.get(id)?.run;
      // delete first: the entry moves to the end, so the batch keeps the order things last changed
      batch.delete(id);
      batch.set(id, { event: toSummary(activity.record, replayOf), ...(run ? { run } : {}) });
      timer ??= setTimeout(flush, BATCH_MS);
    },
    publishRefusal(refusal) {
      if (clients.size > 0) send(`event: refused\ndata: ${JSON.stringify(refusal)}\n\n`);
    },
    close() {
      clearInterval(heartbeat);
      clearTimeout(timer);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
