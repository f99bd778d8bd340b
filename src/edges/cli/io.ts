import { HeraldError } from "../../core/errors.js";

/** Where a command reads and writes: the process's streams in `herald`, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: AsyncIterable<Uint8Array | string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Aborted on SIGINT or SIGTERM, with the signal's name (`"SIGINT"`, `"SIGTERM"`) as its reason:
   * `dev` stops cleanly (exit 0); `send` and `export` stop at once (exit 130 or 143).
   */
  readonly signal: AbortSignal;
}

/**
 * Exit codes of every command, as documented in `--help`.
 * 0 done; 1 the endpoint refused the request (4xx) or did not answer as herald does; 2 a usage
 * error (bad arguments, unreadable payload or catalog module); 3 unavailable (cannot connect, timed
 * out, 5xx, port in use); 130 and 143 stopped by SIGINT and SIGTERM (128 + the signal's number, as
 * shells report it).
 */
export const EXIT = { ok: 0, rejected: 1, usage: 2, unavailable: 3, interrupted: 130, terminated: 143 } as const;

/** The exit code for a command stopped by `signal` (aborted with `"SIGTERM"`: 143, else 130). */
export function interruptedExit(signal: AbortSignal): number {
  return signal.reason === "SIGTERM" ? EXIT.terminated : EXIT.interrupted;
}

/**
 * A mistake in how a command was called (bad arguments, an unreadable payload or catalog module):
 * printed with a pointer to `--help`, exit code 2. Code `INVALID_USAGE`.
 */
export class UsageError extends HeraldError {
  constructor(message: string) {
    super("INVALID_USAGE", message);
    this.name = "UsageError";
  }
}

/** True when `stream` is a terminal and colour is not switched off (https://no-color.org). */
export function wantsColour(stream: { readonly isTTY?: boolean }, env: CliIo["env"]): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}
