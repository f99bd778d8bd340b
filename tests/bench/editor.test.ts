/**
 * What an editor shows for a 1,000-event catalog (bench/types), through TypeScript 5.9's
 * LanguageService: completions list the names, signature help shows the one event's payload,
 * errors stay short and name the one event, and speed is never bought with safety (union, `string`
 * and whole-catalog names are rejected). Latency is reported by `npm run bench:editor`, not here.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitDeclarations, root } from "../../bench/types/compile.js";
import {
  completionNames,
  createEditor,
  diagnosticTexts,
  type Editor,
  signatureText,
} from "../../bench/types/editor.js";
import { eventName, eventShape, eventsFile, schemasFile } from "../../bench/types/generate.js";

const N = 1000;
const out = join(root, ".tmp", `bench-editor-${process.pid}`);
const head = `import type { EventName } from "herald";\nimport { events } from "./events.js";\n`;
const [first, firstPayload] = [JSON.stringify(eventName(0)), eventShape(0)[1]];
let editor: Editor;

beforeAll(async () => {
  editor = createEditor(
    { "schemas.ts": schemasFile(N), "events.ts": eventsFile(N, "registry") },
    await emitDeclarations(out),
  );
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe(`the editor on a ${N.toLocaleString("en")}-event catalog`, () => {
  it('completes every event name at sendEvent("|, with and without a payload written', () => {
    for (const call of [`events.sendEvent("/*|*/")`, `events.sendEvent("/*|*/", ${firstPayload})`]) {
      const names = completionNames(editor, editor.edit(`${head}export const go = () => ${call};`));
      expect(names).toHaveLength(N);
      expect(names).toContain(eventName(N - 1));
    }
  });

  it("completes the payload's properties from that event's schema only", () => {
    const position = editor.edit(`${head}export const go = () => events.sendEvent(${first}, { /*|*/ });`);
    const names = editor.service
      .getCompletionsAtPosition(editor.main, position, {})
      ?.entries.map((entry) => entry.name);
    expect(names?.sort()).toEqual(["count", "id0", "note"]);
  });

  it("shows the event's payload type in signature help", () => {
    const help = signatureText(
      editor,
      editor.edit(`${head}export const go = () => events.sendEvent(${first}, /*|*/);`),
    );
    expect(help).toContain("payload: { id0: string; count: number; note?: string | undefined; }");
  });

  it("lists names, not schemas, for a misspelt name, and compares a wrong payload with its event only", () => {
    editor.edit(
      `${head}export const a = () => events.sendEvent("svc0.event_x", {});\nexport const b = () => events.sendEvent(${first}, { id0: 1, count: 1 });`,
    );
    const [badName, badPayload, ...rest] = diagnosticTexts(editor);
    expect(rest).toEqual([]);
    expect(badName).toContain(`${first} | "svc1.event_1"`);
    expect(badName).toMatch(/\.\.\. \d+ more \.\.\./); // TypeScript elides the rest of the names
    expect(badName!.length).toBeLessThan(1_000);
    expect(badName).not.toMatch(/Zod|id0|~standard/);
    expect(badPayload).toMatch(/'number' is not assignable to type 'string'/);
    expect(badPayload).not.toMatch(/user1|status2|svc1/);
  });

  it("rejects a union name, a string, the whole catalog's keys and a missing payload; accepts a good send", () => {
    editor.edit(`${head}
declare const two: ${first} | "svc1.event_1";
declare const text: string;
declare const every: EventName<typeof events>;
export async function go(): Promise<void> {
  // @ts-expect-error a payload valid for one member of the union only
  await events.sendEvent(two, ${firstPayload});
  // @ts-expect-error a name typed string
  await events.sendEvent(text, ${firstPayload});
  // @ts-expect-error every name at once
  await events.sendEvent(every, ${firstPayload});
  // @ts-expect-error the payload is required
  await events.sendEvent(${first});
  await events.sendEvent(${first}, ${firstPayload}, { delay: "1h" });
}`);
    expect(diagnosticTexts(editor)).toEqual([]);
  });

  it("names the events, not the catalog's type, when a payload is sent with every name at once", () => {
    editor.edit(`${head}
declare const every: EventName<typeof events>;
export const go = () => events.sendEvent(every, ${firstPayload});`);
    const [error, ...rest] = diagnosticTexts(editor);
    expect(rest).toEqual([]);
    expect(error).toContain(`OneEventNameRequired<${first} | "svc1.event_1"`);
    expect(error).not.toMatch(/Zod|EventCatalog|~standard/);
  });
});
