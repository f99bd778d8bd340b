/**
 * The type-level budget, on the deterministic figure: tsc 5.9's instantiation count for a
 * 1,000-event catalog (bench/types), herald next to the floor (the schemas alone) and next to
 * payloads typed directly with `z.input`, compiled in the same run. A change that blows up
 * herald's types fails here. `npm run bench:types` prints the full report.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, type Diagnostics, emitDeclarations, root, writeProject } from "../../bench/types/compile.js";
import { directVariant, floorVariant, heraldVariant, type Variant } from "../../bench/types/variants.js";

const N = 1000;
// 50 sends measured 2026-11-26 at 64.6k (floor 40.4k); the ceiling leaves room for honest growth
const CEILING = 100_000;
const work = join(root, ".tmp", `bench-budget-${process.pid}`);
const figures = new Map<string, Diagnostics>();

// two at a time: CI has two cores
async function checkAll(variants: readonly Variant[], heraldTypes: string): Promise<void> {
  const queue = [...variants.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, variant] = next;
      writeProject(join(work, String(i)), variant.files, heraldTypes);
      figures.set(variant.label, await check(join(work, String(i))));
    }
  };
  await Promise.all([worker(), worker()]);
}

const inst = (label: string): number => {
  const found = figures.get(label);
  if (!found) throw new Error(`no figures for ${label}`);
  return found.instantiations;
};

beforeAll(async () => {
  const heraldTypes = await emitDeclarations(join(work, "herald"));
  await checkAll(
    [
      floorVariant(N),
      directVariant(N, 1),
      directVariant(N, 50),
      heraldVariant(N, 1, "registry"),
      heraldVariant(N, 50, "registry"),
      heraldVariant(N, 1, "inline"),
    ],
    heraldTypes,
  );
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe(`instantiations of a ${N.toLocaleString("en")}-event catalog (TypeScript 5.9)`, () => {
  it("the catalog and one send stay within 2x the floor", () => {
    const floor = inst("floor");
    expect(floor).toBeGreaterThan(10_000); // the schemas were really checked
    expect(inst("herald registry, K=1") / floor).toBeLessThanOrEqual(2);
    // schemas written inside defineEvents({...}): measured 1.51x
    expect(inst("herald inline, K=1") / floor).toBeLessThanOrEqual(2);
  });

  it("each further send costs at most 1.2x typing its payload directly with z.input", () => {
    const herald = (inst("herald registry, K=50") - inst("herald registry, K=1")) / 49;
    const direct = (inst("direct z.input, K=50") - inst("direct z.input, K=1")) / 49;
    expect(direct).toBeGreaterThan(50); // the payloads were really checked
    expect(herald / direct).toBeLessThanOrEqual(1.2);
  });

  it(`50 sends stay under the absolute ceiling of ${CEILING.toLocaleString("en")}`, () => {
    expect(inst("herald registry, K=50")).toBeLessThanOrEqual(CEILING);
  });
});
