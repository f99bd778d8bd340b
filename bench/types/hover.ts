/**
 * What an editor's hover (TypeScript 5.9 quickInfo) prints for `events`, a destructured
 * `sendEvent` and a handler's `ctx`, at N = 3 and 1,000 events: herald's types as built, next to a
 * prototype whose catalog is typed by a name -> { input, output } map instead of the schemas.
 * Prints each hover's length, where the first event's payload appears, and whether zod's internals
 * show. Not run in CI: the design it measures is written up in bench/types/hover-design.md.
 *
 *   npx tsx bench/types/hover.ts
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { emitDeclarations, root } from "./compile.js";
import { createEditor, type Editor } from "./editor.js";
import { eventName, eventsFile, schemasFile } from "./generate.js";

/** zod's internals as a hover would print them. */
export const ZOD_INTERNALS = /Zod[A-Z]?\w*<|\$strip|~standard|_zod/;

/** The hover at the `/*|*\/` marker of `text`, as the editor prints it. */
export function hoverText(editor: Editor, text: string): string {
  const position = editor.edit(text);
  return ts.displayPartsToString(editor.service.getQuickInfoAtPosition(editor.main, position)?.displayParts ?? []);
}

/** The three hover sites, for a catalog `events` imported from `from` (or declared in `prelude`). */
export function hoverSites(name: string, prelude: string): Record<"events" | "sendEvent" | "ctx", string> {
  return {
    events: `${prelude}export const e = /*|*/events;`,
    sendEvent: `${prelude}const { /*|*/sendEvent } = events;\nexport { sendEvent };`,
    ctx: `${prelude}events.on(${JSON.stringify(name)}, (payload, /*|*/ctx) => { void payload; void ctx; });`,
  };
}

// the prototype: the catalog's type argument is each event's input and output, computed per member
// as it is read or printed, so no hover shows a schema
const prototype = `import { schemas } from "./schemas.js";
type In<S> = S extends { _zod: { input: any } } ? S["_zod"]["input"] : unknown;
type Out<S> = S extends { _zod: { output: any } } ? S["_zod"]["output"] : unknown;
interface Ev<I, O> { readonly input: I; readonly output: O }
interface Sender<E> { <K extends keyof E & string>(name: K, payload: E[K] extends Ev<infer I, any> ? I : never): void }
interface Ctx<N, D, E> { readonly name: N; readonly data: D; readonly sendEvent: Sender<E> }
interface Cat<E> { sendEvent: Sender<E>; on<K extends keyof E & string>(name: K, h: (p: E[K] extends Ev<any, infer O> ? O : never, ctx: Ctx<K, E[K] extends Ev<any, infer O> ? O : never, E>) => void): void }
declare function def<S extends object>(s: S): Cat<{ [K in keyof S]: Ev<In<S[K]>, Out<S[K]>> }>;
const events = def(schemas);
`;

if (process.argv[1]?.endsWith("hover.ts")) {
  const out = join(root, ".tmp", `bench-hover-${process.pid}`);
  const types = await emitDeclarations(out);
  for (const n of [3, 1000]) {
    const editor = createEditor({ "schemas.ts": schemasFile(n), "events.ts": eventsFile(n, "registry") }, types);
    const first = eventName(0);
    for (const [label, prelude] of [
      ["herald", `import { events } from "./events.js";\n`],
      ["prototype", prototype],
    ] as const) {
      for (const [site, text] of Object.entries(hoverSites(first, prelude))) {
        const hover = hoverText(editor, text);
        const payloadAt = hover.indexOf("id0: string");
        console.log(
          `\n--- N=${n} ${label} ${site}: ${hover.length} chars, payload at ${payloadAt}, zod internals: ${ZOD_INTERNALS.test(hover)}\n${hover.slice(0, 240)}`,
        );
      }
    }
  }
  rmSync(out, { recursive: true, force: true });
}
