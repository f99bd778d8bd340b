import type { AnyCatalog } from "../../../catalog/types.js";
import { createEventId } from "../../../core/event-id.js";
import type { EventStatus } from "../../../delivery/embedded/history.js";
import type { Monitor } from "../../../delivery/monitor.js";
import type { EventRequestHandler } from "../../http/handler.js";
import { HttpProblemError, jsonResponse } from "../../http/respond.js";
import { isTooDeepToShow, MAX_SHOWN_DEPTH } from "../json-depth.js";
import { describeEvents } from "./event-schemas.js";
import type { RefusalLog } from "./refusals.js";
import { buildChain, type EventDetail, type EventSummary, toSummary } from "./summaries.js";
import { buildTimeline, TIMELINE_LIMITS } from "./timeline.js";

/** What the dashboard reads and sends through. */
export interface DashboardSource {
  readonly catalog: AnyCatalog;
  /** Where history comes from: the embedded engine, or a postgres transport's monitor; without one there is none. */
  readonly engine: Monitor | undefined;
  /** The `POST /trigger` handler: the send form and replays go through it, so it validates them. */
  readonly trigger: EventRequestHandler;
  /** Event id -> the event it replays. */
  readonly replays: ReadonlyMap<string, string>;
  /** Records a replay before it is sent, so its first live update carries the link. */
  noteReplay(id: string, of: string): void;
  /** Requests `POST /trigger` refused, newest first. */
  readonly refusals?: RefusalLog;
}

const STATUSES: ReadonlySet<string> = new Set<EventStatus>([
  "scheduled",
  "running",
  "succeeded",
  "failed",
  "cancelled",
]);
const PAGE = { default: 50, max: 500 } as const;

/** `GET /api/events`: one page of history, newest first. */
export interface EventPage {
  readonly events: readonly EventSummary[];
  /** Events matching the filters in all of history, on every page. */
  readonly total: number;
  /** Pass as `before` for the next (older) page; `null` on the last page. */
  readonly nextBefore: string | null;
}

/**
 * Answers the dashboard's JSON endpoints under `/api/`: the catalog, history pages, one event,
 * refused requests, stats, and replays. Throws {@link HttpProblemError} for a request it refuses.
 */
export async function handleApi(request: Request, url: URL, source: DashboardSource): Promise<Response> {
  const parts = url.pathname
    .split("/")
    .slice(2)
    .map((part) => decodePart(part, url)); // "", "api", ...
  const [resource, id, action] = parts;
  const method = request.method === "HEAD" ? "GET" : request.method;
  if (resource === "catalog" && parts.length === 1) {
    allow(method, "GET");
    const { catalog, engine } = source;
    return jsonResponse(200, {
      transport: catalog.transport.name,
      history: engine !== undefined,
      events: await describeEvents(catalog),
    });
  }
  if (resource === "events" && parts.length === 1) {
    allow(method, "GET");
    return jsonResponse(200, listEvents(url.searchParams, source));
  }
  if (resource === "events" && id !== undefined && parts.length === 2) {
    allow(method, "GET");
    return jsonResponse(200, eventDetail(id, source));
  }
  if (resource === "events" && id !== undefined && action === "replay" && parts.length === 3) {
    allow(method, "POST");
    return replay(request, id, source);
  }
  if (resource === "refusals" && parts.length === 1) {
    allow(method, "GET");
    return jsonResponse(200, { refusals: source.refusals?.list() ?? [] });
  }
  if (resource === "stats" && parts.length === 1) {
    allow(method, "GET");
    const engine = historyOf(source);
    const bucketMs = Math.min(
      TIMELINE_LIMITS.maxBucketMs,
      Math.max(TIMELINE_LIMITS.minBucketMs, integer(url.searchParams, "bucketMs", TIMELINE_LIMITS.bucketMs)),
    );
    const buckets = Math.min(
      TIMELINE_LIMITS.maxBuckets,
      Math.max(1, integer(url.searchParams, "buckets", TIMELINE_LIMITS.buckets)),
    );
    return jsonResponse(200, {
      ...engine.history.stats(),
      timeline: buildTimeline(engine.history.list(), engine.now(), bucketMs, buckets),
    });
  }
  throw new HttpProblemError("NOT_FOUND", `Nothing at ${url.pathname}`);
}

function listEvents(params: URLSearchParams, source: DashboardSource): EventPage {
  const { history } = historyOf(source);
  const status = params.get("status") || undefined;
  if (status !== undefined && !STATUSES.has(status))
    throw new HttpProblemError("INVALID_BODY", `status must be one of ${[...STATUSES].join(", ")}`);
  const name = params.get("name") || undefined;
  const limit = Math.min(PAGE.max, Math.max(1, integer(params, "limit", PAGE.default)));
  const matching = history.list({
    ...(name === undefined ? {} : { name }),
    ...(status === undefined ? {} : { status: status as EventStatus }),
  });
  const before = params.get("before");
  // history drops the oldest first, so a cursor it dropped means nothing older is left
  const from = before === null ? 0 : matching.findIndex((record) => record.event.id === before) + 1 || matching.length;
  const page = matching.slice(from, from + limit);
  const more = from + limit < matching.length;
  return {
    events: page.map((record) => toSummary(record, source.replays.get(record.event.id))),
    total: matching.length,
    nextBefore: more ? page.at(-1)!.event.id : null,
  };
}

function eventDetail(id: string, source: DashboardSource): EventDetail {
  const { history } = historyOf(source);
  const record = history.get(id);
  if (!record)
    throw new HttpProblemError(
      "NOT_FOUND",
      `No event ${JSON.stringify(id)} in history (it may have been dropped: history keeps the newest events)`,
    );
  const related = history.list().filter((other) => other.event.correlationId === record.event.correlationId);
  const replayOf = source.replays.get(id);
  const tooDeep = isTooDeepToShow(record.event.payload);
  return {
    // JSON.stringify would overflow the stack on it: the page says why instead of getting a 500
    event: tooDeep
      ? { ...record.event, payload: `(not shown: nested deeper than ${MAX_SHOWN_DEPTH} levels)` }
      : record.event,
    ...(tooDeep ? { payloadHidden: true } : {}),
    status: record.status,
    runs: record.runs,
    chain: buildChain(related),
    ...(replayOf === undefined ? {} : { replayOf }),
  };
}

// a replay is a new root event (new id, no lineage) with the same name and payload; see docs/cli-and-dashboard.md#the-herald-dev-dashboard
async function replay(request: Request, id: string, source: DashboardSource): Promise<Response> {
  const record = historyOf(source).history.get(id);
  if (!record) throw new HttpProblemError("NOT_FOUND", `No event ${JSON.stringify(id)} in history to replay`);
  if (isTooDeepToShow(record.event.payload))
    throw new HttpProblemError(
      "INVALID_BODY",
      `The payload of ${JSON.stringify(id)} is nested deeper than ${MAX_SHOWN_DEPTH} levels: it cannot be replayed from here`,
    );
  const newId = createEventId();
  source.noteReplay(newId, id);
  const body = JSON.stringify({ event: record.event.name, payload: record.event.payload, id: newId });
  // through POST /trigger, so the payload is validated again and errors read the same as a send's
  const response = await source.trigger(
    new Request(request.url, { method: "POST", headers: { "content-type": "application/json" }, body }),
  );
  if (!response.ok) return response;
  const sent = (await response.json()) as Record<string, unknown>;
  return jsonResponse(200, { ...sent, replayOf: id });
}

function historyOf(source: DashboardSource): Monitor {
  if (source.engine) return source.engine;
  throw new HttpProblemError(
    "NOT_FOUND",
    `No history: the catalog sends through the ${source.catalog.transport.name} transport, which keeps none here`,
  );
}

function allow(method: string, wanted: "GET" | "POST"): void {
  if (method !== wanted)
    throw new HttpProblemError(
      "METHOD_NOT_ALLOWED",
      `Use ${wanted}, not ${method}`,
      {},
      { allow: wanted === "GET" ? "GET, HEAD" : "POST" },
    );
}

function decodePart(part: string, url: URL): string {
  try {
    return decodeURIComponent(part);
  } catch {
    // decodeURIComponent throws URIError on a lone "%" or a broken UTF-8 sequence: nothing has that name
    throw new HttpProblemError("NOT_FOUND", `Nothing at ${url.pathname}: the path is not validly percent-encoded`);
  }
}

function integer(params: URLSearchParams, key: string, fallback: number): number {
  const raw = params.get(key);
  if (raw === null || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value))
    throw new HttpProblemError("INVALID_BODY", `${key} must be a whole number, got ${JSON.stringify(raw)}`);
  return value;
}
