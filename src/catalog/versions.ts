import type { Envelope } from "../core/envelope.js";
import { InvalidOptionsError, UnknownVersionError } from "../core/errors.js";
import { type AnySchema, validate } from "../core/schema.js";
import type { EventDefinition } from "./define-event.js";

/** The newest schema version of an event: 1 without a definition or with one schema. */
export function latestVersion(definition: EventDefinition | undefined): number {
  return definition?.versions.length ?? 1;
}

/**
 * Validates `value` as version `version` of event `name` and upcasts it to the newest: returns the
 * newest version's output. Each step validates the upcaster's result against the next schema.
 * @throws UnknownVersionError for a version the event lacks; EventValidationError where a step fails its schema
 */
export function parseVersion(
  name: string,
  definition: EventDefinition | undefined,
  schema: AnySchema,
  version: unknown,
  value: unknown,
): unknown {
  const from = checkVersion(name, definition, version);
  if (!definition || from === definition.versions.length) return validate(name, schema, value);
  return then(validate(name, definition.versions[from - 1]!, value), (output) =>
    upcastOutput(name, definition, from, output),
  );
}

/**
 * Brings an envelope to the newest version before its handler sees it: an envelope without a
 * version is version 1. Returns the same object when it is already the newest.
 * @throws UnknownVersionError for an envelope newer than this catalog (a newer sender, an older worker)
 */
export function upcastEnvelope(
  definition: EventDefinition | undefined,
  envelope: Envelope,
): Envelope | Promise<Envelope> {
  const latest = latestVersion(definition);
  const from = checkVersion(envelope.name, definition, envelope.version ?? 1);
  if (!definition || from === latest) return envelope;
  return then(upcastOutput(envelope.name, definition, from, envelope.payload), (payload): Envelope => ({
    ...envelope,
    payload,
    version: latest,
  }));
}

// version `from`'s output -> upcaster -> next version's input -> its schema -> its output, up to the newest
function upcastOutput(name: string, definition: EventDefinition, from: number, output: unknown): unknown {
  if (from === definition.versions.length) return output;
  const input = definition.upcast[from - 1]!(output);
  if (typeof (input as PromiseLike<unknown> | null)?.then === "function") {
    throw new InvalidOptionsError(
      `${name}: the upcaster from version ${from} to ${from + 1} returned a promise; upcasters must be synchronous`,
    );
  }
  return then(validate(name, definition.versions[from]!, input), (next) =>
    upcastOutput(name, definition, from + 1, next),
  );
}

function checkVersion(name: string, definition: EventDefinition | undefined, version: unknown): number {
  const latest = latestVersion(definition);
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1 || version > latest)
    throw new UnknownVersionError(name, version, latest);
  return version;
}

// stays synchronous until a schema validates asynchronously
function then<T>(value: unknown, next: (value: unknown) => T | Promise<T>): T | Promise<T> {
  return value instanceof Promise ? value.then(next) : next(value);
}
