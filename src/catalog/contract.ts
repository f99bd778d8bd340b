import { formatIssue, InvalidOptionsError } from "../core/errors.js";
import type { AnySchema } from "../core/schema.js";
import type { EventDefinition } from "./define-event.js";
import type { SchemaSource } from "./json-schema.js";
import { type Compiled, eventOf } from "./prepare.js";
import type { AnyCatalog, EventDescription } from "./types.js";
import { parseVersion } from "./versions.js";

type ContractMethods = Pick<AnyCatalog, "upcast" | "describe" | "toJSONSchema" | "toAsyncAPI">;

/** The catalog's contract methods: upcasting old payloads, metadata, JSON Schema and AsyncAPI. */
export function contractMethods(compiled: Compiled): ContractMethods {
  const sources = (): SchemaSource[] => compiled.names.map((name) => ({ name, ...eventOf(compiled, name) }));
  return {
    upcast(name, version, payload) {
      const { schema, definition } = eventOf(compiled, name);
      return requireSync(name, parseVersion(name, definition, schema, version, payload), "upcast()");
    },
    describe(name) {
      const { versions, upcast: _upcast, ...meta } = eventOf(compiled, name).definition ?? { versions: [], upcast: [] };
      return { name, version: Math.max(1, versions.length), ...meta } satisfies EventDescription as never;
    },
    // loaded on first use, its option checks too: a sender never pays for the exporters (bench/size: start-up code)
    toJSONSchema: async (options) => (await import("./json-schema.js")).catalogJSONSchema(sources(), options) as never,
    toAsyncAPI: async (options) => (await import("./async-api.js")).buildAsyncAPI(sources(), options),
  };
}

/** Returns a synchronous result; a schema that validates asynchronously cannot serve `method`. */
export function requireSync(name: string, result: unknown, method: string): never {
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new InvalidOptionsError(
      `${name}: the schema validates asynchronously; ${method} is synchronous (sends handle async schemas)`,
    );
  }
  return result as never;
}

/**
 * Checks that every example of a defined event passes the event's schema, so exports and
 * fixtures never show a payload the catalog would refuse. Asynchronous schemas are not checked.
 * @throws InvalidOptionsError naming the example and every failing path
 */
export function checkExamples(name: string, schema: AnySchema, definition: EventDefinition): EventDefinition {
  definition.examples?.forEach((example, i) => {
    const result = schema["~standard"].validate(example);
    if (result instanceof Promise) return void result.catch(() => undefined);
    if (result.issues)
      throw new InvalidOptionsError(
        `${name}: examples[${i}] does not pass the schema: ${result.issues.map(formatIssue).join("; ")}`,
      );
  });
  return definition;
}
