/**
 * Packs herald as npm would publish it and installs the tarball into a throwaway consumer project.
 * Shared by the package test (tests/package/pack.test.ts) and the docs test (tests/docs/snippets.test.ts).
 * Needs `npm run build` first.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

/** The repository's root. */
export const root = resolve(import.meta.dirname, "../..");

/** The repository's own tsc, for type-checking a consumer. */
export const tsc = join(root, "node_modules/typescript/bin/tsc");

/** Runs a command; throws with its output when it exits non-zero. */
export function run(command: string, args: readonly string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`);
  }
}

/** A consumer project with the packed herald installed in its node_modules. */
export interface PackedConsumer {
  /** The consumer's directory. */
  readonly dir: string;
  /** What `npm pack --json` reported. */
  readonly packed: { files: { path: string }[]; filename: string };
  /** The installed package.json of herald. */
  readonly manifest: { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  /** Writes files into the consumer (objects as JSON), creating folders as needed. */
  write(files: Record<string, string | object>): void;
  /** Links a package of this repo's node_modules into the consumer's (a devDependency the consumer uses). */
  link(name: string): void;
  /** Deletes the pack and the consumer. */
  remove(): void;
}

/**
 * Lays the tarball out as npm would, without the network (`npm install --offline` needs
 * packuments that `npm ci` never caches): herald unpacked into node_modules/herald, and each
 * package it declares (dependencies, and peers such as zod) linked from this repo's node_modules.
 * Nothing else is reachable from the consumer unless linked, so an undeclared import fails there.
 */
export function packConsumer(prefix: string): PackedConsumer {
  if (!existsSync(join(root, "dist/index.js")))
    throw new Error("dist/ is missing: run `npm run build` before the package test");
  const work = mkdtempSync(join(tmpdir(), prefix));
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], root));
  const dir = join(work, "consumer");
  mkdirSync(dir);
  const write = (files: Record<string, string | object>): void => {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content, null, 2));
    }
  };
  const link = (name: string): void => {
    const source = join(root, "node_modules", name);
    const target = join(dir, "node_modules", name);
    if (!existsSync(source) || existsSync(target)) return; // an optional peer this repo does not install
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(source, target, "dir");
  };
  write({ "package.json": { name: "consumer", private: true, type: "module" } });
  const target = join(dir, "node_modules/herald");
  mkdirSync(target, { recursive: true });
  run("tar", ["-xzf", join(work, packed.filename), "-C", target, "--strip-components=1"], dir);
  const manifest = JSON.parse(readFileSync(join(target, "package.json"), "utf8"));
  for (const name of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})])
    link(name);
  return { dir, packed, manifest, write, link, remove: () => rmSync(work, { recursive: true, force: true }) };
}
