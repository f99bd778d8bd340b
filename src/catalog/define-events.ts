import { InvalidOptionsError, TransportError } from "../core/errors.js";
import { assertEventName } from "../core/names.js";
import { isSchema, validate } from "../core/schema.js";
import { createEmbeddedEngine } from "../delivery/embedded/engine.js";
import type { Receipt, Transport } from "../delivery/transport.js";
import { checkExamples, contractMethods, requireSync } from "./contract.js";
import { readDefinition } from "./define-event.js";
import type { Compiled, CompiledEvent } from "./prepare.js";
import { createRuntime, RUNTIME, type RuntimeHandler } from "./runtime.js";
import type { AnyCatalog, AnySchemas, CheckedNames, EventCatalog, InferInput, InferOutput } from "./types.js";
import { latestVersion } from "./versions.js";

/** Options of {@link defineEvents}. */
export interface DefineEventsOptions {
  /** Where events go. Default: a new embedded engine (`createEmbeddedEngine()`). */
  readonly transport?: Transport;
}

/**
 * Defines a catalog: dot-notation event names mapped to schemas (zod 4, or any Standard Schema).
 * Names are checked at compile time on the keys and again here at run time. A schema made by
 * `defineEvent` brings its metadata and versions; its examples are checked here.
 * @throws InvalidEventNameError for a name that breaks the rules; InvalidOptionsError for a value that is not a schema, or an example that fails its schema
 * @example
 * export const events = defineEvents({
 *   "user.created": z.object({ email: z.email(), userId: z.string() }),
 * });
 * await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" });
 * @see docs/catalog.md
 */
// The two maps are written out, not as PayloadMap<TSchemas> and DataMap<TSchemas>: a hover prints an
// alias with its arguments (every zod schema), an anonymous map each event's payload. Each member is
// computed when read; one map of { input, output } pairs cost 8-72 more instantiations a send (bench/types/hover-design.md).
export function defineEvents<TSchemas extends AnySchemas>(
  schemas: TSchemas & CheckedNames<TSchemas>,
  options: DefineEventsOptions = {},
): EventCatalog<
  { [K in keyof TSchemas]: InferInput<TSchemas[K]> },
  { [K in keyof TSchemas]: InferOutput<TSchemas[K]> }
> {
  if (typeof schemas !== "object" || schemas === null)
    throw new InvalidOptionsError("defineEvents expects an object of event name -> schema");
  const events = new Map<string, CompiledEvent>();
  for (const [name, schema] of Object.entries(schemas)) {
    assertEventName(name);
    if (!isSchema(schema))
      throw new InvalidOptionsError(
        `Event ${name}: expected a Standard Schema (zod 4, valibot, …), got ${typeof schema}`,
      );
    const found = readDefinition(schema);
    const definition = found && checkExamples(name, schema, found);
    // only a versioned event's envelopes carry a version, so a plain catalog's envelopes are unchanged
    const latest = latestVersion(definition);
    events.set(name, { schema, definition, version: latest > 1 ? latest : undefined });
  }
  const compiled: Compiled = { events, names: Object.freeze([...events.keys()]), now: Date.now };
  return build(schemas, compiled, options.transport ?? createEmbeddedEngine()) as never;
}

function build(schemas: AnySchemas, compiled: Compiled, transport: Transport): AnyCatalog {
  const runtime = createRuntime(compiled, transport);
  const root = runtime.senders();
  const on: AnyCatalog["on"] = (name, handler, options) => {
    runtime.event(name);
    if (!transport.subscribe) {
      throw new TransportError(
        `The ${transport.name} transport runs subscribers elsewhere; on() needs one that runs them in this process`,
        { retryable: false },
      );
    }
    return transport.subscribe(
      name,
      (delivery) => runtime.handle(handler as RuntimeHandler, delivery),
      // the wrapper above is anonymous: name the subscriber after the user's handler
      handler.name && options?.id === undefined ? { ...options, id: handler.name } : options,
    );
  };

  const catalog: AnyCatalog & { [RUNTIME]: unknown } = {
    "~types": undefined as never,
    names: compiled.names,
    schemas: schemas as AnyCatalog["schemas"],
    transport,
    ...(root as unknown as Pick<AnyCatalog, "sendEvent" | "send" | "sendEvents">),
    parse(name, value) {
      return requireSync(name, validate(name, runtime.event(name).schema, value), "parse()");
    },
    on,
    ...contractMethods(compiled),
    chain: (from, to, map, options) =>
      on(
        from,
        async (payload, ctx) =>
          (ctx.sendEvent as (name: string, payload: unknown) => Promise<Receipt>)(to, await map(payload, ctx)),
        { id: `${from}->${to}`, ...options },
      ),
    withTransport: (next) => build(schemas, compiled, next),
    drain: () => transport.drain?.() ?? Promise.resolve(),
    close: () => transport.close?.() ?? Promise.resolve(),
    [RUNTIME]: runtime,
  };
  return catalog;
}
