import { InvalidOptionsError } from "../core/errors.js";
import {
  convertEvent,
  exportedEntries,
  exportedVersions,
  isPayloadless,
  type JSONSchemaObject,
  type SchemaSource,
} from "./json-schema.js";
import { latestVersion } from "./versions.js";

/** An AsyncAPI 3.0 Server Object: where the events can be sent, e.g. a herald HTTP endpoint. */
export interface AsyncAPIServer {
  /** `host[:port]`, e.g. `api.example.com`. */
  readonly host: string;
  /** `https`, `http`, `amqp`, `kafka`, … */
  readonly protocol: string;
  /** The path, e.g. `/api/events`. */
  readonly pathname?: string;
  readonly description?: string;
}

/** Options of `events.toAsyncAPI()`. */
export interface AsyncAPIOptions {
  /** The API's title (`info.title`). */
  readonly title: string;
  /** The document's own version (`info.version`), e.g. `"1.2.0"`; not the events' schema versions. */
  readonly version: string;
  readonly description?: string;
  /** Servers by name: `{ production: { host: "api.example.com", protocol: "https", pathname: "/events" } }`. */
  readonly servers?: Readonly<Record<string, AsyncAPIServer>>;
}

/** An AsyncAPI 3.0 document, as plain data ready for `JSON.stringify`. */
export interface AsyncAPIDocument {
  readonly asyncapi: "3.0.0";
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly defaultContentType: "application/json";
  readonly servers?: Readonly<Record<string, AsyncAPIServer>>;
  readonly channels: Readonly<Record<string, JSONSchemaObject>>;
  readonly operations: Readonly<Record<string, JSONSchemaObject>>;
  readonly components: { readonly messages: Readonly<Record<string, JSONSchemaObject>> };
}

/**
 * Builds the AsyncAPI 3.0 document of a catalog: per event a channel at the event's name, a
 * message per schema version whose payload is that version's input schema (JSON Schema draft-07,
 * the dialect AsyncAPI schemas extend), and a `send` and a `receive` operation over all of them.
 * The newest version's message is the event's name and comes first; an older one is
 * `<name>-v<N>` (see `exportedVersions`), because a sender may still send it. Metadata becomes
 * the message's description and examples (newest only); `x-herald-owner`, `x-herald-deprecated`
 * and `x-herald-version` carry what AsyncAPI has no field for.
 * @throws InvalidOptionsError for a missing title or version or a malformed server; UnsupportedSchemaError from the schemas
 */
export async function buildAsyncAPI(
  sources: readonly SchemaSource[],
  options: AsyncAPIOptions,
): Promise<AsyncAPIDocument> {
  checkOptions(options);
  const entries = exportedEntries(sources, true);
  const payloads = await Promise.all(
    entries.map(({ source, version }) => convertEvent(source, "input", "draft-07", version)),
  );
  const channels: Record<string, JSONSchemaObject> = {};
  const operations: Record<string, JSONSchemaObject> = {};
  const messages: Record<string, JSONSchemaObject> = {};
  entries.forEach(({ source, key, version }, i) => {
    messages[key] = message(source, key, version, payloads[i]!);
  });
  for (const source of sources) {
    const { name, definition } = source;
    const keys = exportedVersions(source, true).map(({ key }) => key);
    channels[name] = {
      address: name,
      ...(definition?.description === undefined ? {} : { description: definition.description }),
      messages: Object.fromEntries(keys.map((key) => [key, { $ref: `#/components/messages/${key}` }])),
    };
    for (const action of ["send", "receive"] as const) {
      operations[`${name}.${action}`] = {
        action,
        channel: { $ref: `#/channels/${name}` },
        messages: keys.map((key) => ({ $ref: `#/channels/${name}/messages/${key}` })),
      };
    }
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: options.title,
      version: options.version,
      ...(options.description === undefined ? {} : { description: options.description }),
    },
    defaultContentType: "application/json",
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    channels,
    operations,
    components: { messages },
  };
}

// an older version is marked by its number and a summary, not `deprecated`: the catalog still
// accepts it and upcasts it; only the event's own `deprecated` says a sender should stop
function message(
  { name, definition, schema: newest }: SchemaSource,
  key: string,
  version: number,
  payload: JSONSchemaObject,
): JSONSchemaObject {
  const latest = latestVersion(definition);
  const older = version < latest;
  const schema = definition?.versions[version - 1] ?? newest;
  return {
    name: key,
    title: older ? `${name} v${version}` : name,
    ...(older
      ? {
          summary: `Version ${version} of ${latest}: still accepted, upcast to version ${latest} before a handler sees it`,
        }
      : {}),
    contentType: "application/json",
    ...(definition?.description === undefined ? {} : { description: definition.description }),
    // an event without payload (z.undefined()) has a message without one, as AsyncAPI allows
    ...(isPayloadless(schema) ? {} : { payload }),
    ...(!older && definition?.examples
      ? { examples: definition.examples.map((example, n) => ({ name: `example-${n + 1}`, payload: example })) }
      : {}),
    ...(definition?.owner === undefined ? {} : { "x-herald-owner": definition.owner }),
    ...(definition?.deprecated ? { "x-herald-deprecated": definition.deprecated } : {}),
    ...(latest > 1 ? { "x-herald-version": version } : {}),
  };
}

function checkOptions(options: AsyncAPIOptions): void {
  if (typeof options !== "object" || options === null)
    throw new InvalidOptionsError("toAsyncAPI expects { title, version, servers? }");
  for (const key of ["title", "version"] as const) {
    if (typeof options[key] !== "string" || options[key] === "")
      throw new InvalidOptionsError(`toAsyncAPI: ${key} must be a non-empty string`);
  }
  if (options.description !== undefined && typeof options.description !== "string")
    throw new InvalidOptionsError("toAsyncAPI: description must be a string");
  if (options.servers === undefined) return;
  if (typeof options.servers !== "object" || options.servers === null)
    throw new InvalidOptionsError("toAsyncAPI: servers must be an object of name -> { host, protocol }");
  for (const [name, server] of Object.entries(options.servers)) {
    if (!/^[\w.-]+$/.test(name))
      throw new InvalidOptionsError(
        `toAsyncAPI: server name ${JSON.stringify(name)} may hold only letters, digits, ".", "-" and "_"`,
      );
    if (
      typeof server?.host !== "string" ||
      server.host === "" ||
      typeof server.protocol !== "string" ||
      server.protocol === ""
    ) {
      throw new InvalidOptionsError(
        `toAsyncAPI: server ${name} needs a host and a protocol, e.g. { host: "api.example.com", protocol: "https" }`,
      );
    }
  }
}
