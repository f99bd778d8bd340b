/**
 * The exported JSON Schema against herald's own validation. Each event's schema
 * (`toJSONSchema()`, io input, draft 2020-12) is compiled by ajv 8 (`ajv/dist/2020`) with
 * ajv-formats 3, then a seeded, bounded fast-check sample of JSON values (as they arrive on the
 * wire: JSON-parsed) goes through both ajv and `events.parse`. Where they disagree, the difference
 * must be one that docs/contract-differences.md lists, for that event and in that direction; any
 * other disagreement fails the test. Each documented difference also has a witness value, checked
 * to still disagree, so the list cannot go stale.
 * Seed: HERALD_FUZZ_SEED (printed), runs per event: HERALD_FUZZ_RUNS (default 3,000).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { isHeraldError } from "../../src/index.js";
import { events } from "./fixtures/contract-catalog.js";

type Name = (typeof events.names)[number];
/** `schema-only`: the exported schema accepts a value herald refuses. `herald-only`: the reverse. */
type Direction = "schema-only" | "herald-only";

const seed = Number(process.env.HERALD_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const runs = Number(process.env.HERALD_FUZZ_RUNS ?? 3_000);
console.log(`json-schema differential: seed ${seed} (HERALD_FUZZ_SEED=${seed} to replay), ${runs} values per event`);

/**
 * The differences docs/contract-differences.md lists: its heading id, the event each shows on, the
 * direction(s) it may take, and a witness value on which ajv and herald disagree today.
 */
const DOCUMENTED: Partial<Record<Name, { id: string; directions: Direction[]; witness: unknown }>> = {
  "number.float_step": { id: "float-multipleof", directions: ["herald-only"], witness: { price: 0.3 } },
  "format.email": { id: "format-email", directions: ["herald-only"], witness: { email: "a@b-.cd" } },
  "format.url": { id: "format-url", directions: ["herald-only", "schema-only"], witness: { url: "http://" } },
  "coerce.number": { id: "coerce", directions: ["herald-only"], witness: { n: "12" } },
  "pipe.trimmed": { id: "pipe-output", directions: ["schema-only"], witness: { name: " a " } },
};

const json = fc.jsonValue({ maxDepth: 2 });
/** Mostly the field's interesting values, sometimes any JSON value; keys may be left out. */
function object(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const mixed = Object.fromEntries(
    Object.entries(fields).map(([key, arbitrary]) => [
      key,
      fc.oneof({ weight: 40, arbitrary }, { weight: 1, arbitrary: json }),
    ]),
  );
  return fc.oneof({ weight: 30, arbitrary: fc.record(mixed, { requiredKeys: [] }) }, { weight: 1, arbitrary: json });
}
const text = (maxLength: number): fc.Arbitrary<string> => fc.string({ maxLength });
const number = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double({ min: -20, max: 20 }), fc.double());

const VALUES: Record<Name, fc.Arbitrary<unknown>> = {
  "shape.fields": object({
    id: text(14),
    note: text(6),
    parent: fc.option(text(6), { nil: null }),
    plan: fc.constantFrom("free", "pro", "team", ""),
    tags: fc.array(text(10), { maxLength: 4 }),
    address: fc.record({ city: text(6), zip: fc.oneof(fc.stringMatching(/^\d{5}$/), text(6)) }, { requiredKeys: [] }),
    active: fc.oneof(fc.boolean(), fc.constantFrom("true", 1)),
  }),
  "shape.unions": object({
    target: fc.record(
      {
        kind: fc.constantFrom("user", "team", "other"),
        userId: text(4),
        teamId: number,
        size: fc.integer({ min: -2, max: 3 }),
      },
      { requiredKeys: [] },
    ),
    value: fc.oneof(text(7), fc.integer({ min: -3, max: 10 }), fc.constant(null), number),
  }),
  "shape.collections": object({
    counts: fc.dictionary(text(4), fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -1, max: 5 }) }, number), {
      maxKeys: 3,
    }),
    point: fc.oneof({ weight: 4, arbitrary: fc.tuple(number, number) }, fc.array(number, { maxLength: 3 })),
    labelled: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(text(3), fc.boolean()) },
      fc.array(fc.oneof(text(3), fc.boolean(), number), { maxLength: 3 }),
    ),
  }),
  "number.bounds": object({
    int: fc.oneof({ weight: 6, arbitrary: fc.integer() }, number, fc.constantFrom(2 ** 53, -(2 ** 53), 1e21)),
    between: fc.oneof({ weight: 4, arbitrary: fc.double({ min: -5.5, max: 5.5 }) }, fc.constantFrom(-5, 5)),
    open: fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: -0.1, max: 1.1 }) },
      fc.constantFrom(0, 1, Number.MIN_VALUE),
    ),
    step: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: -6, max: 6 }).map((n) => n * 5) }, number),
    small: fc.integer({ min: -5, max: 300 }),
  }),
  "number.float_step": object({
    price: fc.oneof(
      fc.integer({ min: -100, max: 100 }).map((n) => n / 10),
      fc.integer({ min: -100, max: 100 }).map((n) => n / 100),
      number,
    ),
  }),
  "text.length": object({
    code: fc.oneof(text(5), fc.string({ unit: "binary", maxLength: 5 }), fc.constantFrom("😀😀😀", "ab😀")),
  }),
  "format.email": object({
    email: fc.oneof(
      fc.emailAddress(),
      text(8),
      fc.constantFrom("a@b.cd", "a.b@c.de", "a@b", "a..b@c.de", ".a@b.cd", "a@-b.cd", "ä@b.cd", "a@b.c"),
    ),
  }),
  "format.uuid": object({
    id: fc.oneof(
      fc.uuid(),
      fc.uuid().map((id) => id.toUpperCase()),
      text(8),
      fc.constantFrom(
        "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff",
        "00000000-0000-0000-8000-000000000000",
        "00000000-0000-9000-8000-000000000000",
        "00000000-0000-4000-c000-000000000000",
        "urn:uuid:00000000-0000-4000-8000-000000000000",
      ),
    ),
  }),
  "format.url": object({
    url: fc.oneof(
      fc.webUrl(),
      text(8),
      fc.constantFrom("mailto:x@y.z", "http://", "urn:isbn:1", "a:b", "http://exa mple.com", "//x", "https://ä.de"),
    ),
  }),
  "format.datetime": object({
    at: fc.oneof(
      fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(4e12) }).map((date) => date.toISOString()),
      text(8),
      fc.constantFrom(
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00+01:00",
        "2026-01-01t00:00:00z",
        "2026-02-30T00:00:00Z",
        "2026-01-01T24:00:00Z",
        "2026-01-01T23:59:60Z",
        "2026-01-01T00:00Z",
      ),
    ),
  }),
  "format.ipv4": object({
    ip: fc.oneof(fc.ipV4(), fc.ipV4Extended(), text(8), fc.constantFrom("01.2.3.4", "1.2.3", "256.1.1.1")),
  }),
  "coerce.number": object({
    n: fc.oneof(
      fc.integer({ min: -3, max: 10 }),
      number,
      fc.constantFrom("12", "", " ", "1e3", "-1", "abc", true, false, null, [], [3]),
    ),
  }),
  "pipe.trimmed": object({
    name: fc.oneof(text(4), fc.constantFrom(" a ", "ab", "  ", " ab ", "a")),
  }),
};

let validators: Record<string, (value: unknown) => boolean>;

beforeAll(async () => {
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  addFormats.default(ajv);
  const schemas = await events.toJSONSchema();
  validators = Object.fromEntries(events.names.map((name) => [name, ajv.compile(schemas[name])]));
});

function heraldAccepts(name: Name, value: unknown): boolean {
  try {
    events.parse(name, value);
    return true;
  } catch (error) {
    if (isHeraldError(error) && error.code === "VALIDATION_FAILED") return false;
    throw error;
  }
}

/** Where ajv and herald disagree on `value`: the direction, or undefined when they agree. */
function disagreement(name: Name, value: unknown): Direction | undefined {
  const schema = validators[name]!(value);
  const herald = heraldAccepts(name, value);
  return schema === herald ? undefined : schema ? "schema-only" : "herald-only";
}

describe("the exported JSON Schema, compiled by ajv 2020-12 with ajv-formats, against events.parse", () => {
  it.each(events.names)("%s: every disagreement is a documented one", (name) => {
    // the wire carries JSON: both sides see the value after a JSON round trip
    const values = fc
      .sample(VALUES[name], { seed, numRuns: runs })
      .map((value) => JSON.parse(JSON.stringify(value ?? null)));
    const documented = DOCUMENTED[name];
    const unexplained: string[] = [];
    let accepted = 0;
    for (const value of values) {
      if (heraldAccepts(name, value)) accepted++;
      const direction = disagreement(name, value);
      if (direction !== undefined && !documented?.directions.includes(direction))
        unexplained.push(`${direction}: ${JSON.stringify(value)}`);
    }
    expect(unexplained.slice(0, 10), `seed ${seed}`).toEqual([]);
    // the sample reaches both sides of the schema: at least 1% each. The rarest side (shape.fields'
    // valid objects) is about 5% of a sample, so a 5% floor failed on some seeds; 1% of 3,000 is
    // about ten standard deviations below that mean, and still fails a generator that stops reaching a side
    expect(accepted, `seed ${seed}`).toBeGreaterThan(runs / 100);
    expect(runs - accepted, `seed ${seed}`).toBeGreaterThan(runs / 100);
  });

  it.each(Object.entries(DOCUMENTED))("%s: the documented difference still shows on its witness", (name, entry) => {
    expect(entry!.directions).toContain(disagreement(name as Name, entry!.witness));
  });

  it("lists every documented difference in docs/contract-differences.md", () => {
    const page = readFileSync(resolve(import.meta.dirname, "../../docs/contract-differences.md"), "utf8");
    for (const { id } of Object.values(DOCUMENTED)) expect(page).toContain(`<a id="${id}"></a>`);
  });
});
