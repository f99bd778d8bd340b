import type { StandardSchemaV1 } from "@standard-schema/spec";
import { EventValidationError, issuePath } from "./errors.js";

/** Any Standard Schema v1 validator: zod 4, valibot, arktype, … */
export type AnySchema = StandardSchemaV1;

/**
 * Validates `value` against `schema` and returns the schema's output.
 * @throws EventValidationError naming `event` and every failing path; each issue's `path` holds plain keys (`PropertyKey`s), whatever the validator wrote.
 */
export function validate(event: string, schema: AnySchema, value: unknown): unknown | Promise<unknown> {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) return result.then((settled) => unwrap(event, settled));
  return unwrap(event, result);
}

function unwrap(event: string, result: StandardSchemaV1.Result<unknown>): unknown {
  if (result.issues) throw new EventValidationError(event, result.issues.map(plainPath));
  return result.value;
}

// valibot writes path segments as { key, ... } objects: normalised here, once, so `issue.path.join(".")` reads right
function plainPath(issue: StandardSchemaV1.Issue): StandardSchemaV1.Issue {
  const path = issue.path;
  if (path === undefined || !path.some((segment) => typeof segment === "object" && segment !== null)) return issue;
  return { ...issue, path: issuePath(issue) };
}

/** True when `value` is a Standard Schema v1 validator. */
export function isSchema(value: unknown): value is AnySchema {
  const standard = (value as { "~standard"?: { version?: unknown; validate?: unknown } } | null)?.["~standard"];
  return (
    typeof standard === "object" &&
    standard !== null &&
    standard.version === 1 &&
    typeof standard.validate === "function"
  );
}
