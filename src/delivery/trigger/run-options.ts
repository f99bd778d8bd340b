import type { Envelope } from "../../core/envelope.js";

/** Trigger.dev accepts at most 10 tags per run. */
export const MAX_TAGS = 10;
/** Trigger.dev accepts tags of 1 to 128 characters. */
export const MAX_TAG_LENGTH = 128;

/**
 * The tags that lead from a run in the dashboard back to its event: `event:<name>`, `evt:<id>`,
 * and for a chained event `corr:<correlationId>` and `cause:<causationId>`; then `extra`. A tag
 * longer than 128 characters is left out rather than cut (a cut id would match the wrong runs),
 * and the list stops at 10.
 */
export function eventTags(envelope: Envelope, extra: readonly string[] = []): string[] {
  const tags = [`event:${envelope.name}`, `evt:${envelope.id}`];
  if (envelope.correlationId !== envelope.id) tags.push(`corr:${envelope.correlationId}`);
  if (envelope.causationId !== undefined) tags.push(`cause:${envelope.causationId}`);
  tags.push(...extra);
  return [...new Set(tags)].filter((tag) => tag.length > 0 && tag.length <= MAX_TAG_LENGTH).slice(0, MAX_TAGS);
}

/** Run metadata: the envelope's identity and lineage, without the payload (the run already has it). */
export function eventMetadata(envelope: Envelope): { herald: Record<string, string> } {
  const herald: Record<string, string> = {
    eventId: envelope.id,
    event: envelope.name,
    timestamp: envelope.timestamp,
    correlationId: envelope.correlationId,
  };
  if (envelope.causationId !== undefined) herald.causationId = envelope.causationId;
  if (envelope.deliverAt !== undefined) herald.deliverAt = envelope.deliverAt;
  return { herald };
}

/**
 * The idempotency key of one subscriber's run: SHA-256 (hex) of `${eventId}:${taskId}`, the hash
 * `idempotencyKeys.create(key, { scope: "global" })` makes. Hashed here because that function
 * records every key in a process-wide map that only a Trigger.dev worker ever clears, which
 * would grow without bound in a long-lived sender. The SDK sends a 64-character key as is.
 */
export async function idempotencyKeyFor(eventId: string, taskId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${eventId}:${taskId}`));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
