import type { CloudEventAttributes } from "./envelope.js";
import { InvalidCloudEventError } from "./errors.js";

/** The most producer attributes an envelope keeps (`source`, `time`, `subject`, `dataschema` and extensions). */
export const MAX_CLOUD_EVENT_ATTRIBUTES = 32;
/** The longest attribute value an envelope keeps, in characters. */
export const MAX_CLOUD_EVENT_ATTRIBUTE_LENGTH = 2048;

// attributes herald maps onto the envelope itself, or that describe the data: never kept as attributes
const MAPPED = new Set([
  "specversion",
  "id",
  "type",
  "data",
  "data_base64",
  "datacontenttype",
  "correlationid",
  "causationid",
  "deliverat",
  "schemaversion",
]);
// the CloudEvents 1.0 attribute name rule (lower-case letters and digits; 20 characters at most)
const ATTRIBUTE_NAME = /^[a-z0-9]{1,20}$/;

/**
 * The attributes an envelope keeps of a CloudEvent: every own attribute herald does not map
 * itself, checked against the spec's name rule and herald's bounds.
 * @throws InvalidCloudEventError for attributes that are not an object, a name outside `[a-z0-9]{1,20}`, a value that is not a string, integer or boolean, or more or longer attributes than the bounds
 */
export function attributesOf(event: Readonly<Record<string, unknown>>): CloudEventAttributes {
  // a loose send's `attributes` may be anything: null was a TypeError, a string kept its characters
  if (typeof event !== "object" || event === null || Array.isArray(event))
    throw new InvalidCloudEventError("CloudEvent attributes must be an object of name -> value");
  const attributes: Record<string, string | number | boolean> = {};
  let count = 0;
  for (const name of Object.keys(event)) {
    const value = event[name];
    if (MAPPED.has(name) || value == null) continue;
    const problem = !ATTRIBUTE_NAME.test(name)
      ? "a name of 1 to 20 lower-case letters or digits"
      : ++count > MAX_CLOUD_EVENT_ATTRIBUTES
        ? `at most ${MAX_CLOUD_EVENT_ATTRIBUTES} attributes`
        : typeof value === "string"
          ? value.length > MAX_CLOUD_EVENT_ATTRIBUTE_LENGTH && `at most ${MAX_CLOUD_EVENT_ATTRIBUTE_LENGTH} characters`
          : typeof value !== "boolean" && !Number.isSafeInteger(value) && "a string, an integer or a boolean";
    if (problem)
      throw new InvalidCloudEventError(`CloudEvent attribute ${JSON.stringify(name.slice(0, 40))}: needs ${problem}`);
    // defineProperty, not assignment: whatever the name, it stays an own key and never reaches a prototype
    Object.defineProperty(attributes, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return attributes;
}
