import type { JSONSchema } from "@trigger.dev/sdk";
import { describeSchema, standardJSONSchema } from "../../catalog/json-schema.js";
import { runtimeOf } from "../../catalog/runtime.js";
import type { AnyCatalog } from "../../catalog/types.js";

/**
 * The JSON Schema (draft-07, as Trigger.dev asks) of what a task for event `name` accepts from a
 * dashboard test run: the event's input, with its metadata. `undefined` where it cannot be built
 * synchronously (a validator without Standard JSON Schema) or cannot be expressed (a Date, a
 * transform): a task file must load whatever its schema holds.
 */
export function taskJsonSchema(events: AnyCatalog, name: string): JSONSchema | undefined {
  const event = runtimeOf(events).event(name);
  try {
    const json = standardJSONSchema(name, event.schema, "input", "draft-07");
    return json && (describeSchema(json, { name, ...event }, "input") as JSONSchema);
  } catch {
    return undefined;
  }
}
