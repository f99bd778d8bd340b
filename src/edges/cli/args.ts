import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `util.parseArgs` with positionals allowed and every parse error turned into a {@link UsageError}. */
export function parseCommandArgs<const TOptions extends Options>(args: readonly string[], options: TOptions): ReturnType<typeof parseArgs<{ args: string[]; options: TOptions; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message.split(". To specify")[0]! : String(error));
  }
}

/** Reads `--name` as a whole number within bounds. */
export function parseInteger(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return number;
}

/** The one positional argument a command takes, the catalog module; `usage` is shown when it is missing. */
export function catalogArgument(positionals: readonly string[], usage: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError(usage);
  if (extra.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}`);
  return file;
}
