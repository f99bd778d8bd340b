import type { EventStatus, RunError, RunRecord, RunStatus } from "../embedded/history.js";

/** One pg-boss job of an event in a herald queue, as selectJobs (history-sql.ts) reads it. */
export interface JobRow {
  readonly event_id: string;
  /** `herald.<subscriber>`. */
  readonly queue: string;
  /** pg-boss's job state: created, retry, active, completed, cancelled or failed. */
  readonly state: string;
  readonly retry_count: number;
  readonly started_on: Date | string | null;
  readonly completed_on: Date | string | null;
  /** Its start_after is still ahead: not due yet. */
  readonly waiting: boolean;
  readonly output: unknown;
  /** Read from pg-boss's `archive` rather than `job`. */
  readonly archived: boolean;
}

const FINISHED: ReadonlySet<string> = new Set(["completed", "cancelled", "failed"]);
const MAX_NAME = 100;
const MAX_MESSAGE = 1000;

// pg-boss left a job it archived before it was ever finished: its retention ran out while it waited
const EXPIRED: RunError = {
  name: "Error",
  message: "pg-boss archived the job before it ran to the end (its retention passed while it waited)",
};

const iso = (value: Date | string): string => new Date(value).toISOString();

/**
 * The run a job stands for, or `undefined` for a job no worker has fetched yet (the embedded
 * engine has no record of a run before it starts either). created/retry -> `retrying` once started,
 * active -> `running`, completed -> `succeeded`, failed -> `failed`, cancelled (or archived
 * unfinished) -> `cancelled`. Attempts are pg-boss's `retry_count` + 1 once the job has started
 * (it counts a retry when the job is fetched again); the error is read from the job's `output`.
 */
export function toRunRecord(job: JobRow): RunRecord | undefined {
  if (job.started_on === null && !FINISHED.has(job.state) && !job.archived) return undefined;
  const status = runStatusOf(job);
  const subscriber = job.queue.slice("herald.".length);
  const error = status === "succeeded" || status === "running" ? undefined : (errorOf(job.output) ?? expired(job));
  const startedAt = job.started_on ?? job.completed_on;
  const finished = status !== "running" && status !== "retrying" && job.completed_on !== null;
  return {
    id: `${job.event_id}:${subscriber}`,
    subscriber,
    status,
    attempts: job.started_on === null ? 0 : Number(job.retry_count) + 1,
    startedAt: startedAt === null ? new Date(0).toISOString() : iso(startedAt),
    ...(finished ? { finishedAt: iso(job.completed_on!) } : {}),
    ...(finished && job.started_on !== null
      ? { durationMs: Math.max(0, Date.parse(iso(job.completed_on!)) - Date.parse(iso(job.started_on))) }
      : {}),
    ...(error === undefined ? {} : { error }),
  };
}

function runStatusOf(job: JobRow): RunStatus {
  switch (job.state) {
    case "completed":
      return "succeeded";
    case "failed":
      return "failed";
    case "cancelled":
      return "cancelled";
    case "active":
      return job.archived ? "cancelled" : "running";
    default:
      return job.archived ? "cancelled" : "retrying";
  }
}

function expired(job: JobRow): RunError | undefined {
  return job.archived && !FINISHED.has(job.state) ? EXPIRED : undefined;
}

/**
 * The status of an event from its jobs, as the embedded engine settles one: `scheduled` while
 * nothing has started and everything waits for its time, `running` while any job is unfinished,
 * then `failed` if a run failed, else `cancelled` if one was cancelled, else `succeeded` (also
 * for an event no queue subscribed to, once it is due).
 */
export function eventStatusOf(jobs: readonly JobRow[], later: boolean): EventStatus {
  if (jobs.length === 0) return later ? "scheduled" : "succeeded";
  const open = jobs.filter((job) => !FINISHED.has(job.state) && !job.archived);
  if (open.length > 0)
    return jobs.every((job) => job.started_on === null && job.waiting && open.includes(job)) ? "scheduled" : "running";
  const statuses = jobs.map(runStatusOf);
  if (statuses.includes("failed")) return "failed";
  if (statuses.includes("cancelled")) return "cancelled";
  return "succeeded";
}

/**
 * A job's `output` as a {@link RunError}: herald's workers store `{ name, message, code? }`;
 * pg-boss stores `{ value: { message } }` when a job expired and `{ value: "..." }` for a string.
 * Read as own properties only, cut to the lengths the embedded engine keeps.
 */
export function errorOf(output: unknown): RunError | undefined {
  const own = (value: unknown, key: string): unknown =>
    typeof value === "object" && value !== null && Object.hasOwn(value, key)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  if (output === null || output === undefined) return undefined;
  const value = own(output, "value");
  const source = own(output, "message") === undefined && value !== undefined ? value : output;
  const message = typeof source === "string" ? source : own(source, "message");
  const name = own(source, "name");
  const code = own(source, "code");
  if (typeof message !== "string") return undefined;
  return {
    name: typeof name === "string" ? name.slice(0, MAX_NAME) : "Error",
    message: message.slice(0, MAX_MESSAGE),
    ...(typeof code === "string" ? { code: code.slice(0, MAX_NAME) } : {}),
  };
}
