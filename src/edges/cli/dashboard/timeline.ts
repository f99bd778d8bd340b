import type { EventRecord } from "../../../delivery/embedded/history.js";

/** Finished events per name in equal time buckets, oldest bucket first: the dashboard's chart. */
export interface Timeline {
  /** Start of the first bucket, ISO 8601. */
  readonly start: string;
  readonly bucketMs: number;
  readonly buckets: number;
  /** Per event name, one count per bucket, by the time each event was sent. */
  readonly byName: Readonly<
    Record<string, { readonly succeeded: readonly number[]; readonly failed: readonly number[] }>
  >;
}

/** Default and bounds of `GET /api/stats?bucketMs=&buckets=`; values outside are clamped. */
export const TIMELINE_LIMITS = {
  bucketMs: 60_000,
  buckets: 30,
  minBucketMs: 1_000,
  // past this, bucket starts leave the range of Date (an ISO string of 2^53 ms throws)
  maxBucketMs: 86_400_000,
  maxBuckets: 240,
} as const;

/**
 * Counts succeeded and failed events per name in `buckets` buckets of `bucketMs`, the last one
 * holding `now`. Buckets align to multiples of `bucketMs`, so bars stay put as time passes.
 * Events still running, scheduled or cancelled are not counted; older events fall outside.
 */
export function buildTimeline(
  records: Iterable<EventRecord>,
  now: number,
  bucketMs: number,
  buckets: number,
): Timeline {
  const start = (Math.floor(now / bucketMs) + 1 - buckets) * bucketMs;
  const byName: Record<string, { succeeded: number[]; failed: number[] }> = {};
  for (const { event, status } of records) {
    if (status !== "succeeded" && status !== "failed") continue;
    const at = Date.parse(event.timestamp);
    const index = Math.floor((at - start) / bucketMs);
    if (!(index >= 0 && index < buckets)) continue;
    const counts = (byName[event.name] ??= {
      succeeded: new Array<number>(buckets).fill(0),
      failed: new Array<number>(buckets).fill(0),
    });
    counts[status][index]!++;
  }
  return { start: new Date(start).toISOString(), bucketMs, buckets, byName };
}
