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

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Creates the fault plan; without options, nothing fails. */
export function createFaults(options?: FaultOptions): Faults {
  const next = random(options?.seed ?? 1);
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
