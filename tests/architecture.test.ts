import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, test } from "vitest";

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

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The layer of a path under src/ (posix, relative to the repository root). */
function layerOf(path: string): Layer {
  const [, top, ...rest] = path.split("/");
  if (rest.length === 0) return "entry";
  if ((LAYERS as readonly string[]).includes(top!)) return top as Layer;
  throw new Error(`${path} is in no layer: src/ holds only ${LAYERS.join(", ")} and the entry files`);
}

/** Every import, export-from, dynamic import and require of `source`; comments and strings are skipped. */
function importsOf(source: string): { specifier: string; line: number }[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((ref) => ({
    specifier: ref.fileName,
    line: source.slice(0, ref.pos).split("\n").length,
  }));
}

/** The rules one import of `file` breaks, each as a line naming file, line, specifier and rule. */
function checkFile(file: string, source: string): string[] {
  const from = layerOf(file);
  const problems: string[] = [];
  for (const { specifier, line } of importsOf(source)) {
    const at = `${file}:${line} imports "${specifier}"`;
    if (specifier.startsWith(".")) {
      const target = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (!target.startsWith("src/")) continue;
      const to = layerOf(target);
      if (!ALLOWED[from].includes(to))
        problems.push(`${at} (${to}): ${from} may import only ${ALLOWED[from].join(", ")}`);
    } else if (from === "core" && (specifier === "zod" || specifier.startsWith("zod/"))) {
      problems.push(`${at}: core reads schema["~standard"] and never imports zod`);
    } else if (
      specifier.startsWith("@trigger.dev/") &&
      !TRIGGER_OWNERS.some((owner) => file === owner || file.startsWith(owner))
    ) {
      problems.push(`${at}: only ${TRIGGER_OWNERS.join(", ")} may import @trigger.dev/*`);
    }
  }
  return problems;
}

function sourceFiles(): string[] {
  return readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .map((path) => `src/${path.split("\\").join("/")}`)
    .filter((path) => /\.[cm]?[jt]sx?$/.test(path) && !path.endsWith(".d.ts"))
    .sort();
}

describe("layering of src/", () => {
  test("every import points down the layers", () => {
    const files = sourceFiles();
    // a broken scan must not pass by finding nothing
    expect(files).toContain("src/index.ts");
    expect(files).toContain("src/catalog/define-events.ts");
    expect(files.length).toBeGreaterThan(10);
    const problems = files.flatMap((file) => checkFile(file, readFileSync(join(ROOT, file), "utf8")));
    expect(problems, `imports that break the layering:\n${problems.join("\n")}`).toEqual([]);
  });
});

describe("the checker itself", () => {
  test("flags an import up the layers, with file, line and rule", () => {
    const source =
      '/** import { x } from "../edges/http/handler.js" (a comment) */\nimport type { EventCatalog } from "../catalog/types.js";\n';
    expect(checkFile("src/core/names.ts", source)).toEqual([
      'src/core/names.ts:2 imports "../catalog/types.js" (catalog): core may import only core',
    ]);
    expect(
      checkFile("src/delivery/embedded/engine.ts", 'export { x } from "../../catalog/define-events.js";'),
    ).toHaveLength(1);
    expect(checkFile("src/catalog/types.ts", 'const m = await import("../edges/testing/recorder.js");')).toHaveLength(
      1,
    );
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
    expect(checkFile("src/catalog/types.ts", 'import { z } from "zod";')).toEqual([]);
    expect(checkFile("src/catalog/define-events.ts", 'import { tasks } from "@trigger.dev/sdk";')).toHaveLength(1);
    expect(checkFile("src/http.ts", 'import { tasks } from "@trigger.dev/sdk";')).toHaveLength(1);
    expect(checkFile("src/delivery/trigger/transport.ts", 'import { tasks } from "@trigger.dev/sdk";')).toEqual([]);
    expect(checkFile("src/edges/trigger/event-task.ts", 'import { schemaTask } from "@trigger.dev/sdk";')).toEqual([]);
    expect(checkFile("src/trigger.ts", 'export { x } from "@trigger.dev/sdk";')).toEqual([]);
  });

  test("refuses a folder of src/ that is in no layer", () => {
    expect(() => checkFile("src/utils/x.ts", "")).toThrow(/in no layer/);
  });
});
