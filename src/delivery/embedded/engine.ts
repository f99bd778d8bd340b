import { type Envelope, isoTime } from "../../core/envelope.js";
import { HandlerTimeoutError, TransportError } from "../../core/errors.js";
import type { DeliverOptions, DeliveryHandler, Receipt, SubscribeOptions, Transport } from "../transport.js";
import { ACCEPT_NOW, type AcceptsNow } from "../accept-now.js";
import { wholeNumber } from "../../core/whole-number.js";
import { createPendingCounter } from "../pending.js";
import { receiptOf } from "../receipt.js";
import { isRetryable, toRunError } from "../run-error.js";
import { type Clock, systemClock } from "./clock.js";
import type { Fingerprint } from "./fingerprint.js";
import { createHistory, type EventRecord, type History, type MutableEventRecord, type RunRecord } from "./history.js";
import { createRing } from "./ring.js";

/** Options of {@link createEmbeddedEngine}. */
export interface EmbeddedEngineOptions {
  /** Time source for delays and retry backoff. Default: the system clock. */
  readonly clock?: Clock;
  /** Attempts per run before it is marked failed, first attempt included. Default 3. */
  readonly maxAttempts?: number;
  /** Backoff before attempt n+1 is `min(initialMs * factor^(n-1), maxMs)`. Default 100 ms, ×2, at most 30 s. */
  readonly backoff?: { readonly initialMs?: number; readonly factor?: number; readonly maxMs?: number };
  /** Events kept in history, oldest dropped first. Default 1,000. */
  readonly historyLimit?: number;
  /** Event ids remembered to drop duplicates. Default 10,000. */
  readonly dedupeLimit?: number;
  /**
   * Default time limit of one attempt of a run, in ms; a subscription's own `timeoutMs` wins.
   * When it passes, the attempt's `signal` aborts and the attempt fails with HandlerTimeoutError,
   * retried like any failure. Default: none (a handler may run as long as it likes).
   */
  readonly timeoutMs?: number;
  /** How long `close()` waits for running attempts, in ms, unless it is given its own. Default 10,000. */
  readonly closeTimeoutMs?: number;
}

/** What {@link EmbeddedEngine.observe} reports: an event accepted or settled, or a run that changed status. */
export type EngineActivity =
  | { readonly type: "event"; readonly record: EventRecord }
  | { readonly type: "run"; readonly record: EventRecord; readonly run: RunRecord };

/** herald's default transport: runs subscribers in this process, with retries, delays and history. */
export interface EmbeddedEngine extends Transport {
  readonly name: "embedded";
  readonly history: History;
  /** The engine's clock time: the catalog stamps envelopes with it. */
  now(): number;
  /**
   * Calls `listener` as things happen: an event accepted, scheduled or settled, a run started,
   * retrying or settled (records are live: read them in the call). A listener that throws is
   * ignored. Returns a function that stops it. `herald dev` prints its output from here.
   */
  observe(listener: (activity: EngineActivity) => void): () => void;
  subscribe(event: string, handler: DeliveryHandler, options?: SubscribeOptions): () => void;
  /** Resolves when nothing is queued, running, waiting to retry, or scheduled for later. */
  drain(): Promise<void>;
  /**
   * Stops the engine: new deliveries reject with a TransportError, scheduled events and pending
   * retries are cancelled (history marks them `cancelled`), and running attempts see their
   * `signal` abort. Resolves once those attempts have settled, or after `timeoutMs` (default the
   * engine's `closeTimeoutMs`, 10 s): runs still going then are marked `cancelled` with a
   * HandlerTimeoutError, and whatever they do later is ignored.
   */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

// loaded on the first send with a caller-chosen id: generated ids never collide, so an app that
// never chooses one never loads canonical JSON and conflict messages (bench/size: start-up code)
let fingerprint: typeof import("./fingerprint.js") | undefined;

type RunEntry = MutableEventRecord["runs"][number];

// the runs of every event that has had none: most events of a catalog nobody subscribes to never
// get one, so their records share this array until a dispatch gives them their own
const NO_RUNS: RunEntry[] = Object.freeze([]) as never;

interface Subscriber {
  readonly id: string;
  readonly handler: DeliveryHandler;
  readonly maxAttempts: number;
  readonly timeoutMs: number | undefined;
  active: boolean;
}

/**
 * Creates the in-process engine that `defineEvents` uses by default. Every subscriber of an event
 * runs independently: one failing neither stops the others nor goes unrecorded.
 * @throws InvalidOptionsError for a non-positive `maxAttempts` or limit.
 * @see docs/engine.md
 */
export function createEmbeddedEngine(options: EmbeddedEngineOptions = {}): EmbeddedEngine {
  const clock = options.clock ?? systemClock;
  const maxAttempts = wholeNumber("maxAttempts", options.maxAttempts ?? 3);
  const { initialMs = 100, factor = 2, maxMs = 30_000 } = options.backoff ?? {};
  const history = createHistory(wholeNumber("historyLimit", options.historyLimit ?? 1000));
  const dedupeLimit = wholeNumber("dedupeLimit", options.dedupeLimit ?? 10_000);
  const runTimeoutMs = options.timeoutMs === undefined ? undefined : wholeNumber("timeoutMs", options.timeoutMs);
  const closeTimeoutMs = wholeNumber("closeTimeoutMs", options.closeTimeoutMs ?? 10_000);
  // id -> the fingerprint of the first event with that id where the caller chose it, else null: no
  // hashing for generated ids, which never collide
  const seen = new Map<string, Fingerprint | null>();
  // the remembered ids in arrival order: the oldest is forgotten first
  const remembered = createRing<string>(dedupeLimit);
  // event name -> its subscribers: each change writes a new array, so a dispatch keeps the list it
  // started with and no send copies it
  const subscribers = new Map<string, readonly Subscriber[]>();
  const timers = new Map<unknown, () => void>(); // handle -> what cancelling it means
  const abort = new AbortController();
  const pending = createPendingCounter();
  let closed = false;
  // set when close() gave up waiting: a run that settles after that changes nothing
  let abandoned = false;
  let anonymous = 0;
  const observers = new Set<(activity: EngineActivity) => void>();
  // built only when someone listens: the hot path of a send does not allocate an activity for nobody
  const notify = (record: EventRecord, run?: RunRecord): void => {
    if (observers.size === 0) return;
    const activity: EngineActivity = run === undefined ? { type: "event", record } : { type: "run", record, run };
    for (const listener of observers) {
      try {
        listener(activity);
      } catch {
        // an observer is a window onto the engine, never a reason for a run to fail
      }
    }
  };

  const { begin, end } = pending;
  const wait = (ms: number, cancel: () => void): Promise<boolean> =>
    new Promise((resolve) => {
      const handle = clock.setTimeout(() => {
        timers.delete(handle);
        resolve(true);
      }, ms);
      timers.set(handle, () => {
        cancel();
        resolve(false);
      });
    });

  // one attempt: the handler, raced against its time limit where it has one (a timer and an
  // AbortController per attempt, so runs without a limit pay for neither)
  function attempt(record: MutableEventRecord, subscriber: Subscriber, n: number): unknown {
    const limit = subscriber.timeoutMs;
    if (limit === undefined) return subscriber.handler({ envelope: record.event, attempt: n, signal: abort.signal });
    const controller = new AbortController();
    const onClose = (): void => controller.abort(abort.signal.reason);
    abort.signal.addEventListener("abort", onClose, { once: true });
    let handle: unknown;
    const timeout = new Promise<never>((_, reject) => {
      handle = clock.setTimeout(() => {
        const error = new HandlerTimeoutError(
          `${record.event.name} ${record.event.id}: subscriber ${subscriber.id} did not settle within ${limit} ms (attempt ${n})`,
          limit,
        );
        controller.abort(error);
        reject(error);
      }, limit);
    });
    const cleanup = (): void => {
      clock.clearTimeout(handle);
      abort.signal.removeEventListener("abort", onClose);
    };
    try {
      const result = Promise.resolve(
        subscriber.handler({ envelope: record.event, attempt: n, signal: controller.signal }),
      );
      // the handler may settle after its time ran out: its late rejection is nobody's
      result.catch(() => undefined);
      return Promise.race([result, timeout]).finally(cleanup);
    } catch (error) {
      cleanup();
      throw error;
    }
  }

  // One event's dispatch: its runs still open, and the record to settle when the last one ends.
  interface Dispatch {
    readonly record: MutableEventRecord;
    open: number;
  }

  // A run is a chain of callbacks, not an async function: a handler that returns without a
  // promise finishes its run in the same microtask, and an async one costs one `then`
  // (`await` in an async run, Promise.all and .finally cost several promises per event, measured)
  function run(dispatch: Dispatch, subscriber: Subscriber): void {
    // unsubscribing wins for a run not started yet: `deliver(); off()` in one tick, or a handler
    // that unsubscribes a later subscriber of the same event
    if (!subscriber.active) return settle(dispatch);
    const { record } = dispatch;
    const started = clock.now();
    const entry: RunEntry = {
      id: `${record.event.id}:${subscriber.id}`,
      subscriber: subscriber.id,
      status: "running",
      attempts: 1,
      startedAt: isoTime(started),
    };
    // an array literal is sized for its one run; `[]` then push reserves 17 slots, kept in history
    if (record.runs === NO_RUNS) record.runs = [entry];
    else record.runs.push(entry);
    notify(record, entry);
    tryAttempt(dispatch, subscriber, entry, started);
  }

  function tryAttempt(dispatch: Dispatch, subscriber: Subscriber, entry: RunEntry, started: number): void {
    let result: unknown;
    try {
      result = attempt(dispatch.record, subscriber, entry.attempts);
    } catch (error) {
      return failedAttempt(dispatch, subscriber, entry, started, error);
    }
    // anything with a `then` is awaited as `await` would: Promise.resolve reads it once, and a
    // `then` getter that throws becomes a rejection
    if (result !== null && (typeof result === "object" || typeof result === "function")) {
      Promise.resolve(result).then(
        () => succeeded(dispatch, entry, started),
        (error: unknown) => failedAttempt(dispatch, subscriber, entry, started, error),
      );
      return;
    }
    succeeded(dispatch, entry, started);
  }

  function finish(dispatch: Dispatch, entry: RunEntry, started: number, status: RunRecord["status"]): void {
    const now = clock.now();
    entry.status = status;
    entry.finishedAt = isoTime(now);
    entry.durationMs = now - started;
    notify(dispatch.record, entry);
    settle(dispatch);
  }

  function succeeded(dispatch: Dispatch, entry: RunEntry, started: number): void {
    if (abandoned) return settle(dispatch);
    // `delete` of a missing property still goes through the runtime: most runs never had an error
    if (entry.error !== undefined) delete entry.error;
    finish(dispatch, entry, started, "succeeded");
  }

  function failedAttempt(
    dispatch: Dispatch,
    subscriber: Subscriber,
    entry: RunEntry,
    started: number,
    error: unknown,
  ): void {
    if (abandoned) return settle(dispatch);
    entry.error = toRunError(error);
    if (!isRetryable(error) || entry.attempts >= subscriber.maxAttempts || closed)
      return finish(dispatch, entry, started, "failed");
    entry.status = "retrying";
    notify(dispatch.record, entry);
    const delay = Math.min(initialMs * factor ** (entry.attempts - 1), maxMs);
    void wait(delay, () => finish(dispatch, entry, started, "cancelled")).then((due) => {
      // closing while a retry waits cancelled the run (the callback above): nothing more to do
      if (!due) return;
      // unsubscribing while a retry waits wins: the run stops here
      if (!subscriber.active) return finish(dispatch, entry, started, "cancelled");
      entry.attempts++;
      entry.status = "running";
      notify(dispatch.record, entry);
      tryAttempt(dispatch, subscriber, entry, started);
    });
  }

  // a run ended (or never started): the last one settles the event and ends its pending count
  function settle(dispatch: Dispatch): void {
    if (--dispatch.open > 0) return;
    if (!abandoned) {
      const { record } = dispatch;
      let failed = false;
      let cancelled = false;
      for (const entry of record.runs) {
        if (entry.status === "failed") failed = true;
        else if (entry.status === "cancelled") cancelled = true;
      }
      record.status = failed ? "failed" : cancelled ? "cancelled" : "succeeded";
      notify(record);
    }
    end();
  }

  function dispatch(record: MutableEventRecord, targets: readonly Subscriber[]): void {
    record.status = "running";
    const state: Dispatch = { record, open: targets.length };
    for (const subscriber of targets) run(state, subscriber);
  }

  // events due now wait here, as (record, subscribers) pairs, for one microtask that runs them
  // in order: one microtask per burst, not a closure and a microtask per event. Two arrays in
  // turn, with a count rather than a length to cut (setting `length` calls into the runtime):
  // events that handlers send during a pass wait for the next microtask, as each did before
  type Due = (MutableEventRecord | readonly Subscriber[] | undefined)[];
  let due: Due = [];
  let spare: Due = [];
  let dueCount = 0;
  const flush = (): void => {
    const batch = due;
    const count = dueCount;
    due = spare;
    dueCount = 0;
    for (let i = 0; i < count; i += 2) {
      const record = batch[i] as MutableEventRecord;
      const targets = batch[i + 1] as readonly Subscriber[];
      // cleared as read: a spare array holds nothing alive
      batch[i] = batch[i + 1] = undefined;
      try {
        dispatch(record, targets);
      } catch {
        // run() records every error a handler throws; nothing else can throw, but one event's
        // bookkeeping must never stop the next event's dispatch
      }
    }
    spare = batch;
  };
  // Node's queueMicrotask makes an AsyncResource and a bound function per call; a `then` on a
  // settled promise queues the same kind of job for one promise (flush never throws)
  const settled = Promise.resolve();

  // runs the event's subscribers, or with none settles it here and now: no microtask, no promise,
  // no pending count (the hot path of a bare send). The list is the one subscribe() last wrote:
  // it is replaced, never changed, so it stands as it was when the event fell due without a copy
  function start(record: MutableEventRecord): void {
    const targets = subscribers.get(record.event.name);
    if (targets === undefined || targets.length === 0) {
      record.status = "succeeded";
      notify(record);
      return;
    }
    begin();
    due[dueCount++] = record;
    due[dueCount++] = targets;
    if (dueCount === 2) void settled.then(flush);
  }

  function schedule(record: MutableEventRecord, at: number): void {
    begin();
    record.status = "scheduled";
    void wait(at - clock.now(), () => {
      record.status = "cancelled";
      notify(record);
      end();
    }).then((due) => {
      if (!due) return;
      start(record);
      end();
    });
  }

  // Fresh ids go into the ring at once but into `seen` only when something looks an id up: most
  // sends never do, and a Map insert and delete per send was a fifth of a bare send (measured).
  // They are always the newest `unindexed` ids of the ring: every lookup indexes them first.
  let unindexed = 0;
  function lookup(id: string): Fingerprint | null | undefined {
    for (; unindexed > 0; unindexed--) seen.set(remembered.recent(unindexed - 1), null);
    return seen.get(id);
  }
  function rememberFresh(id: string): void {
    const forgotten = remembered.push(id);
    // with every id in the ring unindexed, the one pushed out was never in `seen`
    if (forgotten !== undefined && unindexed < dedupeLimit) seen.delete(forgotten);
    if (unindexed < dedupeLimit) unindexed++;
  }

  // one send with a chosen id: one lookup, and a fingerprint only where it is compared or kept (an
  // id first used by a generated event is a duplicate whatever the payload)
  function acceptChosen(event: Envelope): Receipt {
    const first = lookup(event.id);
    if (first === null) return receiptOf(event, true);
    const print = fingerprint!.conflictCheckOne(event, first);
    if (first !== undefined) return receiptOf(event, true);
    remember(event.id, print);
    return admit(event);
  }

  function remember(id: string, print: Fingerprint | null): void {
    seen.set(id, print);
    const forgotten = remembered.push(id);
    if (forgotten !== undefined) seen.delete(forgotten);
  }

  // `fresh`: the catalog generated the id for this envelope just now, so it cannot have been seen
  // (74 random bits); it is remembered without a lookup
  function accept(event: Envelope, print: Fingerprint | null, fresh: boolean): Receipt {
    if (fresh) rememberFresh(event.id);
    else {
      if (lookup(event.id) !== undefined) return receiptOf(event, true);
      remember(event.id, print);
    }
    return admit(event);
  }

  // an event not seen before: into history, then scheduled or started
  function admit(event: Envelope): Receipt {
    const record: MutableEventRecord = { event, status: "running", runs: NO_RUNS };
    history.add(record);
    // no clock read for an event due now
    const at = event.deliverAt === undefined ? Number.NaN : Date.parse(event.deliverAt);
    const later = at === at && at > clock.now();
    if (later) schedule(record, at);
    notify(record);
    if (!later) start(record);
    return receiptOf(event, false);
  }

  const engine: EmbeddedEngine & AcceptsNow = {
    name: "embedded",
    history,
    now: () => clock.now(),
    deliver(envelopes: readonly Envelope[], deliverOptions?: DeliverOptions): Promise<readonly Receipt[]> {
      if (closed) return Promise.reject(new TransportError("The embedded engine is closed", { retryable: false }));
      if (deliverOptions?.chosenIds === true && fingerprint === undefined) {
        // pending while the module loads, so drain() and close() wait for this send too
        begin();
        return import("./fingerprint.js")
          .then((loaded) => {
            fingerprint = loaded;
            return engine.deliver(envelopes, deliverOptions);
          })
          .finally(end);
      }
      let prints: Fingerprint[] | undefined;
      try {
        if (deliverOptions?.chosenIds === true) prints = fingerprint!.conflictCheck(envelopes, lookup);
      } catch (error) {
        return Promise.reject(error);
      }
      const receipts: Receipt[] = [];
      for (let i = 0; i < envelopes.length; i++) receipts.push(accept(envelopes[i]!, prints?.[i] ?? null, false));
      return Promise.resolve(receipts);
    },
    [ACCEPT_NOW](envelope, deliverOptions, fresh) {
      if (closed) throw new TransportError("The embedded engine is closed", { retryable: false });
      if (deliverOptions?.chosenIds !== true) return accept(envelope, null, fresh);
      // the first chosen id goes through deliver(), which loads the conflict check
      return fingerprint === undefined ? undefined : acceptChosen(envelope);
    },
    subscribe(event, handler, subscribeOptions = {}) {
      const list = subscribers.get(event) ?? [];
      const wanted = subscribeOptions.id ?? (handler.name || `${event}#${++anonymous}`);
      // run ids are `<event id>:<subscriber id>`, so a subscriber id is unique per event
      const taken = (id: string): boolean => list.some((s) => s.id === id);
      let id = wanted;
      for (let n = 2; taken(id); n++) id = `${wanted}#${n}`;
      const subscriber: Subscriber = {
        id,
        handler,
        maxAttempts: wholeNumber("maxAttempts", subscribeOptions.maxAttempts ?? maxAttempts),
        timeoutMs:
          subscribeOptions.timeoutMs === undefined
            ? runTimeoutMs
            : wholeNumber("timeoutMs", subscribeOptions.timeoutMs),
        active: true,
      };
      subscribers.set(event, [...list, subscriber]);
      const unsubscribe = (): void => {
        subscriber.active = false;
        const now = subscribers.get(event);
        if (now?.includes(subscriber))
          subscribers.set(
            event,
            now.filter((s) => s !== subscriber),
          );
      };
      subscribeOptions.signal?.addEventListener("abort", unsubscribe, { once: true });
      if (subscribeOptions.signal?.aborted) unsubscribe();
      return unsubscribe;
    },
    observe(listener) {
      observers.add(listener);
      return () => void observers.delete(listener);
    },
    drain: () => pending.idle(),
    async close(closeOptions = {}) {
      const limit = wholeNumber("close timeoutMs", closeOptions.timeoutMs ?? closeTimeoutMs);
      if (!closed) {
        closed = true;
        abort.abort(new TransportError("The embedded engine closed", { retryable: true }));
        for (const [handle, cancel] of timers) {
          clock.clearTimeout(handle);
          cancel();
        }
        timers.clear();
      }
      if (pending.count === 0) return;
      let handle: unknown;
      const settled = pending.idle().then(() => true);
      const late = new Promise<boolean>((resolve) => (handle = clock.setTimeout(() => resolve(false), limit)));
      const inTime = await Promise.race([settled, late]);
      clock.clearTimeout(handle);
      if (inTime) return;
      // a run that settles from here on changes nothing; marking the ones still going loads on this
      // rare path only (bench/size: start-up code)
      abandoned = true;
      (await import("./abandon.js")).abandonRuns(history.list() as MutableEventRecord[], clock, limit, notify);
      pending.release();
    },
  };
  return engine;
}
