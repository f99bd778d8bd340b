import type { TriggerOptions } from "@trigger.dev/sdk";
import type { Envelope } from "../../core/envelope.js";
import { eventMetadata, eventTags, idempotencyKeyFor } from "./run-options.js";
import { toWireEvent, type WireEvent } from "./wire.js";

/** One run to start: a task, the wire event as its payload, and the options that tie it to its event. */
export interface RunRequest {
  readonly envelope: Envelope;
  readonly taskId: string;
  readonly payload: WireEvent;
  readonly options: TriggerOptions;
}

/** How {@link planRuns} builds each run's options. */
export interface PlanOptions {
  /** Tags added after herald's own (10 in all at most). */
  readonly tags?: readonly string[];
  /** Passed on as `idempotencyKeyTTL` (Trigger.dev's default applies when absent). */
  readonly idempotencyKeyTTL?: string;
  /** Map `deliverAt` to Trigger.dev's `delay`. False in the dispatcher, whose own run was the delayed one. */
  readonly delay: boolean;
}

/**
 * Turns envelopes into runs, one per target task. `targetsOf` runs for every envelope before
 * anything is hashed or sent, so a fan-out that cannot be planned whole throws before its first
 * request. Each run's idempotency key is `${eventId}:${taskId}`, hashed.
 */
export async function planRuns(
  envelopes: readonly Envelope[],
  targetsOf: (envelope: Envelope) => readonly string[],
  options: PlanOptions,
): Promise<RunRequest[]> {
  const pairs = envelopes.flatMap((envelope) => targetsOf(envelope).map((taskId) => ({ envelope, taskId })));
  return Promise.all(
    pairs.map(async ({ envelope, taskId }): Promise<RunRequest> => {
      const runOptions: TriggerOptions = {
        idempotencyKey: await idempotencyKeyFor(envelope.id, taskId),
        tags: eventTags(envelope, options.tags),
        metadata: eventMetadata(envelope),
      };
      if (options.idempotencyKeyTTL !== undefined) runOptions.idempotencyKeyTTL = options.idempotencyKeyTTL;
      if (options.delay && envelope.deliverAt !== undefined) runOptions.delay = new Date(envelope.deliverAt);
      return { envelope, taskId, payload: toWireEvent(envelope), options: runOptions };
    }),
  );
}
