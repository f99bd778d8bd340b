/**
 * Settings shared by the relay crash test and its worker processes: every process that touches
 * the relay queue sets its options, so all of them must agree.
 */
export const RELAY_SETTINGS = {
  pollingIntervalMs: 500,
  // a run's time limit of 2 s makes pg-boss expire a dead worker's run after 7 s (2 s + 5 s)
  timeoutMs: 2000,
  maintenanceIntervalSeconds: 1,
  // every kill costs an attempt of the runs it held (pg-boss counts an expiry as one)
  maxAttempts: 10,
  retryDelaySeconds: 1,
  retryBackoff: false,
  concurrency: 4,
} as const;

/** Event name -> tasks: one trigger, a two-run batch; file.uploaded goes to the dispatcher. */
export const RELAY_ROUTES = { "user.created": ["welcome"], "order.placed": ["bill", "ship"] } as const;
