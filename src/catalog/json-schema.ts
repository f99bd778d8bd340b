import type { StandardJSONSchemaV1 } from "@standard-schema/spec";
import { describeError, InvalidOptionsError, UnsupportedSchemaError } from "../core/errors.js";
import type { AnySchema } from "../core/schema.js";
import type { EventDefinition } from "./define-event.js";
import { latestVersion } from "./versions.js";

/** A JSON Schema document, as plain data. */
export interface JSONSchemaObject {
  readonly [keyword: string]: unknown;
}

/** Options of `events.toJSONSchema()`. */
export interface JSONSchemaOptions {
  /** `"input"` (default): what a sender writes. `"output"`: what a handler receives (defaults applied, transforms run). */
  readonly io?: "input" | "output";
  /**
   * `"latest"` (default): one schema per event, its newest version. `"all"`: also every older
   * version of a versioned event, keyed `<name>-v<N>` (see {@link exportedVersions}).
   */
  readonly versions?: "latest" | "all";
}

/** One JSON Schema per event name. */
export type CatalogJSONSchema<TName extends string = string> = { readonly [K in TName]: JSONSchemaObject };

/** What `toJSONSchema({ versions: "all" })` adds: each older version of a versioned event, keyed `<name>-v<N>`. */
export interface OlderVersionSchemas {
  readonly [key: `${string}-v${number}`]: JSONSchemaObject | undefined;
}

/** The JSON Schema dialects herald writes: 2020-12 for `toJSONSchema`, draft-07 for AsyncAPI and Trigger.dev. */
export type JSONSchemaTarget = "draft-2020-12" | "draft-07";

/** What converting one event needs. */
export interface SchemaSource {
  readonly name: string;
  readonly schema: AnySchema;
  readonly definition: EventDefinition | undefined;
}

/**
 * The schema's JSON Schema through Standard JSON Schema (`~standard.jsonSchema`), synchronously,
 * or `undefined` when the validator does not implement it.
 * @throws UnsupportedSchemaError when the validator refuses the schema (a Date, a transform's output, …)
 */
export function standardJSONSchema(
  name: string,
  schema: AnySchema,
  io: "input" | "output",
  target: JSONSchemaTarget,
): JSONSchemaObject | undefined {
  if (isPayloadless(schema))
    return target === "draft-07" ? { ...NO_PAYLOAD } : { $schema: DRAFT_2020_12, ...NO_PAYLOAD };
  const converter = (schema["~standard"] as Partial<StandardJSONSchemaV1.Props>).jsonSchema;
  if (typeof converter?.[io] !== "function") return undefined;
  try {
    return converter[io]({ target });
  } catch (error) {
    throw new UnsupportedSchemaError(name, describeError(error), { cause: error });
  }
}

const DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

/**
 * The JSON Schema of an event without payload (`z.undefined()`, `z.void()`): no JSON value is
 * valid, because the payload is left out altogether (an HTTP body without `payload`).
 */
export const NO_PAYLOAD: JSONSchemaObject = Object.freeze({ not: {} });

/**
 * Whether the schema is zod's `z.undefined()` or `z.void()`: an event that carries no payload.
 * zod's converter refuses both (`undefined` is not a JSON value), so herald writes {@link NO_PAYLOAD}.
 */
export function isPayloadless(schema: AnySchema): boolean {
  const type = (schema as { _zod?: { def?: { type?: unknown } } })._zod?.def?.type;
  return type === "undefined" || type === "void";
}

/** One schema version an export lists, under its key. */
export interface ExportedVersion {
  /** The event's name for the newest version, `<name>-v<N>` for an older one. */
  readonly key: string;
  readonly version: number;
}

/**
 * The versions an export lists for an event, newest first: the newest under the event's name (so
 * an unversioned event's key never changes), then with `all` each older one as `<name>-v<N>`. A
 * `-` cannot appear in an event name, so these keys never meet another event's; AsyncAPI's
 * component keys (`^[a-zA-Z0-9.\-_]+$`) allow it.
 */
export function exportedVersions({ name, definition }: SchemaSource, all: boolean): ExportedVersion[] {
  const latest = latestVersion(definition);
  const older = all ? Array.from({ length: latest - 1 }, (_, i) => latest - 1 - i) : [];
  return [{ key: name, version: latest }, ...older.map((version) => ({ key: `${name}-v${version}`, version }))];
}

/** Every version an export lists, over the catalog's events in order: each with its event. */
export function exportedEntries(
  sources: readonly SchemaSource[],
  all: boolean,
): (ExportedVersion & { readonly source: SchemaSource })[] {
  return sources.flatMap((source) => exportedVersions(source, all).map((exported) => ({ source, ...exported })));
}

/**
 * `events.toJSONSchema(options)`: one JSON Schema per event (draft 2020-12), plus each older
 * version with `versions: "all"`. Here, not in the catalog, so the whole export loads on first use.
 * @throws InvalidOptionsError for an `io` or `versions` outside their values; UnsupportedSchemaError as {@link convertEvent}
 */
export async function catalogJSONSchema(
  sources: readonly SchemaSource[],
  { io = "input", versions = "latest" }: JSONSchemaOptions = {},
): Promise<Record<string, JSONSchemaObject>> {
  if (io !== "input" && io !== "output")
    throw new InvalidOptionsError(`toJSONSchema: io must be "input" or "output", got ${String(io)}`);
  if (versions !== "latest" && versions !== "all")
    throw new InvalidOptionsError(`toJSONSchema: versions must be "latest" or "all", got ${String(versions)}`);
  const entries = exportedEntries(sources, versions === "all");
  const schemas = await Promise.all(
    entries.map(({ source, version }) => convertEvent(source, io, "draft-2020-12", version)),
  );
  return Object.fromEntries(entries.map(({ key }, i) => [key, schemas[i]!]));
}

/**
 * The event's JSON Schema, with its metadata: Standard JSON Schema where the validator has it,
 * else zod's `toJSONSchema` for a zod schema (zod is loaded here, on first need, never before).
 * `version` (default: the newest) picks an older schema of a versioned event; the examples, which
 * are the newest version's payloads, are left off an older one.
 * @throws UnsupportedSchemaError for a schema that cannot be expressed, or a validator with no converter
 */
export async function convertEvent(
  source: SchemaSource,
  io: "input" | "output",
  target: JSONSchemaTarget,
  version?: number,
): Promise<JSONSchemaObject> {
  const { name, schema, definition } = source;
  const at = version ?? latestVersion(definition);
  // the newest converts through `schema` itself, as it always has; zod's fallback needs the version's own schema
  const raw = definition?.versions[at - 1] ?? schema;
  const older = definition !== undefined && at < latestVersion(definition);
  const json =
    standardJSONSchema(name, older ? raw : schema, io, target) ?? (await convertWithZod(name, raw, io, target));
  if (!older) return describeSchema(json, source, io);
  const { examples: _examples, ...rest } = definition;
  // its own title, so a code generator emits one model per version rather than one under the event's name
  return describeSchema(json, { ...source, definition: rest }, io, `${name}-v${at}`);
}

/**
 * Adds the event's name and metadata to its JSON Schema: `title` (the schema's own, else `title`,
 * which defaults to the event's name; an older version's is its export key `<name>-v<N>`),
 * `description`, `deprecated`, `examples` (of the input).
 */
export function describeSchema(
  json: JSONSchemaObject,
  { name, definition }: SchemaSource,
  io: "input" | "output",
  title: string = name,
): JSONSchemaObject {
  const { $schema, title: own, description: ownDescription, ...rest } = json;
  const description = definition?.description ?? ownDescription;
  return {
    ...($schema === undefined ? {} : { $schema }),
    title: own ?? title,
    ...(description === undefined ? {} : { description }),
    ...rest,
    ...(definition?.deprecated ? { deprecated: true } : {}),
    ...(io === "input" && definition?.examples ? { examples: definition.examples } : {}),
  };
}

type ZodCore = {
  toJSONSchema(schema: unknown, params: { target: string; io: string; unrepresentable: "throw" }): JSONSchemaObject;
};

async function convertWithZod(
  name: string,
  schema: AnySchema,
  io: "input" | "output",
  target: JSONSchemaTarget,
): Promise<JSONSchemaObject> {
  if (!isZodSchema(schema)) {
    const vendor = schema["~standard"].vendor;
    const hint = vendor === "valibot" ? " (wrap it with toStandardJsonSchema from @valibot/to-json-schema)" : "";
    throw new UnsupportedSchemaError(
      name,
      `its validator (${vendor}) does not implement Standard JSON Schema (~standard.jsonSchema)${hint}`,
    );
  }
  let zod: ZodCore;
  try {
    // zod/v4/core has toJSONSchema from zod 4.0 on, for classic and mini schemas alike
    zod = (await import("zod/v4/core")) as unknown as ZodCore;
  } catch (error) {
    throw new UnsupportedSchemaError(name, `zod could not be loaded to convert it (${describeError(error)})`, {
      cause: error,
    });
  }
  try {
    // "draft-7" is the spelling zod 4.0 knows; later versions read it as draft-07
    return zod.toJSONSchema(schema, {
      target: target === "draft-07" ? "draft-7" : target,
      io,
      unrepresentable: "throw",
    });
  } catch (error) {
    throw new UnsupportedSchemaError(name, describeError(error), { cause: error });
  }
}

function isZodSchema(schema: AnySchema): boolean {
  return typeof (schema as { _zod?: unknown })._zod === "object" || schema["~standard"].vendor === "zod";
}
