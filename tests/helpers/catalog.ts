import {
  createEmbeddedEngine,
  defineEvents,
  type EmbeddedEngine,
  type EmbeddedEngineOptions,
  type DataMap,
  type EventCatalog,
  type PayloadMap,
} from "../../src/index.js";
import {
  createManualClock,
  createRecordingTransport,
  type ManualClock,
  type RecordingTransport,
} from "../../src/testing.js";
import { schemas } from "../fixtures/catalog.js";

/** The fixture catalog's type. */
export type TestCatalog = EventCatalog<PayloadMap<typeof schemas>, DataMap<typeof schemas>>;

/** The fixture catalog on an embedded engine driven by a manual clock. */
export function createCatalog(options: Omit<EmbeddedEngineOptions, "clock"> = {}): {
  events: TestCatalog;
  engine: EmbeddedEngine;
  clock: ManualClock;
} {
  const clock = createManualClock();
  const engine = createEmbeddedEngine({ ...options, clock });
  return { events: defineEvents(schemas, { transport: engine }), engine, clock };
}

/** The fixture catalog on a transport that records envelopes and runs nothing. */
export function createRecordedCatalog(): { events: TestCatalog; transport: RecordingTransport } {
  const transport = createRecordingTransport();
  return { events: defineEvents(schemas, { transport }), transport };
}
