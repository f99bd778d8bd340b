import { isoTime } from "../../core/envelope.js";
import type { Clock } from "./clock.js";
import type { EventRecord, MutableEventRecord, RunError, RunRecord } from "./history.js";

/**
 * What the embedded engine's `close()` does when its time is up with runs still going: each run
 * still running or waiting to retry is marked `cancelled` with a HandlerTimeoutError, and its event
 * `cancelled` (reported to `notify`). Loaded only then, on that rare path (bench/size: start-up code).
 */
export function abandonRuns(
  records: readonly MutableEventRecord[],
  clock: Clock,
  limit: number,
  notify: (record: EventRecord, run?: RunRecord) => void,
): void {
  const error: RunError = {
    name: "HandlerTimeoutError",
    code: "HANDLER_TIMEOUT",
    message: `the engine closed and the run did not settle within ${limit} ms`,
  };
  for (const record of records) {
    if (record.status !== "running") continue;
    for (const entry of record.runs) {
      if (entry.status !== "running" && entry.status !== "retrying") continue;
      entry.status = "cancelled";
      entry.error = error;
      entry.finishedAt = isoTime(clock.now());
      entry.durationMs = clock.now() - Date.parse(entry.startedAt);
    }
    record.status = "cancelled";
    notify(record);
  }
}
