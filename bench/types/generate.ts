/**
 * Writes benchmark catalogs: N events of mixed zod shapes (nested objects, optional fields, enums,
 * arrays, unions, a shared sub-schema), and the files that type-check them (the floor, herald's
 * sends, and the same payloads annotated directly with `z.input`). Each event has its own field
 * names, so no two schemas share a type and nothing is cached across events.
 */

/** How the catalog reaches herald: a `const` declared first, or the object written inline. */
export type CatalogMode = "registry" | "inline";

/** The event name of event `i`: dotted, valid, spread over 50 services. */
export const eventName = (i: number): string => `svc${i % 50}.event_${i}`;

// one schema and one valid payload literal per shape; `i` makes field names unique per event
const shapes: readonly ((i: number) => readonly [schema: string, payload: string])[] = [
  (i) => [
    `z.object({ id${i}: z.string(), count: z.number().int().nonnegative(), note: z.string().optional() })`,
    `{ id${i}: "a", count: 1 }`,
  ],
  (i) => [
    `z.object({ user${i}: z.object({ id: z.string(), email: z.email(), address }), tags: z.array(z.string()) })`,
    `{ user${i}: { id: "u", email: "a@b.co", address: { street: "s", city: "c" } }, tags: ["x"] }`,
  ],
  (i) => [
    `z.object({ status${i}: z.enum(["active", "paused", "closed"]), value: z.union([z.string(), z.number()]), reason: z.string().nullable() })`,
    `{ status${i}: "active", value: 3, reason: null }`,
  ],
  (i) => [
    `z.object({ order${i}: z.string(), items: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number() })), total: z.number(), shipTo: address.optional() })`,
    `{ order${i}: "o", items: [{ sku: "k", qty: 1, price: 2 }], total: 2 }`,
  ],
  (i) => [
    `z.object({ ref${i}: z.string(), change: z.discriminatedUnion("kind", [z.object({ kind: z.literal("set"), value: z.string() }), z.object({ kind: z.literal("unset") })]) })`,
    `{ ref${i}: "r", change: { kind: "set", value: "v" } }`,
  ],
  (i) => [
    `z.object({ file${i}: z.string(), meta: z.object({ source: z.string(), at: z.coerce.date(), size: z.number().optional() }).optional(), retried: z.boolean().default(false) })`,
    `{ file${i}: "f", meta: { source: "s", at: "2026-01-01" } }`,
  ],
];

/** The schema source and a valid payload literal of event `i`. */
export const eventShape = (i: number): readonly [schema: string, payload: string] => shapes[i % shapes.length]!(i);

const header = `import { z } from "zod";\n\n// shared by several events, as real catalogs share an address or a money type\nexport const address = z.object({ street: z.string(), city: z.string(), zip: z.string().optional() });\n`;

function entries(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`  ${JSON.stringify(eventName(i))}: ${eventShape(i)[0]},`);
  return lines.join("\n");
}

/** `schemas.ts`: the catalog as a `const` registry. The floor compiles this file alone. */
export const schemasFile = (n: number): string => `${header}\nexport const schemas = {\n${entries(n)}\n};\n`;

/** `events.ts`: the catalog through herald, the registry passed by name or written inline. */
export function eventsFile(n: number, mode: CatalogMode): string {
  if (mode === "registry")
    return `import { defineEvents } from "herald";\nimport { schemas } from "./schemas.js";\n\nexport const events = defineEvents(schemas);\n`;
  return `${header}import { defineEvents } from "herald";\n\nexport const events = defineEvents({\n${entries(n)}\n});\n`;
}

// the first k events, which cycle through every shape
const picks = (k: number, n: number): number[] => Array.from({ length: Math.min(k, n) }, (_, i) => i);

/** `main.ts` of the floor: the schemas and one use of `keyof typeof schemas`. */
export const floorMain = (): string =>
  `import { schemas } from "./schemas.js";\n\nexport const name: keyof typeof schemas = ${JSON.stringify(eventName(0))};\n`;

/** `main.ts` with `k` payloads annotated directly: `const p: z.input<typeof schemas["a.b"]> = {...}`. */
export function directMain(k: number, n: number): string {
  const lines = picks(k, n).map(
    (i, j) => `export const p${j}: z.input<(typeof schemas)[${JSON.stringify(eventName(i))}]> = ${eventShape(i)[1]};`,
  );
  return `import type { z } from "zod";\nimport { schemas } from "./schemas.js";\n\nexport const name: keyof typeof schemas = ${JSON.stringify(eventName(0))};\n${lines.join("\n")}\n`;
}

/** `main.ts` with `k` sends through herald, one per event picked. */
export function heraldMain(k: number, n: number): string {
  const lines = picks(k, n).map((i) => `  await sendEvent(${JSON.stringify(eventName(i))}, ${eventShape(i)[1]});`);
  return `import { events } from "./events.js";\n\nconst { sendEvent } = events;\nexport async function main(): Promise<void> {\n${lines.join("\n")}\n}\n`;
}
