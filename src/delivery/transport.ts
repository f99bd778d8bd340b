import type { Envelope } from "../core/envelope.js";
import type { SqlClient, Transaction } from "./transaction.js";

/** What a send returns: at least the event's identity, plus what the transport adds. */
export interface Receipt {
  readonly id: string;
  readonly name: string;
  /** When the event was sent, ISO 8601. */
  readonly timestamp: string;
  /** When the event is due, ISO 8601; absent for "now". */
  readonly deliverAt?: string;
  /** True when an event with this id was already accepted, so nothing new will run. */
  readonly duplicate: boolean;
  /** Ids of runs the transport started for this event, where it knows them at send time. */
  readonly runIds?: readonly string[];
}

/** What a transport passes to a subscriber for each attempt. */
export interface Delivery {
  readonly envelope: Envelope;
  /** 1 on the first attempt. */
  readonly attempt: number;
  /** Aborted when the transport closes while this attempt runs, or when the attempt's time limit passes. */
  readonly signal: AbortSignal;
  /**
   * The database transaction this attempt runs in, where the transport has one (herald/postgres):
   * the run is marked complete in it, so what the handler writes through it commits with that mark.
   */
  readonly tx?: SqlClient;
}

/** A subscriber as a transport sees it: no schema, no types, only envelopes. */
export type DeliveryHandler = (delivery: Delivery) => unknown;

/** What a caller passes with one {@link Transport.deliver} call. */
export interface DeliverOptions {
  /**
   * True when the caller chose the id of at least one envelope (the send option `id`). A
   * transport that dedupes then checks a reused id against the first event's name and payload
   * and refuses a mismatch (`IdempotencyConflictError`); generated ids never collide, so
   * sends without a chosen id skip that cost.
   */
  readonly chosenIds?: boolean;
  /** Aborts the send: a transport that waits on a network rejects with a retryable TransportError. */
  readonly signal?: AbortSignal;
  /** The database transaction to write the events in (the send option `tx`); only where `joinsTransactions`. */
  readonly tx?: Transaction;
}

/** Options for one subscription. */
export interface SubscribeOptions {
  /** Names the subscriber in history and errors. Default: the handler's name, else `<event>#<n>`. */
  readonly id?: string;
  /** Attempts before a run is marked failed, this subscriber only. */
  readonly maxAttempts?: number;
  /** Unsubscribes when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Time limit of one attempt, in ms (default: the transport's `timeoutMs`: none on the embedded
   * engine unless set, 15 minutes on herald/postgres). When it passes, the attempt's signal aborts and it fails with HandlerTimeoutError,
   * retried like any failure.
   */
  readonly timeoutMs?: number;
}

/**
 * Moves valid envelopes to their subscribers. The catalog validates before it calls `deliver`,
 * and a transport never sees a schema.
 */
export interface Transport {
  /** Shown in errors and history: `"embedded"`, `"trigger"`, … */
  readonly name: string;
  /**
   * The transport's time in ms, where it keeps its own clock. The catalog stamps envelopes and
   * resolves delays with it, so an injected clock drives both. Default: `Date.now()`.
   */
  now?(): number;
  /** True for a transport that writes events in the caller's database transaction (the send option `tx`). */
  readonly joinsTransactions?: boolean;
  /** Accepts a batch as one unit: every envelope is accepted, or the call rejects. */
  deliver(envelopes: readonly Envelope[], options?: DeliverOptions): Promise<readonly Receipt[]>;
  /** Runs `handler` for each delivered envelope named `event`; absent where subscribers live elsewhere. */
  subscribe?(event: string, handler: DeliveryHandler, options?: SubscribeOptions): () => void;
  /** Resolves when nothing is pending. */
  drain?(): Promise<void>;
  /** Stops accepting events and releases timers. */
  close?(): Promise<void>;
}
