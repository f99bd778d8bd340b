import type { StandardSchemaV1 } from "@standard-schema/spec";
import { EventValidationError } from "./errors.js";

/** Any Standard Schema v1 validator: zod 4, valibot, arktype, … */
export type AnySchema = StandardSchemaV1;

/**
 * Validates `value` against `schema` and returns the schema's output.
 * @throws EventValidationError naming `event` and every failing path.
 */
export function validate(event: string, schema: AnySchema, value: unknown): unknown | Promise<unknown> {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) return result.then((settled) => unwrap(event, settled));
  return unwrap(event, result);
}

function unwrap(event: string, result: StandardSchemaV1.Result<unknown>): unknown {
  if (result.issues) throw new EventValidationError(event, result.issues);
  return result.value;
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
