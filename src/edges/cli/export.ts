import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, extname, resolve } from "node:path";
import { isHeraldError } from "../../core/errors.js";
import { catalogArgument, parseCommandArgs } from "./args.js";
import { EXPORT_HELP } from "./help.js";
import { type CliIo, EXIT, UsageError } from "./io.js";
import { loadCatalog } from "./load-catalog.js";
import { escapeControl, escapeLines } from "./terminal-text.js";

const FORMATS = ["json-schema", "asyncapi"] as const;

/**
 * `herald export <catalog-module> --format json-schema|asyncapi [--out file]`: loads the catalog
 * and prints (or writes) one JSON Schema per event, or an AsyncAPI 3.0 document. Resolves to an
 * exit code: 1 when a schema cannot be expressed as JSON Schema.
 */
export async function exportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: "string" },
    out: { type: "string", short: "o" },
    export: { type: "string" },
    io: { type: "string" },
    versions: { type: "string" },
    title: { type: "string" },
    "api-version": { type: "string" },
    server: { type: "string", multiple: true },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(EXPORT_HELP);
    return EXIT.ok;
  }
  const file = catalogArgument(
    positionals,
    "herald export needs a catalog module: herald export <catalog-module> --format json-schema|asyncapi",
  );
  const format = values.format;
  if (!FORMATS.includes(format as never))
    throw new UsageError(
      `--format must be ${FORMATS.join(" or ")}${format === undefined ? "" : `, got ${JSON.stringify(format)}`}`,
    );
  if (values.io !== undefined && values.io !== "input" && values.io !== "output")
    throw new UsageError(`--io must be input or output, got ${JSON.stringify(values.io)}`);
  if (format === "asyncapi" && values.io !== undefined)
    throw new UsageError("--io applies to --format json-schema only (AsyncAPI describes what senders write)");
  if (values.versions !== undefined && values.versions !== "latest" && values.versions !== "all")
    throw new UsageError(`--versions must be latest or all, got ${JSON.stringify(values.versions)}`);
  if (format === "asyncapi" && values.versions !== undefined)
    throw new UsageError("--versions applies to --format json-schema only (AsyncAPI always lists every version)");
  const servers = parseServers(values.server ?? []);

  const events = await loadCatalog(file, io.cwd, values.export);
  let document: unknown;
  try {
    document =
      format === "asyncapi"
        ? await events.toAsyncAPI({
            title: values.title ?? basename(file, extname(file)),
            version: values["api-version"] ?? "1.0.0",
            ...(servers ? { servers } : {}),
          })
        : await events.toJSONSchema({
            ...(values.io === undefined ? {} : { io: values.io }),
            ...(values.versions === undefined ? {} : { versions: values.versions }),
          });
  } catch (error) {
    if (!isHeraldError(error)) throw error;
    io.stderr.write(`herald export: ${escapeLines(error.message)}\n`);
    return EXIT.rejected;
  }
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (values.out === undefined) {
    io.stdout.write(text);
    return EXIT.ok;
  }
  const out = resolve(io.cwd, values.out);
  try {
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text);
  } catch (error) {
    throw new UsageError(`Cannot write ${values.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  io.stderr.write(`herald export: wrote ${format} for ${events.names.length} events to ${escapeControl(values.out)}\n`);
  return EXIT.ok;
}

// --server name=https://host/path, repeatable; read into a null-prototype object, so every name is
// an own key (a plain object's `servers["__proto__"] = x` would set its prototype and drop the server)
function parseServers(
  specs: readonly string[],
): Record<string, { host: string; protocol: string; pathname?: string }> | undefined {
  if (specs.length === 0) return undefined;
  const servers: Record<string, { host: string; protocol: string; pathname?: string }> = Object.create(null);
  for (const spec of specs) {
    const at = spec.indexOf("=");
    const [name, address] = [spec.slice(0, at), spec.slice(at + 1)];
    let url: URL;
    try {
      if (at < 1) throw new Error("no name");
      url = new URL(address);
    } catch {
      throw new UsageError(
        `--server ${JSON.stringify(spec)}: use name=url, e.g. production=https://api.example.com/events`,
      );
    }
    if (!/^[\w.-]+$/.test(name))
      throw new UsageError(
        `--server ${JSON.stringify(spec)}: the name may hold only letters, digits, ".", "-" and "_"`,
      );
    // an own "__proto__" key survives JSON, but code reading the document into a plain object loses it
    if (name === "__proto__")
      throw new UsageError(`--server ${JSON.stringify(spec)}: "__proto__" cannot name a server; choose another name`);
    if (Object.hasOwn(servers, name))
      throw new UsageError(`--server ${JSON.stringify(name)} is given twice; each server needs its own name`);
    servers[name] = {
      host: url.host,
      protocol: url.protocol.slice(0, -1),
      ...(url.pathname === "/" ? {} : { pathname: url.pathname }),
    };
  }
  return servers;
}
