/**
 * Builds a value that a JSON Schema (draft 2020-12, as validators emit it) accepts, keeping what
 * `given` already says: a given leaf wins, a given object is filled in around. Optional
 * properties that are not given are left out. Best effort: the caller validates the result.
 */
export function sampleValue(schema: unknown, given: unknown, root: unknown = schema, depth = 0): unknown {
  if (depth > 32) return given; // a recursive schema: stop rather than loop
  if (schema === true || schema === undefined) return given ?? null;
  if (typeof schema !== "object" || schema === null) return given;
  const node = resolve(schema as Node, root);
  // `not: {}` admits no JSON value: an event without payload (z.undefined()), so the value is left out
  if (isPlainObject(node.not) && Object.keys(node.not).length === 0) return undefined;
  if (given !== undefined && !isPlainObject(given)) return given;
  const next = (child: unknown, value: unknown): unknown => sampleValue(child, value, root, depth + 1);
  if (given === undefined) {
    if ("const" in node) return node.const;
    if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
    if ("default" in node) return node.default;
    if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  }
  const branches = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    // a given object picks an object branch; otherwise the first branch that is not null
    const objects = branches.filter((branch) => typeOf(resolve(branch as Node, root)) === "object");
    const pick =
      isPlainObject(given) && objects.length > 0
        ? objects[0]
        : (branches.find((branch) => typeOf(resolve(branch as Node, root)) !== "null") ?? branches[0]);
    return next(pick, given);
  }
  if (Array.isArray(node.allOf))
    return node.allOf.reduce<unknown>((value, part) => merge(value, next(part, given)), given);
  const type = typeOf(node);
  if (given !== undefined && type !== "object") return given;
  switch (type) {
    case "object":
      return sampleObject(node, isPlainObject(given) ? given : {}, next);
    case "array": {
      const prefix = Array.isArray(node.prefixItems) ? node.prefixItems.map((item) => next(item, undefined)) : [];
      const min = typeof node.minItems === "number" ? node.minItems : 0;
      while (prefix.length < min) prefix.push(next(node.items, undefined));
      return prefix;
    }
    case "string":
      return sampleString(node);
    case "integer":
    case "number":
      return sampleNumber(node, type === "integer");
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return given ?? null;
  }
}

type Node = Record<string, unknown>;

function sampleObject(node: Node, given: Node, next: (child: unknown, value: unknown) => unknown): Node {
  const properties = (node.properties ?? {}) as Node;
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  const value: Node = {};
  for (const key of new Set([...required, ...Object.keys(given)])) {
    const child = Object.hasOwn(properties, key) ? properties[key] : node.additionalProperties;
    value[key] = next(child, given[key]);
  }
  return value;
}

const FORMATS: Record<string, string> = {
  email: "user@example.com",
  uuid: "00000000-0000-4000-8000-000000000000",
  guid: "00000000-0000-4000-8000-000000000000",
  "date-time": "2026-01-01T00:00:00.000Z",
  date: "2026-01-01",
  time: "00:00:00",
  duration: "P1D",
  uri: "https://example.com",
  url: "https://example.com",
  hostname: "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  cidrv4: "192.0.2.0/24",
  cidrv6: "2001:db8::/32",
  base64: "",
  base64url: "",
  emoji: "🙂",
  nanoid: "V1StGXR8_Z5jdHi6B-myT",
  cuid: "cjld2cjxh0000qzrmn831i7rn",
  cuid2: "tz4a98xxat96iws9zmbrgj3a",
  ulid: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
};

function sampleString(node: Node): string {
  const format = typeof node.format === "string" ? FORMATS[node.format] : undefined;
  const min = typeof node.minLength === "number" ? node.minLength : 1;
  const max = typeof node.maxLength === "number" ? node.maxLength : Number.POSITIVE_INFINITY;
  if (format !== undefined) return format;
  return "x".repeat(Math.min(Math.max(min, 1), max));
}

function sampleNumber(node: Node, integer: boolean): number {
  const bound = (inclusive: unknown, exclusive: unknown): { at: number; open: boolean } | undefined =>
    typeof inclusive === "number"
      ? { at: inclusive, open: false }
      : typeof exclusive === "number"
        ? { at: exclusive, open: true }
        : undefined;
  const low = bound(node.minimum, node.exclusiveMinimum);
  const high = bound(node.maximum, node.exclusiveMaximum);
  let value: number;
  if (integer) {
    const top =
      high === undefined ? Number.POSITIVE_INFINITY : high.open ? Math.ceil(high.at) - 1 : Math.floor(high.at);
    value = low === undefined ? Math.min(0, top) : low.open ? Math.floor(low.at) + 1 : Math.ceil(low.at);
  } else if (low !== undefined && high !== undefined) {
    value = low.open || high.open ? (low.at + high.at) / 2 : low.at;
  } else if (low !== undefined) {
    value = low.open ? low.at + 1 : low.at;
  } else {
    value = high === undefined ? 0 : Math.min(0, high.open ? high.at - 1 : high.at);
  }
  const step = node.multipleOf;
  return typeof step === "number" && step > 0 ? Math.ceil(value / step) * step : value;
}

function typeOf(node: Node): unknown {
  if (Array.isArray(node.type)) return node.type.find((type) => type !== "null") ?? "null";
  if (node.type !== undefined) return node.type;
  return typeof node.properties === "object" ? "object" : undefined;
}

// local references only (`#`, `#/$defs/x`): validators emit nothing else
function resolve(node: Node, root: unknown): Node {
  for (let hops = 0; typeof node?.$ref === "string" && hops < 16; hops++) {
    let target: unknown = root;
    for (const part of node.$ref.replace(/^#\/?/, "").split("/").filter(Boolean))
      target = (target as Node | undefined)?.[part.replaceAll("~1", "/").replaceAll("~0", "~")];
    node = (target ?? {}) as Node;
  }
  return node ?? {};
}

function isPlainObject(value: unknown): value is Node {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Merges `patch` into `base`: plain objects key by key, anything else replaced. */
export function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const value: Node = { ...base };
  for (const [key, part] of Object.entries(patch)) value[key] = merge(base[key], part);
  return value;
}
