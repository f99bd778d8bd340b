/**
 * Packs herald as npm would publish it, installs the tarball into a throwaway consumer project,
 * then runs and type-checks that consumer. Needs `npm run build` first; run by `npm run test:package`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogModule, cjsScript, cjsUsageModule, esmScript, usageModule } from "./consumer.js";
import { type PackedConsumer, packConsumer, root, run, tsc } from "./packed.js";

let consumer = "";
let pack: PackedConsumer | undefined;
let packed: PackedConsumer["packed"];
let manifest: PackedConsumer["manifest"];

function write(files: Record<string, string | object>): void {
  pack!.write(files);
}

/** Runs tsc in the consumer with `options`; throws with tsc's output unless it is clean. */
function typecheck(project: string, options: Record<string, unknown>, files: string[]): void {
  write({
    [project]: {
      // skipLibCheck: the .d.ts files are checked once, in the node16 run (that costs ~15 s, zod's types mostly)
      compilerOptions: {
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: true,
        target: "ES2022",
        lib: ["ES2022"],
        types: ["node"],
        typeRoots: [join(root, "node_modules/@types")],
        noEmit: true,
        ...options,
      },
      files,
    },
  });
  run(process.execPath, [tsc, "-p", project], consumer);
}

beforeAll(() => {
  pack = packConsumer("herald-pack-");
  ({ dir: consumer, packed, manifest } = pack);
  write({
    "esm.mjs": esmScript,
    "cjs.cjs": cjsScript,
    "catalog.ts": catalogModule,
    "usage.ts": usageModule("./catalog.js"),
    "usage-bundler.ts": usageModule("./catalog"),
    "cjs-usage.cts": cjsUsageModule,
  });
}, 120_000);

afterAll(() => {
  pack?.remove();
});

describe("the packed tarball", () => {
  it("holds the built entries and the README, and no sources or tests", () => {
    const files = packed.files.map((file) => file.path).sort();
    for (const entry of ["index", "testing", "cloudevents"]) {
      for (const ext of [".js", ".cjs", ".d.ts", ".d.cts"]) expect(files).toContain(`dist/${entry}${ext}`);
    }
    expect(files).toContain("README.md");
    expect(
      files.filter((file) => !file.startsWith("dist/") && !["README.md", "package.json", "LICENSE"].includes(file)),
    ).toEqual([]);
  });

  it("imports only Node built-ins and the packages it declares", () => {
    const declared = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]);
    const dist = join(consumer, "node_modules/herald/dist");
    const imported = new Set<string>();
    for (const file of readdirSync(dist)) {
      const text = readFileSync(join(dist, file), "utf8");
      for (const [, specifier] of text.matchAll(/(?:\bfrom|\bimport|\brequire)\s*\(?\s*["']([^"'./][^"']*)["']/g)) {
        const parts = specifier!.split("/");
        imported.add(specifier!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!);
      }
    }
    expect(imported).toContain("@standard-schema/spec"); // the scan sees imports at all
    expect([...imported].filter((name) => !isBuiltin(name) && !declared.has(name))).toEqual([]);
  });
});

describe("a consumer at run time", () => {
  it("imports herald and herald/testing from ESM, sends, and a subscriber runs", () => {
    const out = JSON.parse(run(process.execPath, ["esm.mjs"], consumer));
    expect(out.seen).toEqual([{ email: "a@b.co", attempt: 1 }]);
    expect(out.receipt).toEqual({ name: "user.created", duplicate: false });
    expect(out.recorded).toEqual({ email: "c@d.co", userId: "u2" });
    // the CJS and ESM builds are two copies: classes differ, the Symbol.for brand does not
    expect(out.crossCopy).toEqual({ isHeraldError: true, instanceofEsm: false, code: "VALIDATION_FAILED" });
  });

  it("requires herald and herald/testing from CJS, with a delay on a manual clock", () => {
    const out = JSON.parse(run(process.execPath, ["cjs.cjs"], consumer));
    expect(out.beforeDelay).toBe(0);
    expect(out.seen).toEqual(["f1"]);
    expect(out.invalid).toMatchObject({ herald: true, code: "VALIDATION_FAILED" });
    expect(out.invalid.message).toContain("file.uploaded: fileId");
  });
});

describe("a consumer's type check", () => {
  it("compiles under node16 resolution, ESM and CJS files alike, its .d.ts files included (one @ts-expect-error each)", () => {
    typecheck("tsconfig.node16.json", { module: "node16", moduleResolution: "node16", skipLibCheck: false }, [
      "catalog.ts",
      "usage.ts",
      "cjs-usage.cts",
    ]);
  });

  it("compiles under bundler resolution", () => {
    typecheck("tsconfig.bundler.json", { module: "esnext", moduleResolution: "bundler" }, [
      "catalog.ts",
      "usage-bundler.ts",
    ]);
  });

  it("type-checks herald/http for a Web-only consumer: lib dom, no @types/node, .d.ts files checked", () => {
    // edge runtimes, Deno, Bun: before, herald/http's declarations imported node:http (TS2307 here)
    write({
      "web.ts": [
        'import { createEventHandler, toNodeHandler, type EventRequestHandler } from "herald/http";',
        'import { defineEvents } from "herald";',
        'import { z } from "zod";',
        'const events = defineEvents({ "user.created": z.object({ userId: z.string() }) });',
        'export const POST: EventRequestHandler = createEventHandler(events, { auth: { token: "t" } });',
        "export const listener = toNodeHandler(POST);",
        "",
      ].join("\n"),
    });
    typecheck(
      "tsconfig.web.json",
      {
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["ES2022", "DOM", "DOM.Iterable"],
        types: [],
        skipLibCheck: false,
      },
      ["web.ts"],
    );
  });

  it("emits declarations for a module exporting its inferred catalog (no TS2742)", () => {
    typecheck(
      "tsconfig.emit.json",
      {
        module: "nodenext",
        moduleResolution: "nodenext",
        noEmit: false,
        declaration: true,
        emitDeclarationOnly: true,
        outDir: "out",
      },
      ["catalog.ts"],
    );
    const declared = readFileSync(join(consumer, "out/catalog.d.ts"), "utf8");
    expect(declared).toContain('import("herald").EventCatalog<');
  });

  it("rejects what a consumer must not write", () => {
    write({
      "wrong.ts": `import { sendEvent } from "./catalog.js";\nvoid sendEvent("user.created", { email: "a@b.co" });\n`,
    });
    expect(() =>
      typecheck("tsconfig.wrong.json", { module: "node16", moduleResolution: "node16" }, ["catalog.ts", "wrong.ts"]),
    ).toThrow(/TS2345[\s\S]*userId/);
  });
});
