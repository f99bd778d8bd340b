import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeError } from "../../core/errors.js";
import { devCommand } from "./dev.js";
import { exportCommand } from "./export.js";
import { MAIN_HELP } from "./help.js";
import { type CliIo, EXIT, interruptedExit, UsageError } from "./io.js";
import { sendCommand } from "./send.js";
import { escapeControl, escapeLines } from "./terminal-text.js";
import { typesCommand } from "./types-command.js";

const COMMANDS: Record<string, (args: readonly string[], io: CliIo) => Promise<number>> = {
  send: sendCommand,
  dev: devCommand,
  export: exportCommand,
  types: typesCommand,
};
// dev stops by itself when `io.signal` aborts (it closes its server and the catalog); the others
// are one-shot, and may be waiting on a catalog module or a server that never answers
const STOPS_ITSELF: ReadonlySet<string> = new Set(["dev"]);

/**
 * Runs `herald <command> ...args` and resolves with its exit code; never throws. Usage errors
 * print with a pointer to `--help` (exit 2).
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    const topic = command === "help" ? args[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) return main([topic, "--help"], io);
    io.stdout.write(MAIN_HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === "--version" || command === "-v") {
    io.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.stderr.write(`herald: unknown command ${escapeControl(JSON.stringify(command))}\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    if (STOPS_ITSELF.has(command)) return await run(args, io);
    return await Promise.race([run(args, io), stopped(command, io)]);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `herald ${command}: ${escapeLines(error.message)}\nRun \`herald ${command} --help\` for usage.\n`,
      );
      return EXIT.usage;
    }
    io.stderr.write(`herald ${command}: ${escapeLines(describeError(error))}\n`);
    return EXIT.unavailable;
  }
}

// resolves with 130 or 143 when SIGINT or SIGTERM arrives: the command's own work is abandoned
function stopped(command: string, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    const stop = (): void => {
      io.stderr.write(`herald ${command}: stopped by ${String(io.signal.reason)}\n`);
      resolve(interruptedExit(io.signal));
    };
    if (io.signal.aborted) stop();
    else io.signal.addEventListener("abort", stop, { once: true });
  });
}

// found from this module's own file, never from process.argv[1]: through npx that is the .bin
// symlink, whose folder holds no package.json. Built (dist/cli.js) the package is one folder up, run
// from source (src/edges/cli/main.ts) three; the nearest package.json named herald is ours.
function version(): string {
  try {
    let folder = dirname(fileURLToPath(import.meta.url));
    for (let up = 0; up < 4; up++, folder = dirname(folder)) {
      try {
        const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
          name?: unknown;
          version?: unknown;
        };
        if (manifest.name === "herald" && typeof manifest.version === "string") return manifest.version;
      } catch {
        // no package.json here: look one folder up
      }
    }
  } catch {
    // import.meta.url is empty in a CommonJS build
  }
  return "unknown";
}
