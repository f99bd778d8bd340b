import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `util.parseArgs` with positionals allowed and every parse error turned into a {@link UsageError}. */
export function parseCommandArgs<const TOptions extends Options>(
  args: readonly string[],
  options: TOptions,
): ReturnType<typeof parseArgs<{ args: string[]; options: TOptions; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? shortMessage(error.message) : String(error));
  }
}

// Node's messages end in multi-line hints about `--`; keep the first sentence. "Ambiguous" (a value
// that starts with "-", or a missing value before the next option) gets a one-line fix instead.
function shortMessage(message: string): string {
  const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(message);
  if (!ambiguous) return message.split(". To specify")[0]!;
  const long = /use '(--[^'=]+)=/.exec(message)?.[1] ?? ambiguous[1]!;
  return `Option '${ambiguous[1]}' needs a value: write ${long}=<value> for one that starts with "-"`;
}

/** Reads `--name` as a whole number within bounds. */
export function parseInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return number;
}

/** The one positional argument a command takes, the catalog module; `usage` is shown when it is missing. */
export function catalogArgument(positionals: readonly string[], usage: string): string {
  const [file, ...extra] = positionals;
  if (file === undefined) throw new UsageError(usage);
  if (extra.length > 0) throw new UsageError(`Unexpected argument ${JSON.stringify(extra[0])}`);
  return file;
}
