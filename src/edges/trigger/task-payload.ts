import type { AnyCatalog } from "../../catalog/types.js";
import { upcastEnvelope } from "../../catalog/versions.js";
import { runtimeOf } from "../../catalog/runtime.js";
import type { Envelope } from "../../core/envelope.js";
import { InvalidOptionsError } from "../../core/errors.js";
import { validate } from "../../core/schema.js";
import { fromWireEvent, isWireEvent, type WireEvent } from "../../delivery/trigger/wire.js";

/** A payload validated by the task itself (a dashboard test run, or `task.trigger(payload)`): it takes its identity from the run. */
export interface LocalEvent {
  // its own mark, not the wire's `~herald`: a local event never leaves the worker
  readonly "~local": true;
  readonly name: string;
  readonly payload: unknown;
  /** The newest schema version, for a versioned event: the payload was validated as it. */
  readonly version?: number;
}

/** What an event task's schema step yields, and so what its run receives. */
export type TaskPayload = WireEvent | LocalEvent;

/**
 * The parse function an event task hands to `schemaTask`. A herald wire event was validated at the
 * sender, so it passes as is (transforms and defaults are applied once, not again in the worker);
 * anything else is validated here against the event's schema.
 * @throws EventValidationError for a plain payload that fails the schema; InvalidOptionsError for a wire event of another event
 */
export function createPayloadParser(events: AnyCatalog, name: string): (value: unknown) => Promise<TaskPayload> {
  const { schema, version } = runtimeOf(events).event(name);
  return async (value) => {
    if (isWireEvent(value) || isLocalEvent(value)) {
      if (value.name !== name)
        throw new InvalidOptionsError(`The task for ${name} received a ${value.name} event: check the routes`);
      return value;
    }
    // validated as the newest version, and marked so: an envelope without a version is version 1
    return {
      "~local": true,
      name,
      payload: await validate(name, schema, value),
      ...(version === undefined ? {} : { version }),
    };
  };
}

function isLocalEvent(value: unknown): value is LocalEvent {
  const local = value as Partial<LocalEvent> | null;
  return (
    typeof local === "object" &&
    local !== null &&
    local["~local"] === true &&
    typeof local.name === "string" &&
    "payload" in local
  );
}

/** The run's identity where the task validated the payload itself: stable across attempts. */
export interface RunIdentity {
  readonly id: string;
  readonly createdAt: Date;
}

/** The envelope a run handles: the one sent, or for a local payload one named after the run. */
export function envelopeOf(payload: TaskPayload, run: RunIdentity): Envelope {
  if (!("~local" in payload)) return fromWireEvent(payload);
  const envelope = {
    id: run.id,
    name: payload.name,
    payload: payload.payload,
    timestamp: run.createdAt.toISOString(),
    correlationId: run.id,
  };
  return payload.version === undefined ? envelope : { ...envelope, version: payload.version };
}

/** Turns what a task's schema step yielded into the envelope its handlers see. */
export type EventUnwrapper = (payload: unknown, run: RunIdentity) => Promise<Envelope>;

/**
 * The one path from a task's payload to its handlers' envelope, for `run` and every hook: the
 * envelope sent (or one named after the run), upcast to the newest schema version. Memoised per
 * payload object: Trigger.dev hands `run` and each hook of an attempt the same parsed payload, so
 * an attempt upcasts once, and a payload that fails does so the same way for all of them.
 * @throws (rejects) UnknownVersionError or EventValidationError where the upcast fails; InvalidOptionsError for a value the schema step did not produce
 */
export function createEventUnwrapper(events: AnyCatalog, name: string): EventUnwrapper {
  const { definition } = runtimeOf(events).event(name);
  const unwrapped = new WeakMap<TaskPayload, Promise<Envelope>>();
  return (payload, run) => {
    if (!((isWireEvent(payload) || isLocalEvent(payload)) && payload.name === name)) {
      return Promise.reject(
        new InvalidOptionsError(`The task for ${name} got a payload its schema step did not produce`),
      );
    }
    let envelope = unwrapped.get(payload);
    if (envelope === undefined) {
      envelope = (async () => upcastEnvelope(definition, envelopeOf(payload, run)))();
      envelope.catch(() => undefined); // a hook may be the only one to look at it: no unhandled rejection
      unwrapped.set(payload, envelope);
    }
    return envelope;
  };
}
