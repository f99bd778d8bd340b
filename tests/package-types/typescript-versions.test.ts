/**
 * The published declarations in a consumer project under each TypeScript a user may run: 5.9 (the
 * package `typescript`), 6.0 and 7.0 (native), both installed as npm aliases. herald is packed as
 * npm would publish it and unpacked into the consumer; its declarations are checked too
 * (skipLibCheck off). The consumer files are the package test's (tests/package/consumer.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compilers, root } from "../../bench/types/compile.js";
import { catalogModule, cjsUsageModule, usageModule } from "../package/consumer.js";

let work = "";
let consumer = "";

function run(args: readonly string[], cwd: string): string {
  try {
    return execFileSync(args[0]!, args.slice(1), {
      cwd,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${args.join(" ")} failed:\n${stdout}\n${stderr}`);
  }
}

beforeAll(() => {
  if (!existsSync(join(root, "dist/index.d.ts"))) throw new Error("dist/ is missing: run `npm run build` first");
  work = mkdtempSync(join(tmpdir(), "herald-types-"));
  const [packed] = JSON.parse(run(["npm", "pack", "--json", "--pack-destination", work], root)) as {
    filename: string;
  }[];
  consumer = join(work, "consumer");
  const target = join(consumer, "node_modules/herald");
  mkdirSync(target, { recursive: true });
  run(["tar", "-xzf", join(work, packed!.filename), "-C", target, "--strip-components=1"], consumer);
  // the packages herald declares, linked from this repository: nothing else is reachable
  const manifest = JSON.parse(readFileSync(join(target, "package.json"), "utf8")) as Record<
    string,
    Record<string, string> | undefined
  >;
  for (const name of [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    "@types/node",
  ]) {
    if (!existsSync(join(root, "node_modules", name))) continue;
    mkdirSync(dirname(join(consumer, "node_modules", name)), { recursive: true });
    symlinkSync(join(root, "node_modules", name), join(consumer, "node_modules", name), "dir");
  }
  const files = {
    "package.json": JSON.stringify({ name: "consumer", private: true, type: "module" }),
    "catalog.ts": catalogModule,
    "usage.ts": usageModule("./catalog.js"),
    "usage-bundler.ts": usageModule("./catalog"),
    "cjs-usage.cts": cjsUsageModule,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(consumer, name), text);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const base = {
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  target: "ES2022",
  lib: ["ES2022"],
  types: ["node"],
  noEmit: true,
};
const projects = {
  nodenext: {
    compilerOptions: { ...base, module: "nodenext", moduleResolution: "nodenext" },
    files: ["catalog.ts", "usage.ts", "cjs-usage.cts"],
  },
  bundler: {
    compilerOptions: { ...base, module: "esnext", moduleResolution: "bundler" },
    files: ["catalog.ts", "usage-bundler.ts"],
  },
};

describe.each(Object.keys(compilers) as (keyof typeof compilers)[])("a consumer on TypeScript %s", (version) => {
  it.each(Object.keys(projects) as (keyof typeof projects)[])(
    "type-checks herald's .d.ts and its uses under %s resolution (one @ts-expect-error each)",
    (resolution) => {
      const project = `tsconfig.${version}.${resolution}.json`;
      writeFileSync(join(consumer, project), JSON.stringify(projects[resolution]));
      expect(run([process.execPath, compilers[version], "-v"], consumer)).toContain(`Version ${version}.`);
      // tsc exits non-zero on any error, an unused @ts-expect-error included
      run([process.execPath, compilers[version], "-p", project], consumer);
    },
  );
});
