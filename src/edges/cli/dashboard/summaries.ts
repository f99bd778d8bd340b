import type { EventRecord, EventStatus, RunRecord } from "../../../delivery/embedded/history.js";

/** One row of the dashboard's event list: what `GET /api/events` returns per event. */
export interface EventSummary {
  readonly id: string;
  readonly name: string;
  readonly status: EventStatus;
  /** When the event was sent, ISO 8601. */
  readonly timestamp: string;
  readonly deliverAt?: string;
  readonly correlationId: string;
  readonly causationId?: string;
  /** Run counts by outcome; `active` is running or waiting to retry. */
  readonly runs: {
    readonly total: number;
    readonly succeeded: number;
    readonly failed: number;
    readonly active: number;
  };
  /** The event this one replays, when it was sent by the dashboard's replay button. */
  readonly replayOf?: string;
}

/** One event of a chain, with the events its handlers sent. */
export interface ChainNode {
  readonly id: string;
  readonly name: string;
  readonly status: EventStatus;
  readonly timestamp: string;
  readonly children: ChainNode[];
}

/** What `GET /api/events/:id` returns: the envelope, its runs, and its chain. */
export interface EventDetail {
  readonly event: EventRecord["event"];
  readonly status: EventStatus;
  readonly runs: readonly RunRecord[];
  /**
   * The events sharing this one's correlation id, as trees linked by causation id. One tree unless
   * history dropped an ancestor: then each orphan starts its own.
   */
  readonly chain: readonly ChainNode[];
  readonly replayOf?: string;
  /** Set when the payload is too deeply nested to serialise: `event.payload` then holds a note instead. */
  readonly payloadHidden?: true;
}

/** The list row for `record`. */
export function toSummary(record: EventRecord, replayOf: string | undefined): EventSummary {
  const { event } = record;
  const runs = { total: record.runs.length, succeeded: 0, failed: 0, active: 0 };
  for (const run of record.runs) {
    if (run.status === "succeeded") runs.succeeded++;
    else if (run.status === "failed") runs.failed++;
    else if (run.status !== "cancelled") runs.active++;
  }
  return {
    id: event.id,
    name: event.name,
    status: record.status,
    timestamp: event.timestamp,
    ...(event.deliverAt === undefined ? {} : { deliverAt: event.deliverAt }),
    correlationId: event.correlationId,
    ...(event.causationId === undefined ? {} : { causationId: event.causationId }),
    runs,
    ...(replayOf === undefined ? {} : { replayOf }),
  };
}

/** Links `related` (newest first, as history lists them) into trees by causation id, oldest first. */
export function buildChain(related: readonly EventRecord[]): ChainNode[] {
  const nodes = new Map<string, ChainNode>();
  const ordered = [...related].reverse();
  for (const { event, status } of ordered)
    nodes.set(event.id, { id: event.id, name: event.name, status, timestamp: event.timestamp, children: [] });
  const roots: ChainNode[] = [];
  for (const { event } of ordered) {
    const node = nodes.get(event.id)!;
    const parent = event.causationId === undefined ? undefined : nodes.get(event.causationId);
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}
