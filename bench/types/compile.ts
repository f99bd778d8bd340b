/**
 * Lays out generated projects and type-checks them with `tsc --extendedDiagnostics`, under the
 * installed TypeScript 5.9 or the aliased 6.0 / 7.0 (native). herald is read as a consumer reads it:
 * declarations emitted from src/ (so the figures follow the source, with no build step), mapped to
 * the bare specifier "herald".
 */
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The repository root. */
export const root = resolve(import.meta.dirname, "../..");

/** The compilers a run can use: the package `typescript` is 5.9; the others are npm aliases. */
export const compilers = {
  "5.9": join(root, "node_modules/typescript/bin/tsc"),
  "6.0": join(root, "node_modules/typescript-6/bin/tsc"),
  "7.0": join(root, "node_modules/typescript-7/bin/tsc"),
} as const;
export type CompilerVersion = keyof typeof compilers;

/** What `--extendedDiagnostics` reports, as numbers (times in seconds, memory in kB). */
export interface Diagnostics {
  readonly instantiations: number;
  readonly types: number;
  readonly checkTime: number;
  readonly totalTime: number;
  readonly memory: number;
}

// the consumer's settings: strict as herald's own, libraries not re-checked
const consumerOptions = {
  target: "ES2022",
  lib: ["ES2022"],
  module: "nodenext",
  moduleResolution: "nodenext",
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

/**
 * Emits herald's declarations from `src/index.ts` (or another source tree's, such as an older
 * commit's `git archive <commit> src` extracted inside the repository) into `outDir` with
 * TypeScript 5.9; returns the entry .d.ts.
 */
export async function emitDeclarations(outDir: string, src = join(root, "src")): Promise<string> {
  await run(
    process.execPath,
    [
      compilers["5.9"],
      join(src, "index.ts"),
      "--declaration",
      "--emitDeclarationOnly",
      "--outDir",
      outDir,
      "--rootDir",
      src,
      "--target",
      "ES2022",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--strict",
      "--exactOptionalPropertyTypes",
      "--skipLibCheck",
      "--types",
      "node",
    ],
    { cwd: root, maxBuffer: 16 << 20 },
  );
  return join(outDir, "index.d.ts");
}

/**
 * Writes a project: `files` plus a tsconfig that maps "herald" to `heraldTypes`. `dir` must be
 * inside the repository, so zod resolves from its node_modules.
 */
export function writeProject(dir: string, files: Readonly<Record<string, string>>, heraldTypes: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const herald = relative(dir, heraldTypes).replaceAll("\\", "/");
  const tsconfig = {
    compilerOptions: { ...consumerOptions, paths: { herald: [herald.startsWith(".") ? herald : `./${herald}`] } },
    files: Object.keys(files),
  };
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
}

const field = (output: string, label: string): number | undefined => {
  const match = new RegExp(`^${label}:\\s+([\\d.]+)(K|s)?`, "m").exec(output);
  return match ? Number(match[1]) : undefined;
};

/** Reads the figures from `--extendedDiagnostics` output (TypeScript 5.9 and 7 label them alike). */
export function parseDiagnostics(output: string): Diagnostics {
  const instantiations = field(output, "Instantiations");
  const types = field(output, "Types");
  if (instantiations === undefined || types === undefined)
    throw new Error(`no --extendedDiagnostics figures in:\n${output}`);
  return {
    instantiations,
    types,
    checkTime: field(output, "Check time") ?? Number.NaN,
    totalTime: field(output, "Total time") ?? Number.NaN,
    memory: field(output, "Memory used") ?? Number.NaN,
  };
}

/** Type-checks the project in `dir`; throws with tsc's output if it reports an error. */
export async function check(dir: string, compiler: CompilerVersion = "5.9"): Promise<Diagnostics> {
  try {
    const { stdout } = await run(process.execPath, [compilers[compiler], "-p", dir, "--extendedDiagnostics"], {
      cwd: dir,
      maxBuffer: 16 << 20,
    });
    return parseDiagnostics(stdout);
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc ${compiler} failed in ${dir}:\n${stdout.split("\n").slice(0, 40).join("\n")}\n${stderr}`);
  }
}
