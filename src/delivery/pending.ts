/** Counts work in flight and resolves waiters when it reaches zero. */
export interface PendingCounter {
  readonly count: number;
  begin(): void;
  end(): void;
  /** Resolves when nothing is pending (at once when nothing is). */
  idle(): Promise<void>;
  /** Forgets whatever is pending and releases every waiter (a close that stopped waiting). */
  release(): void;
}

/** Creates a {@link PendingCounter}: the embedded engine's and the Trigger.dev transport's `drain()`. */
export function createPendingCounter(): PendingCounter {
  let count = 0;
  let waiting: (() => void)[] = [];
  const wake = (): void => {
    // nobody waits on most returns to zero (each send settles its own event): nothing to swap
    if (waiting.length === 0) return;
    const resolvers = waiting;
    waiting = [];
    for (const resolve of resolvers) resolve();
  };
  return {
    get count() {
      return count;
    },
    begin: () => void count++,
    end() {
      // never below zero: work released by release() may still end later
      if (count > 0 && --count > 0) return;
      wake();
    },
    idle: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    release() {
      count = 0;
      wake();
    },
  };
}
