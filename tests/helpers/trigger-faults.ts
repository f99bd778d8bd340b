import { seededRandom } from "./seeded-random.js";

/** What the fake server does to one request. */
export type Fault = "none" | "error" | "drop-before" | "drop-after" | "slow";

/** A share of requests to fail, and how. Deterministic for a given seed. */
export interface FaultOptions {
  /** Share of requests that get a fault, 0 to 1. */
  readonly rate: number;
  readonly kinds?: readonly Exclude<Fault, "none">[];
  readonly seed?: number;
  /** A slow reply waits between 0 and this many ms. Default 40. */
  readonly maxSlowMs?: number;
}

/** Draws faults for the fake server. */
export interface Faults {
  next(): Fault;
  slowMs(): number;
  /** How many NDJSON lines of a batch to process: all, or for a connection dropped mid-stream, a prefix. */
  itemsToKeep(lines: number, fault: Fault): number;
  /** Changes the share of failing requests (0 turns faults off). */
  setRate(rate: number): void;
}

/** Creates the fault plan; without options, nothing fails. */
export function createFaults(options?: FaultOptions): Faults {
  const next = seededRandom(options?.seed ?? 1);
  const kinds = options?.kinds ?? ["error", "drop-before", "drop-after", "slow"];
  let rate = options?.rate ?? 0;
  return {
    next: () => (rate === 0 || next() >= rate ? "none" : kinds[Math.floor(next() * kinds.length)]!),
    slowMs: () => Math.floor(next() * (options?.maxSlowMs ?? 40)),
    itemsToKeep: (lines, fault) => (fault === "drop-after" ? Math.floor(next() * (lines + 1)) : lines),
    setRate(value) {
      rate = value;
    },
  };
}
