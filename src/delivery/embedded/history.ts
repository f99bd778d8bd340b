import type { Envelope } from "../../core/envelope.js";
import { createRing } from "./ring.js";

/** Where an event stands: waiting for its time, running its subscribers, or done. */
export type EventStatus = "scheduled" | "running" | "succeeded" | "failed" | "cancelled";

/** Where one subscriber's run of one event stands. */
export type RunStatus = "running" | "retrying" | "succeeded" | "failed" | "cancelled";

/** An error as history keeps it: plain data, safe to serialise. */
export interface RunError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** One subscriber's handling of one event, across its attempts. */
export interface RunRecord {
  /** `<event id>:<subscriber id>`. */
  readonly id: string;
  readonly subscriber: string;
  readonly status: RunStatus;
  readonly attempts: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationMs?: number;
  /** The last attempt's error. */
  readonly error?: RunError;
}

/** An event and every run it caused. A record with no runs had no subscribers. */
export interface EventRecord {
  readonly event: Envelope;
  readonly status: EventStatus;
  readonly runs: readonly RunRecord[];
}

/** Filters for {@link History.list}. */
export interface HistoryQuery {
  readonly name?: string;
  readonly status?: EventStatus;
  /** Most records to return, newest first. */
  readonly limit?: number;
}

/** Counts for one event name, or all of them. */
export interface EventStats {
  readonly events: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly pending: number;
  /** Succeeded over finished events, 0 to 1; `null` before anything finished. */
  readonly successRate: number | null;
  readonly runs: { readonly succeeded: number; readonly failed: number };
}

/** {@link EventStats} in all and per event name, over the records history still holds. */
export interface HistoryStats extends EventStats {
  readonly byName: Readonly<Record<string, EventStats>>;
}

/** The embedded engine's bounded record of events and runs, oldest dropped first. */
export interface History {
  list(query?: HistoryQuery): readonly EventRecord[];
  get(eventId: string): EventRecord | undefined;
  stats(): HistoryStats;
  clear(): void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type MutableEventRecord = Mutable<Omit<EventRecord, "runs">> & { runs: Mutable<RunRecord>[] };

/** The store behind {@link History}: the engine writes records in place. */
export function createHistory(limit: number): History & { add(record: MutableEventRecord): void } {
  // a ring of records: no id index, which cost a Map insert and delete per event on the send
  // path; get() scans at most `limit` records, newest first
  const ring = createRing<MutableEventRecord>(limit);
  return {
    add(record) {
      ring.push(record);
    },
    get(id) {
      for (const record of ring.newestFirst()) if (record.event.id === id) return record;
      return undefined;
    },
    list(query = {}) {
      const out: EventRecord[] = [];
      const most = query.limit ?? Infinity;
      for (const record of ring.newestFirst()) {
        if (out.length >= most) break;
        if (query.name !== undefined && record.event.name !== query.name) continue;
        if (query.status !== undefined && record.status !== query.status) continue;
        out.push(record);
      }
      return out;
    },
    stats: () => statsOf(ring.values()),
    clear() {
      ring.clear();
    },
  };
}

/** The counts of {@link History.stats} over `records`: the embedded engine's and herald/postgres's alike. */
export function statsOf(records: Iterable<EventRecord>): HistoryStats {
  const total = tally();
  const byName: Record<string, ReturnType<typeof tally>> = {};
  for (const record of records) {
    count(total, record);
    count((byName[record.event.name] ??= tally()), record);
  }
  for (const stats of [total, ...Object.values(byName)]) {
    const finished = stats.succeeded + stats.failed;
    stats.successRate = finished === 0 ? null : stats.succeeded / finished;
  }
  return { ...total, byName };
}

function tally(): Mutable<EventStats> & { runs: { succeeded: number; failed: number } } {
  return { events: 0, succeeded: 0, failed: 0, pending: 0, successRate: null, runs: { succeeded: 0, failed: 0 } };
}

function count(stats: ReturnType<typeof tally>, record: EventRecord): void {
  stats.events++;
  if (record.status === "succeeded") stats.succeeded++;
  else if (record.status === "failed") stats.failed++;
  else if (record.status !== "cancelled") stats.pending++;
  for (const run of record.runs) {
    if (run.status === "succeeded") stats.runs.succeeded++;
    else if (run.status === "failed") stats.runs.failed++;
  }
}
