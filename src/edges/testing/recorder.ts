import type { AnyCatalog, EventData, EventName } from "../../catalog/types.js";
import type { Envelope } from "../../core/envelope.js";
import type { EngineActivity } from "../../delivery/embedded/engine.js";
import { receiptOf } from "../../delivery/receipt.js";
import type { Receipt, Transport } from "../../delivery/transport.js";

/** A transport that keeps every envelope it is given, and optionally passes it on. */
export interface RecordingTransport extends Transport {
  /** Every envelope delivered, in order. */
  readonly sent: readonly Envelope[];
  /** Forgets what was recorded. */
  clear(): void;
}

/**
 * Creates a {@link RecordingTransport}. With `forward`, envelopes also go on to that transport
 * (subscribers run, chains continue, and their sends are recorded too); without it, nothing runs.
 */
export function createRecordingTransport(options: { forward?: Transport } = {}): RecordingTransport {
  const sent: Envelope[] = [];
  const inner = options.forward;
  const transport: RecordingTransport = {
    name: inner ? `recording(${inner.name})` : "recording",
    sent,
    clear: () => void sent.splice(0),
    async deliver(envelopes, options): Promise<readonly Receipt[]> {
      sent.push(...envelopes);
      if (inner) return inner.deliver(envelopes, options);
      return envelopes.map((e) => receiptOf(e, false));
    },
    drain: () => inner?.drain?.() ?? Promise.resolve(),
    close: () => inner?.close?.() ?? Promise.resolve(),
  };
  if (inner?.subscribe) transport.subscribe = inner.subscribe.bind(inner);
  if (inner?.now) transport.now = inner.now.bind(inner);
  return transport;
}

/** A catalog bound to a recording transport, and typed ways to read what it sent. */
export interface Recorder<TCatalog extends AnyCatalog> {
  /** The same catalog, sending through the recorder. Use it where the code under test sends. */
  readonly events: TCatalog;
  /** Every envelope sent, in order. */
  readonly sent: readonly Envelope[];
  /** The envelopes sent for one event, payloads typed as the handler would see them. */
  sentOf<TName extends EventName<TCatalog>>(name: TName): readonly Envelope<TName, EventData<TCatalog, TName>>[];
  /**
   * Returns the first envelope of `name` whose payload contains `match` (deep, partial); throws an
   * `AssertionError` listing what was sent when there is none.
   */
  expectSent<TName extends EventName<TCatalog>>(
    name: TName,
    match?: DeepPartial<EventData<TCatalog, TName>>,
  ): Envelope<TName, EventData<TCatalog, TName>>;
  /** Forgets what was recorded. */
  clear(): void;
}

/** A partial of `T`, all the way down; arrays, dates and functions are compared whole. */
export type DeepPartial<T> = T extends readonly unknown[] | Date | RegExp | ((...args: never[]) => unknown)
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Records what a catalog sends. Pass `{ run: true }` to also run its subscribers on the catalog's
 * own transport (chained events are recorded as well).
 * @example
 * const recorder = recordEvents(events);
 * await signUp(recorder.events, "a@b.co");
 * recorder.expectSent("user.created", { email: "a@b.co" });
 * @see docs/testing.md
 */
export function recordEvents<TCatalog extends AnyCatalog>(
  catalog: TCatalog,
  options: { run?: boolean } = {},
): Recorder<TCatalog> {
  const transport = createRecordingTransport(options.run ? { forward: catalog.transport } : {});
  if (options.run) recordAccepted(catalog.transport, transport.sent as Envelope[]);
  const events = (catalog as AnyCatalog).withTransport(transport) as TCatalog;
  const sentOf = (name: string): Envelope[] => transport.sent.filter((e) => e.name === name) as Envelope[];
  return {
    events,
    get sent() {
      return transport.sent;
    },
    sentOf: sentOf as never,
    expectSent: ((name: string, match?: unknown) => {
      const found = sentOf(name).find((e) => match === undefined || contains(e.payload, match));
      if (found) return found;
      const seen = transport.sent.map((e) => `  ${e.name} ${safeJson(e.payload)}`).join("\n") || "  (nothing)";
      const error = new Error(
        `Expected ${name}${match === undefined ? "" : ` matching ${safeJson(match)}`} to have been sent. Sent:\n${seen}`,
      );
      error.name = "AssertionError";
      throw error;
    }) as never,
    clear: transport.clear,
  };
}

// handlers subscribed on the original catalog send through its engine, not through the recorder:
// record every event the engine accepts that the recorder has not seen go by
function recordAccepted(engine: Transport, sent: Envelope[]): void {
  const observe = (engine as { observe?: (listener: (activity: EngineActivity) => void) => unknown }).observe;
  if (typeof observe !== "function") return;
  observe.call(engine, ({ type, record }) => {
    const accepted = type === "event" && (record.status === "running" || record.status === "scheduled");
    if (accepted && sent.lastIndexOf(record.event) === -1) sent.push(record.event);
  });
}

function contains(actual: unknown, expected: unknown): boolean {
  if (Object.is(actual, expected)) return true;
  if (actual instanceof Date && expected instanceof Date) return actual.getTime() === expected.getTime();
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => contains(actual[i], item))
    );
  }
  if (typeof expected === "object" && expected !== null && typeof actual === "object" && actual !== null) {
    return Object.entries(expected).every(([key, value]) => contains((actual as Record<string, unknown>)[key], value));
  }
  return false;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
