import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { devCommand } from "./dev.js";
import { exportCommand } from "./export.js";
import { MAIN_HELP } from "./help.js";
import { type CliIo, EXIT, UsageError } from "./io.js";
import { sendCommand } from "./send.js";
import { typesCommand } from "./types-command.js";

const COMMANDS: Record<string, (args: readonly string[], io: CliIo) => Promise<number>> = {
  send: sendCommand,
  dev: devCommand,
  export: exportCommand,
  types: typesCommand,
};

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
    io.stderr.write(`herald: unknown command ${JSON.stringify(command)}\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    return await run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`herald ${command}: ${error.message}\nRun \`herald ${command} --help\` for usage.\n`);
      return EXIT.usage;
    }
    io.stderr.write(`herald ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.unavailable;
  }
}

// dist/cli.js and src/cli.ts both sit one folder below package.json
function version(): string {
  try {
    const entry = process.argv[1];
    return (JSON.parse(readFileSync(join(dirname(entry ?? "."), "..", "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
}
