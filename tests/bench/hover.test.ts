/**
 * What an editor's hover (TypeScript 5.9 LanguageService quickInfo) shows for `events`, a
 * destructured `sendEvent` and a handler's `ctx`, on a 3-event catalog and the 1,000-event
 * generated one (bench/types): the event's name and payload within the first 200 characters, and
 * none of zod's internals. `npx tsx bench/types/hover.ts` prints the hovers in full.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitDeclarations, root } from "../../bench/types/compile.js";
import { createEditor, type Editor } from "../../bench/types/editor.js";
import { hoverSites, hoverText, ZOD_INTERNALS } from "../../bench/types/hover.js";
import { eventName, eventsFile, schemasFile } from "../../bench/types/generate.js";

const out = join(root, ".tmp", `bench-hover-${process.pid}`);
const WINDOW = 200;
const first = eventName(0);
// the first generated event's payload, as TypeScript prints it
const payload = /id0: string;\s+count: number;\s+note\?: string \| undefined;/;
const editors = new Map<number, Editor>();

beforeAll(async () => {
  const types = await emitDeclarations(out);
  for (const n of [3, 1000])
    editors.set(n, createEditor({ "schemas.ts": schemasFile(n), "events.ts": eventsFile(n, "registry") }, types));
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.each([3, 1000])("hovers on a %i-event catalog", (n) => {
  const sites = hoverSites(first, `import { events } from "./events.js";\n`);

  it("a destructured sendEvent shows the payloads by event name, no schemas", () => {
    const text = hoverText(editors.get(n)!, sites.sendEvent);
    const start = text.slice(0, WINDOW);
    expect(start).toMatch(/^const sendEvent: SendEvent</);
    expect(start).toContain(`"${first}"`);
    expect(start).toMatch(payload);
    expect(text).not.toMatch(ZOD_INTERNALS);
  });

  it("a handler's ctx shows its event's name and payload first, no schemas", () => {
    const text = hoverText(editors.get(n)!, sites.ctx);
    const start = text.slice(0, WINDOW);
    expect(start).toMatch(new RegExp(`^\\(parameter\\) ctx: HandlerContext<"${first.replace(".", "\\.")}", \\{`));
    expect(start).toMatch(payload);
    expect(text).not.toMatch(ZOD_INTERNALS);
  });

  it("events shows the payloads by event name, no schemas", () => {
    const text = hoverText(editors.get(n)!, sites.events);
    const start = text.slice(0, WINDOW);
    expect(start).toMatch(/^\(alias\) const events: EventCatalog</);
    expect(start).toContain(`"${first}"`);
    expect(start).toMatch(payload);
    expect(text).not.toMatch(ZOD_INTERNALS);
  });
});
