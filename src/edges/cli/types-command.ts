import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { catalogArgument, parseCommandArgs } from "./args.js";
import { declareCatalog } from "./catalog-declaration.js";
import { TYPES_HELP } from "./help.js";
import { type CliIo, EXIT, UsageError } from "./io.js";

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `herald types <catalog-module> [--export events] [--name Events] [--check]`: writes
 * `<module>.types.d.ts` beside the module, declaring the catalog's type, for large catalogs whose
 * editor requests would otherwise re-infer every schema. `--check` writes nothing and exits 1 when
 * the file is missing or stale.
 */
export async function typesCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    export: { type: "string" },
    name: { type: "string" },
    check: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(TYPES_HELP);
    return EXIT.ok;
  }
  const file = catalogArgument(positionals, "herald types needs a catalog module: herald types <catalog-module>");
  if (!/\.[cm]?tsx?$/.test(file) || /\.d\.[cm]?ts$/.test(file))
    throw new UsageError(`herald types reads a TypeScript module (.ts, .mts, .cts), got ${JSON.stringify(file)}`);
  const exportName = values.export ?? "events";
  const typeName = values.name ?? exportName.charAt(0).toUpperCase() + exportName.slice(1);
  for (const [flag, value] of [
    ["--export", exportName],
    ["--name", typeName],
  ] as const) {
    if (!IDENTIFIER.test(value)) throw new UsageError(`${flag} must be an identifier, got ${JSON.stringify(value)}`);
  }
  const module = resolve(io.cwd, file);
  // beside the module, so the declarations' relative imports still resolve
  const out = join(dirname(module), `${basename(module, extname(module))}.types.d.ts`);
  const command = ["herald types", file, values.export && `--export ${exportName}`, values.name && `--name ${typeName}`]
    .filter(Boolean)
    .join(" ");
  const { text } = await declareCatalog({ file, cwd: io.cwd, exportName, typeName, command });
  const shown = join(dirname(file), basename(out));
  if (values.check) {
    const current = existsSync(out) ? readFileSync(out, "utf8") : undefined;
    if (current === text) {
      io.stdout.write(`${shown} is current\n`);
      return EXIT.ok;
    }
    io.stderr.write(`${shown} is ${current === undefined ? "missing" : "stale"}: run \`${command}\`\n`);
    return EXIT.rejected;
  }
  try {
    writeFileSync(out, text);
  } catch (error) {
    throw new UsageError(`Cannot write ${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
  io.stdout.write(
    `Wrote ${shown}. Annotate the catalog with it:\n  import type { ${typeName} } from "./${basename(out, ".d.ts")}.js";\n  export const ${exportName}: ${typeName} = defineEvents({ ... });\n`,
  );
  return EXIT.ok;
}
