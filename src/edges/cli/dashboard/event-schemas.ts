import { convertEvent } from "../../../catalog/json-schema.js";
import { runtimeOf } from "../../../catalog/runtime.js";
import type { AnyCatalog } from "../../../catalog/types.js";

/** One event of `GET /api/catalog`: its name and, where herald can derive one, its JSON Schema. */
export interface CatalogEntry {
  readonly name: string;
  /** Draft 2020-12, for the send form; `null` for schemas herald cannot convert (the form falls back to raw JSON). */
  readonly schema: Record<string, unknown> | null;
  /** The event's metadata from `defineEvent`, when it has any: shown beside the send form, examples fill it. */
  readonly description?: string;
  readonly owner?: string;
  readonly deprecated?: boolean | string;
  readonly examples?: readonly unknown[];
}

/**
 * The JSON Schema of each event, as a sender writes it (`io: "input"`), converted as
 * `events.toJSONSchema()` and `herald export` convert it, but one event at a time: the catalog
 * method rejects when any schema does not convert, and the form still wants the others.
 */
export async function describeEvents(catalog: AnyCatalog): Promise<CatalogEntry[]> {
  const runtime = runtimeOf(catalog);
  return Promise.all(
    (catalog.names as readonly string[]).map(async (name) => {
      const { schema, definition } = runtime.event(name);
      const meta = {
        ...(typeof definition?.description === "string" ? { description: definition.description } : {}),
        ...(typeof definition?.owner === "string" ? { owner: definition.owner } : {}),
        ...(definition?.deprecated === undefined ? {} : { deprecated: definition.deprecated }),
        ...(Array.isArray(definition?.examples) ? { examples: definition.examples } : {}),
      };
      try {
        return {
          name,
          schema: await convertEvent({ name, schema, definition }, "input", "draft-2020-12"),
          ...meta,
        };
      } catch {
        return { name, schema: null, ...meta }; // a Date, a transform's output, a validator with no converter: raw JSON it is
      }
    }),
  );
}
