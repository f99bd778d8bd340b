import type { Envelope } from "../../core/envelope.js";
import { InvalidOptionsError } from "../../core/errors.js";
import { wholeNumber } from "../../core/whole-number.js";
import type { EngineActivity } from "../embedded/engine.js";
import {
  type EventRecord,
  type History,
  type MutableEventRecord,
  type RunRecord,
  statsOf,
} from "../embedded/history.js";
import type { Monitor } from "../monitor.js";
import { databaseError } from "./errors.js";
import { selectEvents, selectJobs, selectNewestEvents } from "./history-sql.js";
import { eventStatusOf, type JobRow, toRunRecord } from "./run-record.js";
import type { PoolLike } from "./types.js";

/** Options of `transport.monitor()`. */
export interface PostgresMonitorOptions {
  /** Newest events kept, as the embedded engine's `historyLimit`. Default 1,000, at most 10,000. */
  readonly historyLimit?: number;
  /** How often the database is read, in ms (at least 200). Default 1,000. */
  readonly pollingIntervalMs?: number;
  /** Called with each failed read (a TransportError); the monitor keeps polling. Default: ignored. */
  readonly onError?: (error: Error) => void;
}

/** History and activity read back from PostgreSQL: a {@link Monitor} that polls until closed. */
export interface PostgresMonitor extends Monitor {
  /** Reads the database now; resolves when the history is up to date (rejects with a TransportError). */
  refresh(): Promise<void>;
  /** Resolves after the first read (or its failure, reported to `onError`). */
  ready(): Promise<void>;
  /** Stops polling; resolves when a read in progress has ended. */
  close(): Promise<void>;
}

const FINAL: ReadonlySet<string> = new Set(["succeeded", "failed", "cancelled"]);

/**
 * Reads the newest `historyLimit` events of `schema` and their runs (pg-boss's jobs of herald's
 * queues) into a {@link History} shaped as the embedded engine's, and turns what changed between
 * two reads into the same activity its `observe` reports. The first read fills the history
 * silently. An event is read again until it is finished, then kept as it was. Events are ordered
 * by when their sending transaction started (`created_on`).
 * @throws InvalidOptionsError for a bad limit or interval
 */
export function createPostgresMonitor(
  pool: PoolLike,
  schema: string,
  options: PostgresMonitorOptions = {},
): PostgresMonitor {
  const limit = wholeNumber("historyLimit", options.historyLimit ?? 1000, 10_000);
  const intervalMs = wholeNumber("pollingIntervalMs", options.pollingIntervalMs ?? 1000, 86_400_000);
  if (intervalMs < 200) throw new InvalidOptionsError(`pollingIntervalMs must be at least 200, got ${intervalMs}`);
  const records = new Map<string, MutableEventRecord>();
  let order: string[] = []; // newest first
  let clearedAt = new Date(0);
  let first = true;
  const observers = new Set<(activity: EngineActivity) => void>();
  const notify = (record: EventRecord, run?: RunRecord): void => {
    if (first) return;
    const activity: EngineActivity = run === undefined ? { type: "event", record } : { type: "run", record, run };
    for (const listener of observers) {
      try {
        listener(activity);
      } catch {
        // an observer is a window, never a reason for the reads to stop
      }
    }
  };

  // the first read that succeeds fills the history without reporting anything as new
  const read = async (): Promise<void> => {
    await readOnce();
    first = false;
  };
  const readOnce = async (): Promise<void> => {
    const newest = (await pool.query(selectNewestEvents(schema), [limit, clearedAt])).rows as { id: string }[];
    order = newest.map((row) => row.id);
    const kept = new Set(order);
    for (const id of records.keys()) if (!kept.has(id)) records.delete(id);
    const unknown = order.filter((id) => !records.has(id));
    const isNew = new Set(unknown);
    const check = order.filter((id) => !records.has(id) || !FINAL.has(records.get(id)!.status));
    if (check.length === 0) return;
    const [events, jobs] = await Promise.all([
      pool.query(selectEvents(schema), [check, unknown]),
      pool.query(selectJobs(schema), [check]),
    ]);
    const jobsOf = new Map<string, JobRow[]>();
    for (const job of jobs.rows as JobRow[]) {
      const list = jobsOf.get(job.event_id) ?? [];
      list.push(job);
      jobsOf.set(job.event_id, list);
    }
    const rows = new Map((events.rows as EventRow[]).map((row) => [row.id, row]));
    // oldest first, so activity reads in the order things were sent
    for (const id of [...check].reverse()) {
      const row = rows.get(id);
      if (row === undefined) continue; // pruned between the two reads
      const own = jobsOf.get(id) ?? [];
      const status = eventStatusOf(own, row.later);
      const runs = own.map(toRunRecord).filter((run): run is RunRecord => run !== undefined);
      let record = records.get(id);
      if (record === undefined) {
        record = { event: envelopeOf(row), status, runs: [] };
        records.set(id, record);
        notify(record);
      }
      for (const run of runs) {
        const index = record.runs.findIndex((known) => known.subscriber === run.subscriber);
        const known = record.runs[index];
        if (known !== undefined && sameRun(known, run)) continue;
        if (index === -1) record.runs.push({ ...run });
        else record.runs[index] = { ...run };
        notify(record, record.runs[index === -1 ? record.runs.length - 1 : index]);
      }
      if (record.status !== status || (isNew.has(id) && FINAL.has(status))) {
        record.status = status;
        notify(record);
      }
    }
  };

  let running: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (running ??= read()
      .catch((error: unknown) => {
        throw databaseError("reading history", error);
      })
      .finally(() => {
        running = undefined;
      }));

  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const report = (error: unknown): void => {
    try {
      options.onError?.(error as Error);
    } catch {
      // a failing error listener must not stop the reads
    }
  };
  const poll = (): void => {
    timer = setTimeout(() => {
      if (closed) return;
      void refresh()
        .catch(report)
        .finally(() => !closed && poll());
    }, intervalMs);
    timer.unref?.();
  };
  const started = refresh().catch(report);
  void started.finally(() => !closed && poll());

  const history: History = {
    list(query = {}) {
      const out: EventRecord[] = [];
      const most = query.limit ?? Infinity;
      for (const id of order) {
        if (out.length >= most) break;
        const record = records.get(id);
        if (record === undefined) continue;
        if (query.name !== undefined && record.event.name !== query.name) continue;
        if (query.status !== undefined && record.status !== query.status) continue;
        out.push(record);
      }
      return out;
    },
    get: (id) => records.get(id),
    stats: () => statsOf(history.list()),
    // the database keeps its rows: the history only forgets what was sent before now
    clear() {
      clearedAt = new Date();
      records.clear();
      order = [];
    },
  };

  return {
    history,
    now: () => Date.now(),
    observe(listener) {
      observers.add(listener);
      return () => void observers.delete(listener);
    },
    refresh,
    ready: () => started,
    async close() {
      closed = true;
      clearTimeout(timer);
      observers.clear();
      await running?.catch(() => {});
    },
  };
}

interface EventRow {
  readonly id: string;
  readonly name: string;
  readonly created_on: Date | string;
  readonly envelope: unknown;
  readonly later: boolean;
}

const sameRun = (a: RunRecord, b: RunRecord): boolean =>
  a.status === b.status &&
  a.attempts === b.attempts &&
  a.startedAt === b.startedAt &&
  a.error?.message === b.error?.message;

// the envelope as sent; a row written by hand that lacks a field gets it from the row's columns
function envelopeOf(row: EventRow): Envelope {
  const raw =
    typeof row.envelope === "object" && row.envelope !== null ? (row.envelope as Record<string, unknown>) : {};
  const text = (key: string): string | undefined =>
    Object.hasOwn(raw, key) && typeof raw[key] === "string" ? (raw[key] as string) : undefined;
  const deliverAt = text("deliverAt");
  const causationId = text("causationId");
  return {
    id: row.id,
    name: row.name,
    payload: Object.hasOwn(raw, "payload") ? raw.payload : undefined,
    timestamp: text("timestamp") ?? new Date(row.created_on).toISOString(),
    correlationId: text("correlationId") ?? row.id,
    ...(deliverAt === undefined ? {} : { deliverAt }),
    ...(causationId === undefined ? {} : { causationId }),
  } as Envelope;
}
