import { convertEvent } from "../../../catalog/json-schema.js";
import { runtimeOf } from "../../../catalog/runtime.js";
import type { AnyCatalog } from "../../../catalog/types.js";

/** One event of `GET /api/catalog`: its name and, where herald can derive one, its JSON Schema. */
export interface CatalogEntry {
  readonly name: string;
  /** Draft 2020-12, for the send form; `null` for schemas herald cannot convert (the form falls back to raw JSON). */
  readonly schema: Record<string, unknown> | null;
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
      try {
        return { name, schema: await convertEvent({ name, ...runtime.event(name) }, "input", "draft-2020-12") };
      } catch {
        return { name, schema: null }; // a Date, a transform's output, a validator with no converter: raw JSON it is
      }
    }),
  );
}
