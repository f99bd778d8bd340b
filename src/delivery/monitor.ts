import type { EngineActivity } from "./embedded/engine.js";
import type { History } from "./embedded/history.js";

/**
 * A window onto a transport's events and runs: the history and the activity `herald dev` shows.
 * The embedded engine is one; `postgresTransport(...).monitor()` reads another from the database.
 */
export interface Monitor {
  /** The newest events and their runs, as the embedded engine keeps them. */
  readonly history: History;
  /** The time in ms the history is read against (the dashboard's chart ends here). */
  now(): number;
  /**
   * Calls `listener` as events arrive and settle and runs change status; a listener that throws is
   * ignored. Returns a function that stops it.
   */
  observe(listener: (activity: EngineActivity) => void): () => void;
  /** Resolves once the history holds what was there when the monitor started (absent: at once). */
  ready?(): Promise<void>;
}

/** True for a {@link Monitor}, such as the embedded engine. */
export function isMonitor(value: unknown): value is Monitor {
  const candidate = value as Partial<Monitor> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.observe === "function" &&
    typeof candidate.now === "function" &&
    typeof candidate.history?.list === "function"
  );
}
