/** Collects every unhandled rejection and uncaught exception while a test runs. */
export interface EscapeWatch {
  readonly seen: unknown[];
  /** Lets pending rejections surface (Node reports them after the microtask queue drains), then stops listening. */
  stop(): Promise<unknown[]>;
}

/** Starts listening for errors that escape to the process. Call `stop()` at the end of the test. */
export function watchEscapes(): EscapeWatch {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown): void => void seen.push(reason);
  const onException = (error: unknown): void => void seen.push(error);
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  return {
    seen,
    async stop() {
      // two macrotask turns: "unhandledRejection" fires after the tick in which a promise was left unhandled
      for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
      process.off("unhandledRejection", onRejection);
      process.off("uncaughtException", onException);
      return seen;
    },
  };
}
