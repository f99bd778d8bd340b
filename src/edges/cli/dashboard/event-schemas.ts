import type { AnyCatalog } from "../../../catalog/types.js";

/** One event of `GET /api/catalog`: its name and, where herald can derive one, its JSON Schema. */
export interface CatalogEntry {
  readonly name: string;
  /** Draft 2020-12, for the send form; `null` for schemas herald cannot convert (the form falls back to raw JSON). */
  readonly schema: Record<string, unknown> | null;
}

interface ZodLike {
  readonly _zod: unknown;
  toJSONSchema?: (params?: { io?: "input" | "output"; unrepresentable?: "any" }) => Record<string, unknown>;
}

/**
 * The JSON Schema of each event, as a sender writes it (`io: "input"`): from the catalog's own
 * `toJSONSchema()` where the catalog has one and every schema converts, so the form and
 * `herald export` agree. Otherwise per event, zod schemas only: through the schema's own
 * `toJSONSchema()` (zod >= 4.2), else `z.toJSONSchema`, with zod imported only here and only then
 * (it is an optional peer). A schema that does not convert gets `null`.
 */
export async function describeEvents(catalog: AnyCatalog): Promise<CatalogEntry[]> {
  const whole = await fromCatalog(catalog);
  if (whole) return (catalog.names as readonly string[]).map((name) => ({ name, schema: whole[name] ?? null }));
  const entries: CatalogEntry[] = [];
  let standalone: ((schema: unknown, params: object) => Record<string, unknown>) | undefined | null;
  for (const name of catalog.names as readonly string[]) {
    const schema = (catalog.schemas as Record<string, unknown>)[name];
    let json: Record<string, unknown> | null = null;
    if (isZod(schema)) {
      try {
        if (typeof schema.toJSONSchema === "function") json = schema.toJSONSchema({ io: "input", unrepresentable: "any" });
        else {
          standalone ??= await import("zod").then((zod) => zod.z.toJSONSchema as never, () => null);
          json = standalone ? standalone(schema, { io: "input", unrepresentable: "any" }) : null;
        }
      } catch {
        json = null; // a transform or custom check zod cannot express: raw JSON it is
      }
    }
    entries.push({ name, schema: json });
  }
  return entries;
}

// the catalog method arrived with herald export; it rejects when any one schema does not convert
async function fromCatalog(catalog: AnyCatalog): Promise<Record<string, Record<string, unknown>> | undefined> {
  const convert = (catalog as { toJSONSchema?: (options: { io: "input" }) => Promise<Record<string, Record<string, unknown>>> }).toJSONSchema;
  if (typeof convert !== "function") return undefined;
  try {
    return await convert.call(catalog, { io: "input" });
  } catch {
    return undefined;
  }
}

function isZod(schema: unknown): schema is ZodLike {
  return typeof schema === "object" && schema !== null && "_zod" in schema;
}
