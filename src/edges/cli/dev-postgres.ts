import type { AnyCatalog } from "../../catalog/types.js";
import { UsageError } from "./io.js";

/**
 * `herald dev --postgres <url>`: the catalog rebound to a herald/postgres transport on that
 * database, so the page's sends are written there (and run by the application's workers) and
 * history is read from there. herald/postgres (with pg and pg-boss, optional peers) is loaded only
 * here, so `herald dev` without the flag never needs them.
 * @throws UsageError when pg or pg-boss is not installed; the transport's TransportError when the
 * database cannot be reached or its schema is not pg-boss 10's
 */
export async function withPostgres(catalog: AnyCatalog, url: string, schema: string | undefined): Promise<AnyCatalog> {
  let module: typeof import("../../delivery/postgres/transport.js");
  try {
    module = await import("../../delivery/postgres/transport.js");
  } catch (error) {
    throw new UsageError(
      `--postgres needs pg and pg-boss 10: npm i pg pg-boss@10 (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const transport = await module.postgresTransport({
    connectionString: url,
    ...(schema === undefined ? {} : { schema }),
    // sends from the page and history reads: a few connections are enough
    poolSize: 3,
  });
  return catalog.withTransport(transport);
}

/** `url` without its password, to print: `postgres://ada@db.example.com:5432/app`. */
export function describeDatabase(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = "";
    parsed.search = "";
    return parsed.href;
  } catch {
    // not a URL (a libpq key=value string, say): name no part of it, a password may be anywhere
    return "the database";
  }
}
