/**
 * The projects one benchmark run type-checks for a catalog of N events: the floor (the schemas
 * alone), payloads annotated directly with `z.input` (the per-send baseline), and herald with the
 * catalog as a registry or inline, each with K sends.
 */
import { type CatalogMode, directMain, eventsFile, floorMain, heraldMain, schemasFile } from "./generate.js";

/** One project: its label and its files. */
export interface Variant {
  readonly label: string;
  readonly files: Readonly<Record<string, string>>;
}

/** Sends per project: one, and enough to read the cost of each further send. */
export const SEND_COUNTS = [1, 50] as const;

/** The floor: the schemas and a `keyof typeof schemas` use. */
export const floorVariant = (n: number): Variant => ({
  label: "floor",
  files: { "schemas.ts": schemasFile(n), "main.ts": floorMain() },
});

/** `k` payloads typed directly against `z.input` of their schema: what typing a payload costs without herald. */
export const directVariant = (n: number, k: number): Variant => ({
  label: `direct z.input, K=${k}`,
  files: { "schemas.ts": schemasFile(n), "main.ts": directMain(k, n) },
});

/** herald: `defineEvents` over the catalog (a registry or inline) and `k` sends. */
export function heraldVariant(n: number, k: number, mode: CatalogMode): Variant {
  const files: Record<string, string> = { "events.ts": eventsFile(n, mode), "main.ts": heraldMain(k, n) };
  if (mode === "registry") files["schemas.ts"] = schemasFile(n);
  return { label: `herald ${mode}, K=${k}`, files };
}

/** Every project of one run, floor first. */
export function allVariants(n: number, modes: readonly CatalogMode[]): Variant[] {
  return [
    floorVariant(n),
    ...SEND_COUNTS.map((k) => directVariant(n, k)),
    ...modes.flatMap((mode) => SEND_COUNTS.map((k) => heraldVariant(n, k, mode))),
  ];
}
