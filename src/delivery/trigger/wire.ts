import type { Envelope } from "../../core/envelope.js";

/**
 * An envelope as it travels in a Trigger.dev payload: the whole envelope plus a mark, so the
 * worker knows it was validated at the sender and carries its lineage. The mark's value is the
 * wire format's version.
 */
export interface WireEvent<TName extends string = string, TPayload = unknown> extends Envelope<TName, TPayload> {
  readonly "~herald": 1;
}

/** Wraps an envelope for the wire. */
export function toWireEvent(envelope: Envelope): WireEvent {
  return { "~herald": 1, ...envelope };
}

/** True when `value` is a herald wire event (a payload sent by a herald transport). */
export function isWireEvent(value: unknown): value is WireEvent {
  if (typeof value !== "object" || value === null) return false;
  const wire = value as Partial<Record<keyof WireEvent, unknown>>;
  return (
    wire["~herald"] === 1 &&
    typeof wire.id === "string" &&
    typeof wire.name === "string" &&
    typeof wire.timestamp === "string" &&
    typeof wire.correlationId === "string" &&
    "payload" in wire
  );
}

/** The envelope inside a wire event, without the mark. */
export function fromWireEvent(wire: WireEvent): Envelope {
  const { "~herald": _mark, ...envelope } = wire;
  return envelope;
}
