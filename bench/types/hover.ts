/**
 * What an editor's hover (TypeScript 5.9 quickInfo) prints for `events`, a destructured
 * `sendEvent` and a handler's `ctx`, at N = 3 and 1,000 events, with herald's types as built.
 * Prints each hover's length, where the first event's payload appears, and whether zod's internals
 * show. tests/bench/hover.test.ts asserts the same in CI; bench/types/hover-design.md has the
 * figures and the design.
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

if (process.argv[1]?.endsWith("hover.ts")) {
  const out = join(root, ".tmp", `bench-hover-${process.pid}`);
  const types = await emitDeclarations(out);
  for (const n of [3, 1000]) {
    const editor = createEditor({ "schemas.ts": schemasFile(n), "events.ts": eventsFile(n, "registry") }, types);
    const first = eventName(0);
    for (const [site, text] of Object.entries(hoverSites(first, `import { events } from "./events.js";\n`))) {
      const hover = hoverText(editor, text);
      const payloadAt = hover.indexOf("id0: string");
      console.log(
        `\n--- N=${n} ${site}: ${hover.length} chars, payload at ${payloadAt}, zod internals: ${ZOD_INTERNALS.test(hover)}\n${hover.slice(0, 240)}`,
      );
    }
  }
  rmSync(out, { recursive: true, force: true });
}
