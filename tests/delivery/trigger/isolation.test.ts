import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
const SPECIFIER =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*\(?\s*["']([^"']+)["']|require\(\s*["']([^"']+)["']\s*\)/gm;

/** Every bare module a file reaches through its relative imports, with the file that imports it. */
function reachablePackages(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3]!;
      if (!specifier.startsWith(".")) {
        if (!packages.has(specifier)) packages.set(specifier, file);
        continue;
      }
      // source imports say ".js" for a ".ts" file
      const target = resolve(dirname(file), specifier);
      const candidates = [target, target.replace(/\.js$/, ".ts"), `${target}.ts`];
      const found = candidates.find((candidate) => existsSync(candidate) && !candidate.endsWith("/"));
      if (found) queue.push(found);
    }
  }
  return packages;
}

const triggerPackages = (packages: Map<string, string>): string[] =>
  [...packages.keys()].filter((name) => name.startsWith("@trigger.dev"));

describe("herald without @trigger.dev", () => {
  it("the main entry's sources never import @trigger.dev (and the scan does see it under herald/trigger)", () => {
    expect(triggerPackages(reachablePackages(resolve(root, "src/index.ts")))).toEqual([]);
    expect(triggerPackages(reachablePackages(resolve(root, "src/testing.ts")))).toEqual([]);
    expect(triggerPackages(reachablePackages(resolve(root, "src/trigger.ts")))).toEqual(["@trigger.dev/sdk"]);
  });

  // the build runs before the unit tests in `npm test`; a checkout without dist skips these two
  it.skipIf(!existsSync(resolve(root, "dist/index.js")))(
    "the built dist/index.js and its chunks never import @trigger.dev",
    () => {
      for (const entry of ["dist/index.js", "dist/index.cjs"]) {
        expect(triggerPackages(reachablePackages(resolve(root, entry))), entry).toEqual([]);
      }
    },
  );

  it.skipIf(!existsSync(resolve(root, "dist/trigger.js")))("the built dist/trigger.js keeps the SDK external", () => {
    for (const entry of ["dist/trigger.js", "dist/trigger.cjs"]) {
      expect(triggerPackages(reachablePackages(resolve(root, entry))), entry).toEqual(["@trigger.dev/sdk"]);
      // bundled SDK code would carry its API paths
      expect(readFileSync(resolve(root, entry), "utf8")).not.toContain("/api/v3/batches");
    }
  });

  it("package.json declares the SDK an optional peer and exports herald/trigger", () => {
    const pkg = JSON.parse(readFileSync(resolve(root, "package.json"), "utf8"));
    expect(pkg.peerDependencies["@trigger.dev/sdk"]).toMatch(/^\^4\./);
    expect(pkg.peerDependenciesMeta["@trigger.dev/sdk"]).toEqual({ optional: true });
    expect(pkg.dependencies?.["@trigger.dev/sdk"]).toBeUndefined();
    expect(pkg.exports["./trigger"].import).toEqual({ types: "./dist/trigger.d.ts", default: "./dist/trigger.js" });
    expect(pkg.exports["./trigger"].require).toEqual({ types: "./dist/trigger.d.cts", default: "./dist/trigger.cjs" });
  });
});
