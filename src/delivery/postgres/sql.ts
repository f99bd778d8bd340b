// The statements herald/postgres runs. `s` is the pg-boss schema, checked by `schemaName` to be a
// plain identifier before it is ever written into SQL. herald's own tables live beside pg-boss's:
//   herald_event  one row per accepted event: dedupe by id, the conflict fingerprint, history
//   herald_run    one row per (event, subscriber) run that completed, written in the run's transaction
// Jobs are written straight into pg-boss's job table (schema version 24: pg-boss 10.1.5 to 10.x; checked at
// start) so that the event row and every subscriber's job are one statement: pg-boss's `publish`
// swallows a failed insert, and its `insert` needs the subscriber list read first.

/** The relay queue of a transport with `relay`: one job per event. */
export const RELAY_QUEUE = "herald.relay";

/** pg-boss's schema version that these statements were written against (pg-boss 10.x). */
export const PG_BOSS_SCHEMA_VERSION = 24;

/** The LISTEN channel on which sends wake the workers of `schema`. */
export const channelOf = (s: string): string => `herald_${s}`;

/** Creates herald's tables when missing; run under an advisory lock, so concurrent starts do not race. */
export const createTables = (s: string): string => `
  SELECT pg_advisory_xact_lock(hashtext('herald.tables.${s}'));
  CREATE TABLE IF NOT EXISTS ${s}.herald_event (
    id text PRIMARY KEY,
    name text NOT NULL,
    envelope jsonb NOT NULL,
    fingerprint text,
    created_on timestamptz NOT NULL DEFAULT now(),
    deliver_at timestamptz
  );
  CREATE INDEX IF NOT EXISTS herald_event_created_on ON ${s}.herald_event (created_on);
  CREATE TABLE IF NOT EXISTS ${s}.herald_run (
    event_id text NOT NULL,
    subscriber text NOT NULL,
    attempt integer NOT NULL,
    completed_on timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, subscriber)
  );
  CREATE INDEX IF NOT EXISTS herald_run_completed_on ON ${s}.herald_run (completed_on);
`;

// the job a subscriber queue gets: pg-boss's own defaults read from the queue row, as its insertJob does
const jobColumns =
  "id, name, data, start_after, retry_limit, retry_delay, retry_backoff, expire_in, keep_until, policy, dead_letter";
const jobValues = (id: string, queue: string) => `
    ${id}, ${queue}, ev.envelope, COALESCE(ev.deliver_at, now()),
    COALESCE(q.retry_limit, 2),
    CASE WHEN COALESCE(q.retry_backoff, false) THEN GREATEST(COALESCE(q.retry_delay, 0), 1) ELSE COALESCE(q.retry_delay, 0) END,
    COALESCE(q.retry_backoff, false),
    COALESCE(q.expire_seconds * interval '1s', interval '15 minutes'),
    COALESCE(ev.deliver_at, now()) + COALESCE(q.retention_minutes * interval '1 minute', interval '14 days'),
    q.policy, q.dead_letter`;

/**
 * Writes a batch of events ($1: a JSON array of { id, name, envelope, fingerprint, deliver_at })
 * and, in the same statement, one job per (event, subscribed queue), or one relay job per event.
 * An id already written is skipped with its jobs. Returns the ids written, and wakes the workers
 * (a notification is sent when the transaction commits, and not at all if it rolls back).
 * pg_notify is called in FROM, not in the select list: its void column would make Prisma's
 * `$queryRawUnsafe` (the Prisma adapter's) fail with "Failed to deserialize column of type 'void'".
 */
export const insertEvents = (s: string, relay: boolean): string => `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, envelope jsonb, fingerprint text, deliver_at timestamptz)
  ), ev AS (
    INSERT INTO ${s}.herald_event (id, name, envelope, fingerprint, deliver_at)
    SELECT id, name, envelope, fingerprint, deliver_at FROM input
    ON CONFLICT (id) DO NOTHING
    RETURNING id, name, envelope, deliver_at
  ), jobs AS (
    INSERT INTO ${s}.job (${jobColumns})
    ${
      relay
        ? `SELECT ${jobValues("md5(ev.id)::uuid", "q.name")}
    FROM ev JOIN ${s}.queue q ON q.name = '${RELAY_QUEUE}'`
        : `SELECT ${jobValues("md5(ev.id || '/' || q.name)::uuid", "q.name")}
    FROM ev JOIN ${s}.subscription sub ON sub.event = ev.name JOIN ${s}.queue q ON q.name = sub.name`
    }
    ON CONFLICT DO NOTHING
    RETURNING name
  )
  SELECT ev.id FROM ev, LATERAL pg_notify('${channelOf(s)}', ev.name) AS wake
`;

/** The name and fingerprint of the events with ids $1 (text[]), for the conflict check of reused ids. */
export const selectFingerprints = (s: string): string =>
  `SELECT id, name, fingerprint FROM ${s}.herald_event WHERE id = ANY($1::text[])`;

/** A string as an SQL literal (standard_conforming_strings, on since PostgreSQL 9.1: only `'` is special). */
export const literal = (text: string): string => {
  if (text.includes("\0")) throw new TypeError("a PostgreSQL string cannot hold NUL");
  return `'${text.replaceAll("'", "''")}'`;
};

// A batch of runs opens and closes with one round trip each: the simple query protocol takes
// several statements at once but no parameters, so the values are written as literals
/**
 * Opens a batch's transaction and marks its runs ([event id, attempt] pairs) done; the INSERT
 * returns the event ids it marked, leaving out runs that were done before.
 */
export const beginRuns = (s: string, subscriber: string, runs: readonly (readonly [string, number])[]): string =>
  `BEGIN; INSERT INTO ${s}.herald_run (event_id, subscriber, attempt) VALUES ${runs
    .map(([eventId, attempt]) => `(${literal(eventId)}, ${literal(subscriber)}, ${Math.trunc(attempt)})`)
    .join(", ")} ON CONFLICT DO NOTHING RETURNING event_id`;

/** Completes the batch's jobs that succeeded as pg-boss's `complete` does, unmarks the runs that failed, and commits. */
export const commitRuns = (
  s: string,
  queue: string,
  subscriber: string,
  completed: readonly string[],
  failedEvents: readonly string[],
): string =>
  [
    completed.length > 0 &&
      `UPDATE ${s}.job SET completed_on = now(), state = 'completed' WHERE name = ${literal(queue)} AND id IN (${completed
        .map((id) => `${literal(id)}::uuid`)
        .join(", ")}) AND state = 'active'`,
    failedEvents.length > 0 &&
      `DELETE FROM ${s}.herald_run WHERE subscriber = ${literal(subscriber)} AND event_id IN (${failedEvents.map(literal).join(", ")})`,
    "COMMIT",
  ]
    .filter(Boolean)
    .join("; ");

/** Makes the failure of job $2 in queue $1 final: pg-boss then moves it to failed (or its dead letter queue). */
export const noMoreRetries = (s: string): string =>
  `UPDATE ${s}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2`;

/**
 * Puts the retry of job $2 in queue $1 (just failed, state retry) no sooner than $3 ms from now,
 * as the failure asked (a 429's retry-after); never past the job's keep_until, when pg-boss would
 * archive it unrun.
 */
export const delayRetry = (s: string): string => `
  UPDATE ${s}.job SET start_after = LEAST(keep_until, GREATEST(start_after, now() + $3 * interval '1 millisecond'))
  WHERE name = $1 AND id = $2 AND state = 'retry'`;

/** Jobs of herald's queues that are not done yet: created, retry or active. */
export const countPending = (s: string): string =>
  `SELECT count(*)::int AS n FROM ${s}.job WHERE name = ANY($1::text[]) AND state < 'completed'`;

/** Deletes events and run marks older than $1 seconds (retention), at most $2 rows each. */
export const pruneOld = (s: string): string => `
  WITH old_events AS (
    DELETE FROM ${s}.herald_event WHERE id IN (
      SELECT id FROM ${s}.herald_event WHERE created_on < now() - $1 * interval '1s' LIMIT $2)
    RETURNING 1
  ), old_runs AS (
    DELETE FROM ${s}.herald_run WHERE (event_id, subscriber) IN (
      SELECT event_id, subscriber FROM ${s}.herald_run WHERE completed_on < now() - $1 * interval '1s' LIMIT $2)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM old_events)::int AS events, (SELECT count(*) FROM old_runs)::int AS runs`;
