// A small JSON Schema (2020-12) checker for the send form: the keywords zod emits for plain
// payloads. A convenience only: the server validates every send with the real schema, and a keyword
// not listed here is not checked here.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The problems with `value` under `schema`, as `{ path, message }`; empty when it passes. */
export function validate(schema, value, path = []) {
  if (schema === true || schema === undefined || schema === null) return [];
  if (schema === false) return [{ path, message: "No value is allowed here" }];
  const issues = [];
  const add = (message) => issues.push({ path, message });
  if (schema.anyOf || schema.oneOf) {
    const branches = schema.anyOf ?? schema.oneOf;
    const results = branches.map((branch) => validate(branch, value, path));
    if (!results.some((result) => result.length === 0))
      issues.push(...(results.length === 1 ? results[0] : [{ path, message: "Does not match any allowed shape" }]));
  }
  for (const part of schema.allOf ?? []) issues.push(...validate(part, value, path));
  if ("const" in schema && !equal(schema.const, value)) add(`Expected ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.some((option) => equal(option, value)))
    add(`Expected one of ${schema.enum.map((option) => JSON.stringify(option)).join(", ")}`);
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((type) => isType(type, value))) {
      add(`Expected ${types.join(" or ")}, got ${kind(value)}`);
      return issues;
    }
  }
  if (typeof value === "string") {
    // JSON Schema counts code points and zod UTF-16 units: each bound takes the count that refuses less
    if (schema.minLength !== undefined && value.length < schema.minLength)
      add(`At least ${schema.minLength} character(s)`);
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength)
      add(`At most ${schema.maxLength} character(s)`);
    if (schema.format === "email" && !EMAIL.test(value)) add("Invalid email address");
    else if (schema.pattern !== undefined && !matches(schema.pattern, value)) add(`Does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) add(`At least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) add(`At most ${schema.maximum}`);
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum)
      add(`Greater than ${schema.exclusiveMinimum}`);
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum)
      add(`Less than ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) add(`At least ${schema.minItems} item(s)`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) add(`At most ${schema.maxItems} item(s)`);
    if (schema.items !== undefined)
      value.forEach((item, index) => issues.push(...validate(schema.items, item, [...path, index])));
  }
  if (isType("object", value)) {
    for (const key of schema.required ?? [])
      if (!(key in value)) issues.push({ path: [...path, key], message: "Required" });
    for (const [key, item] of Object.entries(value)) {
      const property = schema.properties?.[key];
      if (property !== undefined) issues.push(...validate(property, item, [...path, key]));
      else if (schema.additionalProperties === false) issues.push({ path: [...path, key], message: "Not allowed" });
      else if (typeof schema.additionalProperties === "object")
        issues.push(...validate(schema.additionalProperties, item, [...path, key]));
    }
  }
  return issues;
}

function isType(type, value) {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

function kind(value) {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return Array.isArray(value) ? "array" : typeof value;
}

function matches(pattern, value) {
  try {
    return new RegExp(pattern, "u").test(value);
  } catch {
    return true; // a pattern this browser cannot compile is left to the server
  }
}

function equal(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
