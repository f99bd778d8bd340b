import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { triggerTransport } from "../../../src/delivery/trigger/transport.js";
import { defineEvents, TransportError } from "../../../src/index.js";
import { type FakeTrigger, startFakeTrigger } from "../../helpers/trigger-server.js";

const EVENTS = 1200;
const WAVE = 60;
const ROUNDS = 6;
// which tasks must end up with exactly one run per event
const SUBSCRIBERS: Record<string, readonly string[]> = {
  "order.placed": ["bill", "ship", "notify"], // routed: a two-phase batch
  "file.uploaded": ["scan"], // routed: one trigger
  "user.created": ["herald-dispatch"], // no route: the dispatcher
};
const NAMES = Object.keys(SUBSCRIBERS) as (keyof typeof SUBSCRIBERS)[];

let server: FakeTrigger;
beforeAll(async () => {
  server = await startFakeTrigger({ faults: { rate: 0.25, seed: 42, maxSlowMs: 25 } });
});
afterAll(() => server.close());

describe("triggerTransport under faults", () => {
  it(
    `delivers ${EVENTS} events exactly once per subscriber, or reports a TransportError; resending completes them`,
    { timeout: 60_000 },
    async () => {
      const events = defineEvents(
        {
          "order.placed": z.object({ n: z.number() }),
          "file.uploaded": z.object({ n: z.number() }),
          "user.created": z.object({ n: z.number() }),
        },
        {
          transport: triggerTransport({
            baseURL: server.url,
            accessToken: "tr_dev_testkey123",
            routes: { "order.placed": SUBSCRIBERS["order.placed"]!, "file.uploaded": SUBSCRIBERS["file.uploaded"]! },
            retry: { maxAttempts: 3, minTimeoutInMs: 1, maxTimeoutInMs: 4, randomize: false },
          }),
        },
      );
      const all = Array.from({ length: EVENTS }, (_, n) => ({ id: `e-${n}`, name: NAMES[n % NAMES.length]!, n }));
      const accepted = new Set<string>();
      const failures: unknown[] = [];
      let pending = all;
      for (let round = 0; round < ROUNDS && pending.length > 0; round++) {
        if (round === ROUNDS - 1) server.faults.setRate(0); // the last round proves the rest can complete
        const failed: typeof all = [];
        for (let start = 0; start < pending.length; start += WAVE) {
          const wave = pending.slice(start, start + WAVE);
          const settled = await Promise.allSettled(
            wave.map((e) => events.sendEvent(e.name as "order.placed", { n: e.n }, { id: e.id })),
          );
          settled.forEach((result, i) => {
            if (result.status === "fulfilled") accepted.add(wave[i]!.id);
            else {
              failures.push(result.reason);
              failed.push(wave[i]!);
            }
          });
        }
        // after every round: no subscriber of any event ran twice, and every accepted event reached all its subscribers
        const runs = runsPerPair();
        expect([...runs.values()].filter((count) => count > 1)).toEqual([]);
        for (const id of accepted) {
          const event = all[Number(id.slice(2))]!;
          for (const task of SUBSCRIBERS[event.name]!) expect(runs.get(`${id}|${task}`), `${id} -> ${task}`).toBe(1);
        }
        pending = failed;
      }

      expect(server.invalid).toEqual([]);
      expect(pending).toEqual([]);
      expect(accepted.size).toBe(EVENTS);
      // the faults did bite: some sends failed and were reported, each as a TransportError
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure).toBeInstanceOf(TransportError);
        expect(failure).toMatchObject({ code: "TRANSPORT_FAILED", retryable: true });
      }
      // and some replies were lost after the work was done: the retries were deduplicated, not run again
      const expected = all.reduce((sum, e) => sum + SUBSCRIBERS[e.name]!.length, 0);
      expect(server.runs).toHaveLength(expected);
      expect(server.dedupedItems()).toBeGreaterThan(0);
    },
  );
});

function runsPerPair(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const run of server.runs) {
    const key = `${run.payload.id}|${run.taskId}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}
