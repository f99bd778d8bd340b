import { standardJSONSchema } from "../../catalog/json-schema.js";
import { runtimeOf } from "../../catalog/runtime.js";
import type { AnyCatalog, EventName, EventPayload } from "../../catalog/types.js";
import type { AnySchema } from "../../core/schema.js";
import { formatIssue, InvalidOptionsError, isHeraldError } from "../../core/errors.js";
import type { DeepPartial } from "./recorder.js";
import { merge, sampleValue } from "./sample-value.js";

/**
 * Builds a valid payload (the event's input, ready to send) from the fields a test cares about.
 * The rest comes from the event's first example (`defineEvent(schema, { examples })`), else is
 * generated from its JSON Schema (formats, bounds, enums and defaults honoured). The result is
 * checked against the schema before it is returned, so a fixture never hides a payload the
 * catalog would refuse.
 * @throws InvalidOptionsError when the payload built fails the schema (naming each path: give it
 * in `partial` or add an example), or when there is neither an example nor a JSON Schema to build
 * from; UnknownEventError
 * @example
 * const user = fixture(events, "user.created", { email: "x@y.z" });
 * await events.sendEvent("user.created", user);
 * @see docs/testing.md#test-fixtures
 */
export function fixture<TCatalog extends AnyCatalog, TName extends EventName<TCatalog>>(
  events: TCatalog,
  name: TName,
  partial?: DeepPartial<EventPayload<TCatalog, TName>>,
): EventPayload<TCatalog, TName> {
  const { schema, definition } = runtimeOf(events).event(name);
  const example = definition?.examples?.[0];
  const value = example === undefined ? generate(name, schema, partial) : merge(structuredClone(example), partial);
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new InvalidOptionsError(`fixture(${name}): the schema validates asynchronously; fixture() is synchronous`);
  }
  if (result.issues) {
    const from = example === undefined ? "generated from its JSON Schema" : "built from its first example";
    throw new InvalidOptionsError(
      `fixture(${name}): the payload ${from} fails the schema: ${result.issues.map(formatIssue).join("; ")}. Give these fields in the partial payload, or add an example with defineEvent(schema, { examples })`,
    );
  }
  return value as EventPayload<TCatalog, TName>;
}

function generate(name: string, schema: AnySchema, partial: unknown): unknown {
  let json: object | undefined;
  try {
    json = standardJSONSchema(name, schema, "input", "draft-2020-12");
  } catch (error) {
    throw new InvalidOptionsError(
      `fixture(${name}): ${isHeraldError(error) ? error.message : String(error)}; add an example with defineEvent(schema, { examples })`,
      { cause: error },
    );
  }
  if (json === undefined) {
    throw new InvalidOptionsError(
      `fixture(${name}): the event has no examples and its validator has no Standard JSON Schema to build from; add an example with defineEvent(schema, { examples })`,
    );
  }
  return sampleValue(json, partial);
}
