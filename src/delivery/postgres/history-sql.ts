// The statements that read history back (the monitor behind `herald dev`); `s` is the schema,
// checked as an identifier by resolveOptions before it reaches here. Nothing here writes.
import { RELAY_QUEUE } from "./sql.js";

/** The ids of the newest $1 events sent at or after $2 (a timestamptz), newest first. */
export const selectNewestEvents = (s: string): string => `
  SELECT id FROM ${s}.herald_event WHERE created_on >= $2
  ORDER BY created_on DESC, id DESC LIMIT $1`;

/**
 * Events $1 (text[]): whether each is still due later, and the envelope of those in $2 (text[]),
 * the ones not read before (an envelope never changes).
 */
export const selectEvents = (s: string): string => `
  SELECT id, name, created_on,
    CASE WHEN id = ANY($2::text[]) THEN envelope END AS envelope,
    COALESCE(deliver_at > now(), false) AS later
  FROM ${s}.herald_event WHERE id = ANY($1::text[])`;

/**
 * The pg-boss jobs of events $1 (text[]) in herald's queues, from `job` or, once pg-boss archived
 * them, `archive`. A job's id is derived from its event and queue exactly as insertEvents (sql.ts)
 * makes it, so each is one primary-key lookup per (event, queue), and nothing else is scanned.
 */
export const selectJobs = (s: string): string => `
  WITH e AS (SELECT unnest($1::text[]) AS id),
  q AS (SELECT name FROM ${s}.queue WHERE name LIKE 'herald.%'),
  k AS (
    SELECT e.id AS event_id, q.name,
      (CASE WHEN q.name = '${RELAY_QUEUE}' THEN md5(e.id) ELSE md5(e.id || '/' || q.name) END)::uuid AS job_id
    FROM e CROSS JOIN q
  )
  SELECT k.event_id, k.name AS queue, j.state::text AS state, j.retry_count, j.started_on, j.completed_on,
    j.start_after > now() AS waiting, j.output, j.archived
  FROM k CROSS JOIN LATERAL (
    SELECT state, retry_count, started_on, completed_on, start_after, output, false AS archived
    FROM ${s}.job WHERE name = k.name AND id = k.job_id
    UNION ALL
    SELECT state, retry_count, started_on, completed_on, start_after, output, true AS archived
    FROM ${s}.archive WHERE name = k.name AND id = k.job_id
    LIMIT 1
  ) j`;
