/**
 * Docs that compile: every ```ts block of README.md and docs/*.md is type-checked against the
 * packed package, in a consumer with `"type": "module"` (so top-level await and `.js` imports are
 * checked as a user's ESM project sees them), in one tsc program. Run by `npm run test:package`,
 * after `npm run build`.
 *
 * A block's info string says what it assumes (see tests/docs/README.md):
 * - `prelude=catalog` (or `prelude=catalog,http`): the block may use what tests/docs/preludes/<name>.ts
 *   exports without importing it (the check imports every exported name the block does not declare);
 * - `file=trigger/users.ts`: the block is that file of its page, so other blocks of the page import it;
 * - `nocheck: <reason>`: not checked, and the reason must be given.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PackedConsumer, packConsumer, root, run, tsc } from "../package/packed.js";
import { type CodeBlock, codeBlocks, docFiles } from "./markdown.js";

const preludeDir = join(import.meta.dirname, "preludes");
const checked = new Set(["ts", "typescript"]);

/** A code block's flags: `ts prelude=catalog file=events.ts`, or `ts nocheck: reason`. */
interface Flags {
  readonly language: string;
  readonly preludes: string[];
  readonly file?: string;
  readonly nocheck?: string;
}

function flags(info: string): Flags {
  const [language = "", ...rest] = info.split(/\s+/);
  const text = rest.join(" ");
  const nocheck = /^nocheck:?\s*(.*)$/.exec(text);
  if (nocheck) return { language, preludes: [], nocheck: nocheck[1]!.trim() };
  const result: { language: string; preludes: string[]; file?: string } = { language, preludes: [] };
  for (const word of rest) {
    const [key, value = ""] = word.split("=", 2);
    if (key === "prelude") result.preludes.push(...value.split(","));
    else if (key === "file") result.file = value;
    else throw new Error(`unknown flag "${word}" in \`\`\`${info}`);
  }
  return result;
}

/** The names a module declares at its top level: imports, variables (destructured too), functions, classes, types. */
function declaredNames(source: ts.SourceFile, exportedOnly: boolean): Set<string> {
  const names = new Set<string>();
  const bind = (name: ts.BindingName): void => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  const exported = (node: ts.Node): boolean =>
    !exportedOnly ||
    (ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword));
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !exportedOnly) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings))
        for (const element of bindings.elements) names.add(element.name.text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.exportClause &&
      ts.isNamedExports(statement.exportClause)
    ) {
      if (exportedOnly) for (const element of statement.exportClause.elements) names.add(element.name.text);
    } else if (ts.isVariableStatement(statement) && exported(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isInterfaceDeclaration(statement) ||
        ts.isTypeAliasDeclaration(statement) ||
        ts.isEnumDeclaration(statement)) &&
      statement.name &&
      exported(statement)
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

const parse = (name: string, text: string): ts.SourceFile =>
  ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);

/** One generated file per checked block, with where its lines came from. */
interface Snippet {
  readonly block: CodeBlock;
  readonly path: string; // in the consumer
  readonly offset: number; // lines added above the block's code
  readonly text: string;
}

function snippets(blocks: CodeBlock[]): Snippet[] {
  const preludeExports = new Map<string, Set<string>>();
  const exportsOf = (name: string): Set<string> => {
    if (!preludeExports.has(name)) {
      const text = readFileSync(join(preludeDir, `${name}.ts`), "utf8");
      preludeExports.set(name, declaredNames(parse(name, text), true));
    }
    return preludeExports.get(name)!;
  };
  return blocks.map((block) => {
    const { preludes, file } = flags(block.info);
    const page = block.file.replace(/\.md$/, "").replace("/", "-");
    const path = posix.join(page, file ?? `line-${block.line}.ts`);
    const own = declaredNames(parse(path, block.code), false);
    const depth = path.split("/").length - 1;
    const imports = preludes.map((name) => {
      const names = [...exportsOf(name)].filter((exported) => !own.has(exported));
      return `import { ${names.join(", ")} } from "${"../".repeat(depth)}preludes/${name}.js";`;
    });
    // `export {}` makes every block a module, so its top-level await and names stay its own
    return { block, path, offset: imports.length, text: `${imports.join("\n")}\n${block.code}\nexport {};\n` };
  });
}

let pack: PackedConsumer | undefined;
let blocks: CodeBlock[] = [];

beforeAll(() => {
  blocks = docFiles()
    .flatMap(codeBlocks)
    .filter((block) => checked.has(flags(block.info).language));
  pack = packConsumer("herald-docs-");
  // docs/postgres.md's ORM adapters import the ORMs themselves, and pg's types
  for (const name of ["hono", "@types/node", "@types/pg", "drizzle-orm", "kysely", "knex"]) pack.link(name);
}, 120_000);

afterAll(() => {
  pack?.remove();
});

/** Type-checks `list` in the consumer as one program; returns tsc's errors mapped to the markdown lines. */
function check(list: Snippet[]): string[] {
  const consumer = pack!;
  const preludes = readdirSync(preludeDir).filter((name) => name.endsWith(".ts"));
  consumer.write(
    Object.fromEntries(preludes.map((name) => [`preludes/${name}`, readFileSync(join(preludeDir, name), "utf8")])),
  );
  consumer.write(Object.fromEntries(list.map((snippet) => [snippet.path, snippet.text])));
  consumer.write({
    "tsconfig.json": {
      compilerOptions: {
        strict: true,
        target: "ES2022",
        lib: ["ES2022", "DOM"],
        module: "nodenext",
        moduleResolution: "nodenext",
        types: ["node"],
        skipLibCheck: true,
        noEmit: true,
        // the Next.js route imports its catalog as "@/events", as create-next-app's alias does
        paths: { "@/*": ["./preludes/*.ts"] },
      },
      files: [...preludes.map((name) => `preludes/${name}`), ...list.map((snippet) => snippet.path)],
    },
  });
  try {
    run(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], consumer.dir);
    return [];
  } catch (error) {
    const output = (error as Error).message;
    const errors = [...output.matchAll(/^(\S+?)\((\d+),(\d+)\): (error TS\d+: .*)$/gm)];
    if (errors.length === 0) return [output];
    return errors.map(([, path, line, , message]) => {
      const snippet = list.find((candidate) => candidate.path === path);
      if (!snippet) return `${path}:${line}: ${message}`;
      return `${snippet.block.file}:${snippet.block.line + Number(line) - 1 - snippet.offset}: ${message}`;
    });
  }
}

describe("the docs' TypeScript blocks", () => {
  it("say what they assume: known flags, and a reason for every nocheck", () => {
    expect(blocks.length).toBeGreaterThan(25); // the scan finds the blocks at all
    for (const block of blocks) {
      const { nocheck } = flags(block.info);
      if (nocheck !== undefined) expect(nocheck, `${block.file}:${block.line} nocheck without a reason`).not.toBe("");
    }
  });

  it("type-check against the packed package, in an ESM consumer, in one program (and a broken canary fails it)", () => {
    // a block with a known type error rides along in the same program: the check must report it, at
    // its markdown line, and nothing else, which proves it reads every block without a second tsc run
    const canary: CodeBlock = {
      file: "docs/canary.md",
      info: "ts prelude=catalog",
      code: 'await sendEvent("user.created", { email: "a@b.co" });',
      line: 10,
    };
    const list = snippets([...blocks.filter((block) => flags(block.info).nocheck === undefined), canary]);
    const errors = check(list);
    expect(errors.filter((error) => !error.startsWith("docs/canary.md:"))).toEqual([]);
    expect(errors.join("\n")).toMatch(/^docs\/canary\.md:10: error TS2345: .*userId/);
  }, 120_000);

  it("run: README.md's first example prints its welcome, with tsx in the ESM consumer", () => {
    const first = blocks.find((block) => block.file === "README.md")!;
    expect(first.code).toContain("// events.ts");
    pack!.write({ "readme/events.ts": first.code });
    const tsx = join(pack!.dir, "node_modules/tsx/dist/cli.mjs");
    expect(run(process.execPath, [tsx, "readme/events.ts"], pack!.dir)).toBe("welcome, user@example.com\n");
  }, 60_000);
});
