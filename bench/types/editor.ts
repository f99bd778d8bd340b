/**
 * An editor in a box: a TypeScript 5.9 LanguageService over a generated catalog, with the file
 * being edited held in memory. Each request follows an edit, as in an editor, so the checker
 * starts over and the figures include the work the request forces.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { root } from "./compile.js";

/** The cursor in a source text (not `|`, which union types need). */
export const CURSOR = "/*|*/";

/** What one request cost: wall time and the checker's instantiation count after it. */
export interface Sample {
  readonly ms: number;
  readonly instantiations: number;
}

/** A LanguageService whose `main.ts` can be rewritten between requests. */
export interface Editor {
  /** Replaces main.ts ({@link CURSOR} marks the cursor) and returns the cursor's offset. */
  edit(text: string): number;
  readonly service: ts.LanguageService;
  readonly main: string;
  /** Runs `request` after a fresh edit of `text`, timing it and reading the instantiation count. */
  measure<T>(text: string, request: (position: number) => T): Sample & { readonly result: T };
}

/** Creates an editor over `files` (written in memory, in a folder of the repository so zod resolves) with "herald" mapped to `heraldTypes`. */
export function createEditor(files: Readonly<Record<string, string>>, heraldTypes: string): Editor {
  const dir = join(root, ".tmp/editor-virtual");
  const memory = new Map(Object.entries(files).map(([name, text]) => [join(dir, name), { text, version: 0 }]));
  const main = join(dir, "main.ts");
  memory.set(main, { text: "", version: 0 });
  let edits = 0;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2022.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: [],
    paths: { herald: [heraldTypes] },
  };
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => options,
    getScriptFileNames: () => [...memory.keys()],
    getScriptVersion: (file) => String(memory.get(file)?.version ?? 0),
    getScriptSnapshot: (file) => {
      const text = memory.get(file)?.text ?? (ts.sys.fileExists(file) ? readFileSync(file, "utf8") : undefined);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => dir,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (file) => memory.has(file) || ts.sys.fileExists(file),
    readFile: (file) => memory.get(file)?.text ?? ts.sys.readFile(file),
    readDirectory: ts.sys.readDirectory,
    // the in-memory folder exists for module resolution, though not on disk
    directoryExists: (path) => path === dir || ts.sys.directoryExists(path),
    getDirectories: ts.sys.getDirectories,
  };
  const service = ts.createLanguageService(host, ts.createDocumentRegistry());
  const edit = (text: string): number => {
    const position = text.indexOf(CURSOR);
    // a trailing comment makes every edit new text without moving the cursor
    const source = position === -1 ? text : text.slice(0, position) + text.slice(position + CURSOR.length);
    memory.set(main, { text: `${source}\n// edit ${++edits}\n`, version: edits });
    return position;
  };
  return {
    edit,
    service,
    main,
    measure(text, request) {
      const position = edit(text);
      const started = performance.now();
      const result = request(position);
      const ms = performance.now() - started;
      const checker = service.getProgram()!.getTypeChecker() as ts.TypeChecker & { getInstantiationCount(): number };
      return { ms, instantiations: checker.getInstantiationCount(), result };
    },
  };
}

/** The names an editor offers at `position`. */
export const completionNames = (editor: Editor, position: number): string[] =>
  editor.service
    .getCompletionsAtPosition(editor.main, position, { triggerCharacter: '"' })
    ?.entries.map((entry) => entry.name) ?? [];

/** The main file's syntactic and semantic diagnostics, flattened to text. */
export const diagnosticTexts = (editor: Editor): string[] =>
  [...editor.service.getSyntacticDiagnostics(editor.main), ...editor.service.getSemanticDiagnostics(editor.main)].map(
    (d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  );

/** The signature help at `position`, as the editor would print the active parameter list. */
export function signatureText(editor: Editor, position: number): string {
  const help = editor.service.getSignatureHelpItems(editor.main, position, {
    triggerReason: { kind: "characterTyped", triggerCharacter: "," },
  });
  const item = help?.items[help.selectedItemIndex];
  if (!item) return "";
  const parts = (list: ts.SymbolDisplayPart[]) => ts.displayPartsToString(list);
  return (
    parts(item.prefixDisplayParts) +
    item.parameters.map((p) => parts(p.displayParts)).join(parts(item.separatorDisplayParts)) +
    parts(item.suffixDisplayParts)
  );
}
