/** Where a command reads and writes: the process's streams in `herald`, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdin: AsyncIterable<Uint8Array | string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on SIGINT or SIGTERM: long-running commands (`dev`) stop cleanly. */
  readonly signal: AbortSignal;
}

/**
 * Exit codes of every command, as documented in `--help`.
 * 0 done; 1 the endpoint refused the request (4xx); 2 a usage error (bad arguments, unreadable
 * payload or catalog module); 3 unavailable (cannot connect, timed out, 5xx, port in use).
 */
export const EXIT = { ok: 0, rejected: 1, usage: 2, unavailable: 3 } as const;

/** A mistake in how a command was called: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** True when `stream` is a terminal and colour is not switched off (https://no-color.org). */
export function wantsColour(stream: { readonly isTTY?: boolean }, env: CliIo["env"]): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}
