import { InvalidOptionsError } from "../core/errors.js";
import { type AnySchema, isSchema } from "../core/schema.js";
import type { InferInput, InferOutput, SchemaLike } from "./types.js";

/** What an event says about itself beside its schema and examples. */
export interface EventInfo {
  /** What happened, for the people who send and handle it. */
  readonly description?: string;
  /** The team or service that owns the event. */
  readonly owner?: string;
  /** `true`, or the reason and what to use instead. Senders may still send it. */
  readonly deprecated?: boolean | string;
}

/** What an event says about itself beside its schema: shown by the exports and by `herald dev`. */
export interface EventMeta<TInput = unknown> extends EventInfo {
  /** Valid payloads (the newest version's input): checked when the catalog is defined, shown in exports, used by `fixture`. */
  readonly examples?: readonly TInput[];
}

/** What `defineEvent` keeps on the schema it returns, read at run time. */
export interface EventDefinition extends EventMeta {
  /** Every version's schema, oldest first; the last is the event's schema. */
  readonly versions: readonly AnySchema[];
  /** `upcast[i]` turns version i+1's output into version i+2's input. */
  readonly upcast: readonly ((payload: unknown) => unknown)[];
}

/** The mark of a schema made by `defineEvent`. */
export interface DefinedEvent {
  readonly "~definition": EventDefinition;
}

/** The last schema of a version list. */
export type LatestVersion<TVersions extends readonly unknown[]> = TVersions extends readonly [
  ...unknown[],
  infer $Latest,
]
  ? $Latest
  : never;

/**
 * One upcaster per step, each typed from its neighbours: it takes version n's output (what a
 * handler of version n received) and returns version n+1's input (what a sender of n+1 writes).
 */
export type Upcasters<TVersions extends readonly unknown[]> = TVersions extends readonly [
  infer $From,
  infer $To,
  ...infer $Rest,
]
  ? readonly [(payload: InferOutput<$From>) => InferInput<$To>, ...Upcasters<readonly [$To, ...$Rest]>]
  : readonly [];

/** An event with several schema versions, oldest first, and the upcasters between them. */
export interface VersionedEvent<TVersions extends readonly [SchemaLike, ...SchemaLike[]]> extends EventMeta<
  InferInput<LatestVersion<TVersions>>
> {
  readonly versions: TVersions;
  readonly upcast: Upcasters<TVersions>;
}

/**
 * Gives an event its metadata, and optionally several schema versions. Returns a Standard Schema
 * of the newest version (it validates as that schema and has its types), so `defineEvents` reads
 * it like any schema; the metadata and versions ride along for run time. Senders send the newest
 * version, handlers receive the newest: an older payload (`send({ name, payload, version })`, an
 * old envelope from a queue or a replay) is validated as its version and upcast step by step.
 * @throws InvalidOptionsError for a value that is not a schema, a version list without one upcaster per step, or malformed metadata
 * @example
 * defineEvents({
 *   "user.created": defineEvent({
 *     versions: [userV1, userV2],
 *     upcast: [(v1) => ({ ...v1, name: v1.fullName })],
 *     description: "A user signed up", owner: "accounts",
 *   }),
 * });
 * @see docs/contract.md#describe-an-event-defineevent
 */
export function defineEvent<const TVersions extends readonly [SchemaLike, ...SchemaLike[]]>(
  definition: VersionedEvent<TVersions>,
): LatestVersion<TVersions> & DefinedEvent;
// without examples, the schema's input type is never computed: typing `meta` as EventMeta<InferInput<TSchema>>
// for every call cost ~90 more instantiations per event (measured at 1,000 events, bench/types)
export function defineEvent<TSchema extends SchemaLike>(schema: TSchema, meta?: EventInfo): TSchema & DefinedEvent;
export function defineEvent<TSchema extends SchemaLike>(
  schema: TSchema,
  meta: EventMeta<InferInput<TSchema>>,
): TSchema & DefinedEvent;
export function defineEvent(value: unknown, meta?: unknown): DefinedEvent {
  const definition = isSchema(value) ? { ...readMeta(meta), versions: [value], upcast: [] } : readVersioned(value);
  const latest = definition.versions.at(-1)!;
  // the newest schema as prototype: its methods and zod's `_zod` slot still work on the result;
  // `~standard` is the newest's own object, so validation runs on the schema that was given
  return Object.create(latest, {
    "~standard": { value: latest["~standard"], enumerable: false },
    "~definition": { value: Object.freeze(definition), enumerable: false },
  }) as DefinedEvent;
}

/** The definition `defineEvent` left on `schema`, if it made it. */
export function readDefinition(schema: unknown): EventDefinition | undefined {
  const definition = (schema as Partial<DefinedEvent> | null)?.["~definition"];
  return typeof definition === "object" && definition !== null && Array.isArray(definition.versions)
    ? definition
    : undefined;
}

const META_KEYS = new Set(["description", "owner", "deprecated", "examples"]);

function readVersioned(value: unknown): EventDefinition {
  if (typeof value !== "object" || value === null || !Array.isArray((value as { versions?: unknown }).versions)) {
    throw new InvalidOptionsError("defineEvent expects a schema, or { versions: [schema, ...], upcast: [...] }");
  }
  const { versions, upcast = [], ...meta } = value as { versions: unknown[]; upcast?: unknown };
  if (versions.length === 0) throw new InvalidOptionsError("defineEvent: versions needs at least one schema");
  versions.forEach((schema, i) => {
    if (!isSchema(schema))
      throw new InvalidOptionsError(`defineEvent: versions[${i}] is not a Standard Schema (zod 4, valibot, …)`);
  });
  if (
    !Array.isArray(upcast) ||
    upcast.length !== versions.length - 1 ||
    !upcast.every((step) => typeof step === "function")
  ) {
    throw new InvalidOptionsError(
      `defineEvent: ${versions.length} versions need ${versions.length - 1} upcaster function${versions.length === 2 ? "" : "s"} (upcast[i] turns version i+1 into i+2)`,
    );
  }
  return {
    ...readMeta(meta),
    versions: [...(versions as AnySchema[])],
    upcast: [...(upcast as ((payload: unknown) => unknown)[])],
  };
}

function readMeta(meta: unknown): EventMeta {
  if (meta === undefined) return {};
  if (typeof meta !== "object" || meta === null)
    throw new InvalidOptionsError(
      "defineEvent: metadata must be an object { description?, owner?, deprecated?, examples? }",
    );
  const fields = meta as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!META_KEYS.has(key))
      throw new InvalidOptionsError(
        `defineEvent: unknown option ${JSON.stringify(key)} (expected description, owner, deprecated, examples)`,
      );
  }
  const { description, owner, deprecated, examples } = fields;
  for (const [key, text] of [
    ["description", description],
    ["owner", owner],
  ] as const) {
    if (text !== undefined && typeof text !== "string")
      throw new InvalidOptionsError(`defineEvent: ${key} must be a string`);
  }
  if (deprecated !== undefined && typeof deprecated !== "boolean" && typeof deprecated !== "string")
    throw new InvalidOptionsError("defineEvent: deprecated must be true or a reason");
  if (examples !== undefined && !Array.isArray(examples))
    throw new InvalidOptionsError("defineEvent: examples must be an array of payloads");
  return {
    ...(description === undefined ? {} : { description: description as string }),
    ...(owner === undefined ? {} : { owner: owner as string }),
    ...(deprecated === undefined ? {} : { deprecated: deprecated as boolean | string }),
    ...(examples === undefined ? {} : { examples: Object.freeze([...(examples as unknown[])]) }),
  };
}
