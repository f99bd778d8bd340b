import { catalogArgument, parseCommandArgs, parseInteger } from "./args.js";
import { isHeraldError } from "../../core/errors.js";
import { describeDatabase, withPostgres } from "./dev-postgres.js";
import { startDevServer } from "./dev-server.js";
import { DEV_HELP } from "./help.js";
import { type CliIo, EXIT, UsageError, wantsColour } from "./io.js";
import { loadCatalog } from "./load-catalog.js";
import { escapeControl } from "./terminal-text.js";

// closing waits for running subscribers; one that hangs must not keep Ctrl-C from working
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * `herald dev <catalog-module> [--port 3002] [--postgres <url>]`: loads the catalog, serves it on
 * 127.0.0.1, prints activity, and resolves with an exit code once `io.signal` aborts (SIGINT or
 * SIGTERM). With `--postgres`, sends go to that database and history is read from it.
 */
export async function devCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    port: { type: "string" },
    export: { type: "string" },
    postgres: { type: "string" },
    "postgres-schema": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout.write(DEV_HELP);
    return EXIT.ok;
  }
  const file = catalogArgument(positionals, "herald dev needs a catalog module: herald dev ./src/events.ts");
  const port = parseInteger("port", values.port, 3002, 0, 65_535);
  const colour = wantsColour(io.stdout, io.env);
  const log = (line: string): void => void io.stdout.write(`${line}\n`);
  // the start-up lines hold only herald's own text, the module's path and the catalog's names
  const note = (line: string): void => log(escapeControl(line));

  const schema = values["postgres-schema"];
  if (schema !== undefined && values.postgres === undefined)
    throw new UsageError("--postgres-schema goes with --postgres <url>");
  const loaded = await loadCatalog(file, io.cwd, values.export);
  let catalog = loaded;
  if (values.postgres !== undefined) {
    try {
      catalog = await withPostgres(loaded, values.postgres, schema);
    } catch (error) {
      await loaded.close();
      if (!isHeraldError(error)) throw error;
      io.stderr.write(`herald dev: ${escapeControl(`${describeDatabase(values.postgres)}: ${error.message}`)}\n`);
      return (error as { retryable?: boolean }).retryable === false ? EXIT.usage : EXIT.unavailable;
    }
  }
  let server;
  try {
    server = await startDevServer({ catalog, port, log, colour });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr.write(
      `herald dev: cannot listen on 127.0.0.1:${port}: ${code === "EADDRINUSE" ? "the port is in use (try --port)" : String(error)}\n`,
    );
    await catalog.close();
    if (catalog !== loaded) await loaded.close();
    return EXIT.unavailable;
  }
  const names = catalog.names as readonly string[];
  note(
    `herald dev: ${names.length} event${names.length === 1 ? "" : "s"} from ${file} (${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""})`,
  );
  if (values.postgres !== undefined)
    note(
      `herald dev: sending to and reading history from ${describeDatabase(values.postgres)} (schema ${schema ?? "pgboss"}); subscribers run in the application's workers`,
    );
  else if (!server.observing)
    note(`herald dev: the catalog sends through the ${catalog.transport.name} transport; its runs are not shown here`);
  log(`herald dev: listening on ${server.url} (POST, no auth; Ctrl-C to stop)`);
  log(`herald dev: dashboard at ${server.dashboardUrl}`);

  if (!io.signal.aborted) await new Promise((resolve) => io.signal.addEventListener("abort", resolve, { once: true }));
  log("herald dev: stopping");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS, "timeout").unref());
  if ((await Promise.race([server.close(), timeout])) === "timeout")
    io.stderr.write("herald dev: subscribers still running after 5 s; stopped anyway\n");
  if (catalog !== loaded) await Promise.race([loaded.close(), timeout]);
  return EXIT.ok;
}
