import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

// The one import scanner of the repository. It reads src/ (and dist/ when built) with the TypeScript
// parser, so side-effect imports, dynamic imports, require and import-equals count as much as
// `import ... from`, while comments and strings never do.

// Imports point down: edges -> catalog -> delivery -> core (style.md, "Layout").
// The entry files (src/*.ts) only re-export and may import any layer.
const LAYERS = ["core", "delivery", "catalog", "edges"] as const;
type Layer = (typeof LAYERS)[number] | "entry";

const ALLOWED: Record<Layer, readonly Layer[]> = {
  core: ["core"],
  delivery: ["core", "delivery"],
  catalog: ["core", "delivery", "catalog"],
  edges: ["core", "delivery", "catalog", "edges"],
  entry: ["core", "delivery", "catalog", "edges", "entry"],
};

// @trigger.dev/sdk is an optional peer dependency: only the trigger subpath may load it
const TRIGGER_OWNERS = ["src/delivery/trigger/", "src/edges/trigger/", "src/trigger.ts"];
// pg and pg-boss likewise: only herald/postgres
const POSTGRES_OWNERS = ["src/delivery/postgres/", "src/postgres.ts"];
const POSTGRES_PACKAGES = new Set(["pg", "pg-boss"]);

// The HTTP edge runs on any Web runtime; its one Node file converts node:http in and out
const HTTP_EDGE = "src/edges/http/";
const HTTP_NODE_ADAPTERS = new Set(["src/edges/http/node.ts"]);
const NODE_GLOBALS = new Set(["process", "Buffer", "require", "global", "__dirname", "__filename"]);
// feature detection, not a dependency: node:crypto's synchronous HMAC through
// globalThis.process.getBuiltinModule where the runtime has it, Web Crypto elsewhere (both tested in
// tests/edges/http/hmac.test.ts); the file may name `process`, and no other Node global
const HTTP_FEATURE_DETECTS = new Map([["src/edges/http/hmac.ts", new Set(["process"])]]);

// A computed specifier cannot be checked; only the CLI loads the user's own catalog file that way
const COMPUTED_IMPORT_OWNERS = new Set(["src/edges/cli/load-catalog.ts"]);
const COMPUTED = "<computed>";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

type ImportKind = "import" | "side-effect" | "export" | "dynamic" | "require" | "type";
interface ImportRef {
  readonly specifier: string;
  readonly line: number;
  readonly kind: ImportKind;
}

function parse(file: string, source: string): ts.SourceFile {
  const kind = /\.[cm]?jsx?$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
}

/** Every module `source` loads or names: static, side-effect, export-from, dynamic, require, `import("x")` types. */
function importsOf(file: string, source: string): ImportRef[] {
  const sf = parse(file, source);
  const refs: ImportRef[] = [];
  const add = (node: ts.Node, argument: ts.Node | undefined, kind: ImportKind) => {
    const specifier = argument && ts.isStringLiteralLike(argument) ? argument.text : COMPUTED;
    refs.push({ specifier, kind, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node, node.moduleSpecifier, node.importClause ? "import" : "side-effect");
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier) add(node, node.moduleSpecifier, "export");
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference))
      add(node, node.moduleReference.expression, "require");
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, "type");
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node, node.arguments[0], "dynamic");
    else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "require")
      add(node, node.arguments[0], "require");
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** Every use of a Node global (`process.env`, `Buffer.from`, `require(...)`, `globalThis.process`) in code. */
function nodeGlobalsOf(file: string, source: string): { name: string; line: number }[] {
  const sf = parse(file, source);
  const found: { name: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    let name: string | undefined;
    if (ts.isIdentifier(node) && NODE_GLOBALS.has(node.text)) {
      const parent = node.parent;
      const used =
        ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) &&
          parent.expression === node) ||
        (ts.isCallExpression(parent) && parent.expression === node) ||
        ts.isTypeOfExpression(parent) ||
        (ts.isTypeReferenceNode(parent) && parent.typeName === node);
      if (used) name = node.text;
    } else if (
      ts.isPropertyAccessExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === "globalThis" &&
      NODE_GLOBALS.has(node.name.text)
    ) {
      name = `globalThis.${node.name.text}`;
    }
    if (name) found.push({ name, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1 });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The layer of a path under src/ (posix, relative to the repository root). */
function layerOf(path: string): Layer {
  const [, top, ...rest] = path.split("/");
  if (rest.length === 0) return "entry";
  if ((LAYERS as readonly string[]).includes(top!)) return top as Layer;
  throw new Error(`${path} is in no layer: src/ holds only ${LAYERS.join(", ")} and the entry files`);
}

const isWebStandard = (file: string) => file.startsWith(HTTP_EDGE) && !HTTP_NODE_ADAPTERS.has(file);

/** The rules the imports of one src/ file break, each as a line naming file, line, specifier and rule. */
function checkImports(file: string, imports: readonly ImportRef[]): string[] {
  const from = layerOf(file);
  const problems: string[] = [];
  for (const { specifier, line, kind } of imports) {
    const at = `${file}:${line} ${kind === "dynamic" ? "dynamically imports" : "imports"} "${specifier}"`;
    if (specifier === COMPUTED) {
      if (!COMPUTED_IMPORT_OWNERS.has(file))
        problems.push(`${at}: a computed specifier escapes this check; name the module literally`);
    } else if (specifier.startsWith(".")) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (!target.startsWith("src/")) continue;
      const to = layerOf(target);
      if (!ALLOWED[from].includes(to))
        problems.push(`${at} (${to}): ${from} may import only ${ALLOWED[from].join(", ")}`);
    } else {
      if (from === "core" && (specifier === "zod" || specifier.startsWith("zod/")))
        problems.push(`${at}: core reads schema["~standard"] and never imports zod`);
      if (
        specifier.startsWith("@trigger.dev/") &&
        !TRIGGER_OWNERS.some((owner) => file === owner || file.startsWith(owner))
      )
        problems.push(`${at}: only ${TRIGGER_OWNERS.join(", ")} may import @trigger.dev/*`);
      if (
        POSTGRES_PACKAGES.has(specifier) &&
        !POSTGRES_OWNERS.some((owner) => file === owner || file.startsWith(owner))
      )
        problems.push(`${at}: only ${POSTGRES_OWNERS.join(", ")} may import ${specifier}`);
      if (isWebStandard(file))
        problems.push(`${at}: the HTTP edge is Web-standard and imports no package or node: module`);
    }
  }
  return problems;
}

/** The rules one src/ file breaks: its imports, and Node globals in the Web-standard HTTP edge. */
function checkFile(file: string, source: string): string[] {
  const problems = checkImports(file, importsOf(file, source));
  if (isWebStandard(file))
    for (const { name, line } of nodeGlobalsOf(file, source))
      if (!HTTP_FEATURE_DETECTS.get(file)?.has(name))
        problems.push(`${file}:${line} uses ${name}: the HTTP edge is Web-standard and touches no Node global`);
  return problems;
}

/**
 * Every bare module reachable from `entry` through relative imports, with the first file that imports it.
 * `importsOfFile` and `resolveFile` are parameters so the walk can be tested on a synthetic graph.
 */
function reachablePackages(
  entry: string,
  importsOfFile: (file: string) => readonly ImportRef[],
  resolveFile: (from: string, specifier: string) => string | undefined,
): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const { specifier } of importsOfFile(file)) {
      if (specifier === COMPUTED) continue;
      if (!specifier.startsWith(".")) {
        if (!packages.has(specifier)) packages.set(specifier, file);
        continue;
      }
      const found = resolveFile(file, specifier);
      if (found) queue.push(found);
    }
  }
  return packages;
}

/** A relative specifier on disk; source imports say ".js" for a ".ts" file. */
function resolveOnDisk(from: string, specifier: string): string | undefined {
  const target = resolve(dirname(from), specifier);
  return [target, target.replace(/\.js$/, ".ts"), `${target}.ts`].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
}

// each file is parsed once, however many walks pass through it
const parsed = new Map<string, ImportRef[]>();
function importsOnDisk(file: string): ImportRef[] {
  let refs = parsed.get(file);
  if (!refs) parsed.set(file, (refs = importsOf(file, readFileSync(file, "utf8"))));
  return refs;
}
const reachableFrom = (path: string) => reachablePackages(resolve(ROOT, path), importsOnDisk, resolveOnDisk);
const triggerPackages = (packages: Map<string, string>): string[] =>
  [...packages.keys()].filter((name) => name.startsWith("@trigger.dev"));
const postgresPackages = (packages: Map<string, string>): string[] =>
  [...packages.keys()].filter((name) => POSTGRES_PACKAGES.has(name)).sort();
const nodeModules = (packages: Map<string, string>): string[] =>
  [...packages].filter(([name]) => name.startsWith("node:")).map(([name, by]) => `${name} (${relative(ROOT, by)})`);

function sourceFiles(): string[] {
  return readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .map((path) => `src/${path.split("\\").join("/")}`)
    .filter((path) => /\.[cm]?[jt]sx?$/.test(path) && !path.endsWith(".d.ts"))
    .sort();
}

describe("imports of src/", () => {
  const files = sourceFiles();

  test("the scan sees the files it guards", () => {
    // a broken scan must not pass by finding nothing
    expect(files).toContain("src/index.ts");
    expect(files).toContain("src/catalog/define-events.ts");
    expect(files).toContain("src/edges/http/handler.ts");
    expect(files).toContain("src/edges/http/auth.ts");
    expect(files.length).toBeGreaterThan(10);
    expect(importsOnDisk(join(ROOT, "src/index.ts")).length).toBeGreaterThan(0);
  });

  test("every import points down the layers, zod stays out of core, @trigger.dev in the trigger subpath, the HTTP edge Web-standard", () => {
    const problems = files.flatMap((file) => checkFile(file, readFileSync(join(ROOT, file), "utf8")));
    expect(problems, `imports that break the rules:\n${problems.join("\n")}`).toEqual([]);
  });

  test("the main and testing entries never reach @trigger.dev; herald/trigger does", () => {
    expect(triggerPackages(reachableFrom("src/index.ts"))).toEqual([]);
    expect(triggerPackages(reachableFrom("src/testing.ts"))).toEqual([]);
    expect(triggerPackages(reachableFrom("src/trigger.ts"))).toEqual(["@trigger.dev/sdk"]);
  });

  test("only herald/postgres reaches pg and pg-boss", () => {
    for (const entry of ["src/index.ts", "src/testing.ts", "src/http.ts", "src/trigger.ts", "src/cloudevents.ts"])
      expect(postgresPackages(reachableFrom(entry)), entry).toEqual([]);
    expect(postgresPackages(reachableFrom("src/postgres.ts"))).toEqual(["pg", "pg-boss"]);
    expect(checkFile("src/catalog/runtime.ts", 'import pg from "pg";')).toHaveLength(1);
    expect(checkFile("src/delivery/postgres/transport.ts", 'import pg from "pg";')).toEqual([]);
  });

  test("the HTTP edge's Web-standard files reach no node: module, even through other layers", () => {
    const web = files.filter(isWebStandard);
    expect(web.length).toBeGreaterThan(3);
    expect(web.flatMap((file) => nodeModules(reachableFrom(file)))).toEqual([]);
    // and the walk does see node: where it is, in the CLI
    expect(nodeModules(reachableFrom("src/edges/cli/main.ts")).length).toBeGreaterThan(0);
  });
});

// the build runs before the unit tests in `npm test`; a checkout without dist skips these two
describe("the build keeps @trigger.dev out of the main entry", () => {
  test.skipIf(!existsSync(resolve(ROOT, "dist/index.js")))(
    "the built dist/index.js and its chunks never import @trigger.dev",
    () => {
      for (const entry of ["dist/index.js", "dist/index.cjs"]) {
        expect(triggerPackages(reachableFrom(entry)), entry).toEqual([]);
      }
    },
  );

  test.skipIf(!existsSync(resolve(ROOT, "dist/trigger.js")))("the built dist/trigger.js keeps the SDK external", () => {
    for (const entry of ["dist/trigger.js", "dist/trigger.cjs"]) {
      expect(triggerPackages(reachableFrom(entry)), entry).toEqual(["@trigger.dev/sdk"]);
      // bundled SDK code would carry its API paths
      expect(readFileSync(resolve(ROOT, entry), "utf8")).not.toContain("/api/v3/batches");
    }
  });

  test("package.json declares the SDK an optional peer and exports herald/trigger", () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
    expect(pkg.peerDependencies["@trigger.dev/sdk"]).toMatch(/^\^4\./);
    expect(pkg.peerDependenciesMeta["@trigger.dev/sdk"]).toEqual({ optional: true });
    expect(pkg.dependencies?.["@trigger.dev/sdk"]).toBeUndefined();
    expect(pkg.exports["./trigger"].import).toEqual({ types: "./dist/trigger.d.ts", default: "./dist/trigger.js" });
    expect(pkg.exports["./trigger"].require).toEqual({ types: "./dist/trigger.d.cts", default: "./dist/trigger.cjs" });
  });

  test("package.json declares pg and pg-boss 10 optional peers and exports herald/postgres", () => {
    const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8"));
    for (const name of POSTGRES_PACKAGES) {
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(pkg.dependencies?.[name]).toBeUndefined();
    }
    // the statements of herald/postgres write pg-boss 10's tables (schema version 24): no other major
    expect(pkg.peerDependencies["pg-boss"]).toMatch(/^>=10\.[\d.]+ <11$/);
    expect(pkg.exports["./postgres"].import).toEqual({ types: "./dist/postgres.d.ts", default: "./dist/postgres.js" });
  });
});

describe("the scanner itself", () => {
  test("reads every form of import, and skips comments and strings", () => {
    const source = [
      '/** import { x } from "./in-a-comment.js" */',
      "const s = \"import { y } from './in-a-string.js'\";",
      'import { a } from "./a.js";',
      'import "./side-effect.js";',
      'export { b } from "./b.js";',
      'export * as c from "./c.js";',
      'const d = await import("./d.js");',
      'const e = require("./e.js");',
      'import f = require("./f.js");',
      'type G = import("./g.js").G;',
      'import type { H } from "./h.js";',
      "const i = await import(name);",
    ].join("\n");
    expect(importsOf("src/core/x.ts", source)).toEqual([
      { specifier: "./a.js", line: 3, kind: "import" },
      { specifier: "./side-effect.js", line: 4, kind: "side-effect" },
      { specifier: "./b.js", line: 5, kind: "export" },
      { specifier: "./c.js", line: 6, kind: "export" },
      { specifier: "./d.js", line: 7, kind: "dynamic" },
      { specifier: "./e.js", line: 8, kind: "require" },
      { specifier: "./f.js", line: 9, kind: "require" },
      { specifier: "./g.js", line: 10, kind: "type" },
      { specifier: "./h.js", line: 11, kind: "import" },
      { specifier: COMPUTED, line: 12, kind: "dynamic" },
    ]);
    expect(importsOf("dist/x.js", 'const t = require("@trigger.dev/sdk");').map((ref) => ref.specifier)).toEqual([
      "@trigger.dev/sdk",
    ]);
  });

  test("flags an import up the layers, however it is written, with file, line and rule", () => {
    const source =
      '/** import { x } from "../edges/http/handler.js" (a comment) */\nimport type { EventCatalog } from "../catalog/types.js";\n';
    expect(checkFile("src/core/names.ts", source)).toEqual([
      'src/core/names.ts:2 imports "../catalog/types.js" (catalog): core may import only core',
    ]);
    expect(
      checkImports("src/delivery/embedded/engine.ts", [
        { specifier: "../../catalog/define-events.js", line: 1, kind: "export" },
      ]),
    ).toHaveLength(1);
    expect(checkFile("src/catalog/types.ts", 'const m = await import("../edges/testing/recorder.js");')).toEqual([
      'src/catalog/types.ts:1 dynamically imports "../edges/testing/recorder.js" (edges): catalog may import only core, delivery, catalog',
    ]);
    expect(checkFile("src/catalog/types.ts", 'import "../edges/testing/recorder.js";')).toHaveLength(1);
    expect(checkFile("src/core/x.ts", 'const m = require("../delivery/transport.js");')).toHaveLength(1);
    expect(checkFile("src/catalog/types.ts", 'import { a } from "../index.js";')).toHaveLength(1);
  });

  test("allows imports down the layers, within a layer, and from the entries", () => {
    expect(
      checkFile(
        "src/catalog/define-events.ts",
        'import "../delivery/embedded/engine.js";\nimport "../core/names.js";\nimport "./types.js";',
      ),
    ).toEqual([]);
    expect(
      checkFile("src/edges/http/handler.ts", 'import "../../catalog/types.js";\nimport "../testing/recorder.js";'),
    ).toEqual([]);
    expect(checkFile("src/index.ts", 'export * from "./edges/testing/recorder.js";')).toEqual([]);
  });

  test("keeps zod out of core and @trigger.dev out of everything but the trigger subpath", () => {
    expect(
      checkFile("src/core/schema.ts", 'import { z } from "zod";\nimport type { $ZodType } from "zod/v4/core";'),
    ).toHaveLength(2);
    expect(checkFile("src/core/schema.ts", 'const z = await import("zod");')).toHaveLength(1);
    expect(checkFile("src/catalog/types.ts", 'import { z } from "zod";')).toEqual([]);
    expect(checkFile("src/catalog/define-events.ts", 'import { tasks } from "@trigger.dev/sdk";')).toHaveLength(1);
    expect(checkFile("src/catalog/define-events.ts", 'import "@trigger.dev/sdk";')).toHaveLength(1);
    expect(checkFile("src/http.ts", 'import { tasks } from "@trigger.dev/sdk";')).toHaveLength(1);
    expect(checkFile("src/delivery/trigger/transport.ts", 'import { tasks } from "@trigger.dev/sdk";')).toEqual([]);
    expect(checkFile("src/edges/trigger/event-task.ts", 'import { schemaTask } from "@trigger.dev/sdk";')).toEqual([]);
    expect(checkFile("src/trigger.ts", 'export { x } from "@trigger.dev/sdk";')).toEqual([]);
  });

  test("keeps packages, node: modules and Node globals out of the HTTP edge, but not out of its Node adapter", () => {
    for (const source of [
      'import { createHash } from "node:crypto";',
      'import "node:buffer";',
      'const { createHash } = await import("node:crypto");',
      'const c = require("crypto");',
      'import { z } from "zod";',
    ])
      expect(checkFile("src/edges/http/handler.ts", source), source).not.toEqual([]);
    for (const source of [
      "const token = process.env.TOKEN;",
      'const b = Buffer.from("x");',
      "const p = globalThis.process;",
      "let b: Buffer;",
    ])
      expect(checkFile("src/edges/http/auth.ts", source), source).toHaveLength(1);
    expect(
      checkFile("src/edges/http/auth.ts", "/** process.env.TOKEN in an @example */\nconst o = { process: 1 };"),
    ).toEqual([]);
    expect(
      checkFile("src/edges/http/node.ts", 'import { createServer } from "node:http";\nprocess.exitCode = 0;'),
    ).toEqual([]);
    expect(checkFile("src/edges/cli/main.ts", 'import { readFile } from "node:fs/promises";')).toEqual([]);
  });

  test("flags a computed specifier outside the CLI's catalog loader", () => {
    expect(checkFile("src/catalog/contract.ts", "const m = await import(path);")).toHaveLength(1);
    expect(checkFile("src/edges/cli/load-catalog.ts", "const m = await import(url);")).toEqual([]);
  });

  test("walks relative imports to every package they reach, cycles included", () => {
    const graph: Record<string, ImportRef[]> = {
      "entry.ts": [
        { specifier: "./a.js", line: 1, kind: "side-effect" },
        { specifier: "zod", line: 2, kind: "import" },
      ],
      "a.ts": [
        { specifier: "./entry.js", line: 1, kind: "import" },
        { specifier: "./b.js", line: 2, kind: "dynamic" },
      ],
      "b.ts": [{ specifier: "node:crypto", line: 1, kind: "require" }],
    };
    const reached = reachablePackages(
      "entry.ts",
      (file) => graph[file] ?? [],
      (_, specifier) => specifier.replace("./", "").replace(/\.js$/, ".ts"),
    );
    expect([...reached]).toEqual([
      ["zod", "entry.ts"],
      ["node:crypto", "b.ts"],
    ]);
    expect(nodeModules(reached)).toHaveLength(1);
    expect(triggerPackages(reached)).toEqual([]);
  });

  test("refuses a folder of src/ that is in no layer", () => {
    expect(() => checkFile("src/utils/x.ts", "")).toThrow(/in no layer/);
  });
});
