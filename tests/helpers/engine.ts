import {
  createEmbeddedEngine,
  type EmbeddedEngine,
  type EmbeddedEngineOptions,
} from "../../src/delivery/embedded/engine.js";
import { createManualClock, type ManualClock } from "../../src/delivery/embedded/clock.js";
import { createEnvelope, type Envelope } from "../../src/core/envelope.js";

/** The manual clock's default start, 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);

/** An embedded engine on a manual clock: nothing waits on real time. */
export function createTestEngine(options: Omit<EmbeddedEngineOptions, "clock"> = {}): {
  engine: EmbeddedEngine;
  clock: ManualClock;
} {
  const clock = createManualClock(T0);
  return { engine: createEmbeddedEngine({ ...options, clock }), clock };
}

/** A root envelope at the clock's time, optionally due `delayMs` later. */
export function envelope(
  name: string,
  payload: unknown = {},
  options: { id?: string; now?: number; delayMs?: number } = {},
): Envelope {
  const now = options.now ?? T0;
  return createEnvelope({
    name,
    payload,
    now,
    id: options.id,
    deliverAt: options.delayMs === undefined ? undefined : now + options.delayMs,
  });
}

/** A handler that throws on its first `failures` calls and records the clock time of every call. */
export function flaky(
  clock: ManualClock,
  failures: number,
  error: () => unknown = () => new Error("boom"),
): { handler: () => void; times: number[] } {
  const times: number[] = [];
  return {
    times,
    handler: () => {
      times.push(clock.now() - T0);
      if (times.length <= failures) throw error();
    },
  };
}
