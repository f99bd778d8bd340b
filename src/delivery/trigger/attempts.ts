import { TransportError } from "../../core/errors.js";
import type { TriggerRequestOptions } from "./client.js";
import { toTransportError } from "./errors.js";

/** The retry settings herald applies to each request, in the SDK's shape (`retry` of `triggerTransport`). */
export type RetryOptions = NonNullable<TriggerRequestOptions["retry"]>;

/** The SDK's own defaults: 5 attempts, backoff from 1 s by ×1.6, at most 30 s. */
export const DEFAULT_RETRY = { maxAttempts: 5, minTimeoutInMs: 1000, maxTimeoutInMs: 30_000, factor: 1.6 } as const;

/** A send's default deadline, every request and retry wait of one `deliver` included. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * What the SDK is told on every request: no retries of its own. Its retry loop waits out a 429's
 * `x-ratelimit-reset` however far ahead (an hour, with a timer nobody can cancel), ignores
 * `retry-after`, and takes no AbortSignal; herald's loop below does all three.
 */
export const SDK_REQUEST_OPTIONS: TriggerRequestOptions = { retry: { maxAttempts: 1 } };

/** When a send must be done by, and what may abort it sooner. */
export interface Deadline {
  /** Epoch ms. */
  readonly at: number;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}

/**
 * Runs `call` (one request through the SDK) until it succeeds, retrying a retryable failure after
 * the server's `retry-after` / `x-ratelimit-reset`, else the backoff, while attempts are left and
 * the wait ends before the deadline. Rejects by the deadline whatever the server does: a request
 * still pending then is left to settle in the background (the SDK takes no signal); resending the
 * same events later is safe, as every run has an idempotency key.
 * @throws TransportError: the last failure (with `retryAfterMs` where the server sent one), or a
 * retryable one when the deadline passes or `signal` aborts
 */
export async function withRetries<T>(
  call: () => Promise<T>,
  what: string,
  retry: RetryOptions | undefined,
  deadline: Deadline,
): Promise<T> {
  const policy = {
    maxAttempts: retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    minTimeoutInMs: retry?.minTimeoutInMs ?? DEFAULT_RETRY.minTimeoutInMs,
    maxTimeoutInMs: retry?.maxTimeoutInMs ?? DEFAULT_RETRY.maxTimeoutInMs,
    factor: retry?.factor ?? DEFAULT_RETRY.factor,
    randomize: retry?.randomize === true,
  };
  for (let attempt = 1; ; attempt++) {
    let failure: TransportError;
    try {
      return await within(deadline, what, () => call());
    } catch (error) {
      if (error instanceof Stop) throw error.error;
      failure = toTransportError(error, what);
    }
    if (!failure.retryable || attempt >= policy.maxAttempts) throw failure;
    const random = policy.randomize ? Math.random() + 1 : 1;
    const backoff = Math.min(policy.maxTimeoutInMs, random * policy.minTimeoutInMs * policy.factor ** (attempt - 1));
    const wait = failure.retryAfterMs ?? Math.round(backoff);
    // a wait that ends past the deadline cannot help: report now, with the server's hint
    if (Date.now() + wait >= deadline.at) throw failure;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await within(deadline, what, () => new Promise<void>((resolve) => (timer = setTimeout(resolve, wait))));
    } catch (error) {
      throw error instanceof Stop ? error.error : error;
    } finally {
      clearTimeout(timer);
    }
  }
}

// the deadline's or the signal's verdict, told apart from the request's own failure
class Stop {
  constructor(readonly error: TransportError) {}
}

function within<T>(deadline: Deadline, what: string, start: () => Promise<T>): Promise<T> {
  const { signal } = deadline;
  if (signal?.aborted) return Promise.reject(new Stop(abortedError(what, signal)));
  const left = deadline.at - Date.now();
  if (left <= 0) return Promise.reject(new Stop(timeoutError(what, deadline)));
  const work = start();
  // the request may settle after herald stopped waiting: never leave its rejection unhandled
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const stop = (error: TransportError): void => {
      done();
      reject(new Stop(error));
    };
    const timer = setTimeout(() => stop(timeoutError(what, deadline)), left);
    const onAbort = (): void => stop(abortedError(what, signal!));
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    work.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

function timeoutError(what: string, deadline: Deadline): TransportError {
  return new TransportError(`Trigger.dev ${what} timed out after ${deadline.timeoutMs} ms`, { retryable: true });
}

function abortedError(what: string, signal: AbortSignal): TransportError {
  return new TransportError(`Trigger.dev ${what} was aborted`, { cause: signal.reason, retryable: true });
}
