import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built bin, as users run it: `npm test` builds before the unit tests. */
export const CLI = fileURLToPath(new URL("../../../dist/cli.js", import.meta.url));
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** Fails with a clear message when the bin has not been built. */
export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
}

// the child sees no colour switches or herald settings from the test's own environment
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (key.startsWith("HERALD_") || key === "FORCE_COLOR" || key === "NO_COLOR") delete env[key];
  return { ...env, ...extra };
}

/** A running `herald` process with its output so far. */
export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout; rejects after `ms` or if the process exits first. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
}

/** Starts `node dist/cli.js ...args` in the repository root. */
export function startCli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): CliProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env ?? {}) });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else child.stdin.end();
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitFor(pattern, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = out.match(pattern);
          if (!match) return;
          cleanup();
          resolve(match);
        };
        const onExit = (): void => {
          cleanup();
          reject(new Error(`herald exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`herald did not print ${pattern} within ${ms} ms\nstdout:\n${out}\nstderr:\n${err}`));
        }, ms);
        const cleanup = (): void => {
          clearTimeout(timer);
          child.stdout.off("data", check);
          child.off("close", onExit);
        };
        child.stdout.on("data", check);
        child.on("close", onExit);
        check();
      });
    },
  };
}

/** Runs `herald ...args` to its end. */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const code = await cli.exited();
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}
