/**
 * A TypeScript script run as a real child process (crash tests: worker processes killed with
 * SIGKILL mid-run, then started again).
 *
 * The child is `node --import tsx script`, not the `tsx` CLI: the CLI runs the script in a
 * grandchild, so a SIGKILL of the CLI would leave the script running. Children still running when
 * this process exits are SIGKILLed by an exit hook, so a failed test leaves none behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A running script, with what it printed. */
export interface NodeProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Complete stdout lines printed so far. */
  readonly lines: readonly string[];
  /** Everything printed to stdout and stderr, in arrival order. */
  output(): string;
  /** Resolves with the first stdout line matching `pattern` (printed before or after the call). */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited; its code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node --import tsx <script> ...args` from the repository root.
 *
 * @example
 * const worker = startNodeProcess("tests/fixtures/pg-worker.ts", { env: { DATABASE_URL: url } });
 * await worker.waitForLine(/^ready$/);
 * await worker.kill("SIGKILL");
 */
export function startNodeProcess(
  script: string,
  options: { readonly args?: readonly string[]; readonly env?: NodeJS.ProcessEnv } = {},
): NodeProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  installExitHook();
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let output = "";
  let partial = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    partial += text;
    const complete = partial.split("\n");
    partial = complete.pop()!;
    lines.push(...complete);
    for (const waiter of waiters) waiter();
  });
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      for (const waiter of waiters) waiter();
      resolve({ code, signal });
    });
  });

  return {
    pid: child.pid!,
    child,
    lines,
    output: () => output,
    exited,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const line = lines.find((candidate) => pattern.test(candidate));
          if (line !== undefined) finish(() => resolve(line));
          else if (child.exitCode !== null || child.signalCode !== null)
            finish(() => reject(new Error(`${script} exited before printing ${pattern}:\n${output}`)));
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`${script} printed no line matching ${pattern} in ${timeoutMs} ms:\n${output}`)),
            ),
          timeoutMs,
        );
        const finish = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}
