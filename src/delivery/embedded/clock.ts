/** Time as the embedded engine sees it. Inject one to test delays and retries without sleeping. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

// setTimeout overflows past 2^31-1 ms (~24.8 days) and fires at once; longer waits re-arm
const MAX_TIMER_MS = 2_147_483_647;

/** The real clock. Its timers keep the process alive, so `await drain()` never exits early. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle: { timer?: ReturnType<typeof setTimeout> } = {};
    const due = Date.now() + ms;
    const arm = (): void => {
      const left = due - Date.now();
      handle.timer = setTimeout(left > MAX_TIMER_MS ? arm : callback, Math.min(Math.max(left, 0), MAX_TIMER_MS));
    };
    arm();
    return handle;
  },
  clearTimeout(handle) {
    clearTimeout((handle as { timer?: ReturnType<typeof setTimeout> }).timer);
  },
};

/** A clock that moves only when told to. From `herald/testing`. */
export interface ManualClock extends Clock {
  /** Moves time forward by `ms`, firing due timers in order and letting their promises settle. */
  advance(ms: number): Promise<void>;
  /** Timers waiting to fire. */
  pending(): number;
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * Creates a {@link ManualClock} starting at `start` (default: 2026-01-01T00:00:00Z).
 * @example
 * const clock = createManualClock();
 * const engine = createEmbeddedEngine({ clock });
 * await clock.advance(60_000); // a "1m" delay is now due
 */
export function createManualClock(start: Date | number = Date.UTC(2026, 0, 1)): ManualClock {
  let now = typeof start === "number" ? start : start.getTime();
  let seq = 0;
  const timers = new Set<Timer>();
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { at: now + Math.max(0, ms), seq: seq++, callback };
      timers.add(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers.delete(handle as Timer);
    },
    pending: () => timers.size,
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        let next: Timer | undefined;
        for (const timer of timers) {
          if (timer.at <= target && (!next || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq)))
            next = timer;
        }
        if (!next) break;
        timers.delete(next);
        now = next.at;
        next.callback();
        await settle();
      }
      now = target;
    },
  };
}
