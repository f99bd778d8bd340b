import { existsSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AnyCatalog } from "../../catalog/types.js";
import { UsageError } from "./io.js";

const TYPESCRIPT = new Set([".ts", ".mts", ".cts", ".tsx"]);

/**
 * Imports a catalog module as it is and returns its catalog: the export named `exportName` if
 * given, else `events`, else the default export, else the only export that is a catalog.
 * TypeScript goes through tsx, an optional peer dependency imported here and only here, so
 * JavaScript users and apps that only import herald never install or load it.
 * @throws UsageError when the file is missing, fails to load, or holds no catalog
 */
export async function loadCatalog(file: string, cwd: string, exportName?: string): Promise<AnyCatalog> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`No such file: ${file}`);
  const url = pathToFileURL(path).href;
  let module: Record<string, unknown>;
  try {
    if (TYPESCRIPT.has(extname(path))) {
      const { tsImport } = await importTsx(file);
      module = (await tsImport(url, pathToFileURL(`${cwd}/`).href)) as Record<string, unknown>;
    } else {
      module = (await import(url)) as Record<string, unknown>;
    }
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`Could not load ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return findCatalog(module, file, exportName);
}

// tsx is an optional peer: a library that apps import should not pull esbuild into every install
async function importTsx(file: string): Promise<typeof import("tsx/esm/api")> {
  try {
    return await import("tsx/esm/api");
  } catch {
    throw new UsageError(
      `Loading ${file} needs tsx to compile TypeScript: npm i -D tsx (or point herald dev at a .js build)`,
    );
  }
}

/** True for what `defineEvents` returns, from this copy of herald or another. */
export function isCatalog(value: unknown): value is AnyCatalog {
  const candidate = value as Partial<AnyCatalog> | null;
  return (
    typeof candidate === "object" &&
    candidate !== null &&
    typeof candidate.send === "function" &&
    Array.isArray(candidate.names) &&
    typeof candidate.withTransport === "function"
  );
}

function findCatalog(module: Record<string, unknown>, file: string, exportName: string | undefined): AnyCatalog {
  if (exportName !== undefined) {
    if (isCatalog(module[exportName])) return module[exportName];
    throw new UsageError(`${file} has no catalog exported as ${JSON.stringify(exportName)}`);
  }
  for (const name of ["events", "default"]) if (isCatalog(module[name])) return module[name];
  // a CommonJS module's exports arrive as `default`
  const nested = module.default as Record<string, unknown> | undefined;
  if (nested && typeof nested === "object" && isCatalog(nested.events)) return nested.events;
  const found = Object.entries(module).filter(([, value]) => isCatalog(value));
  if (found.length === 1) return found[0]![1] as AnyCatalog;
  const names = found.map(([name]) => name);
  throw new UsageError(
    names.length > 1
      ? `${file} exports several catalogs (${names.join(", ")}): pick one with --export <name>`
      : `${file} exports no catalog: export the result of defineEvents() as \`events\` or as the default export`,
  );
}
