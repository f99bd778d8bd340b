/**
 * herald/testing: record what a catalog sends, assert on it with typed names and payloads, build
 * valid payloads from partial ones, and drive time by hand.
 * @module
 */
export { createManualClock, type ManualClock } from "./delivery/embedded/clock.js";
export { fixture } from "./edges/testing/fixture.js";
export {
  createRecordingTransport,
  type DeepPartial,
  type Recorder,
  type RecordingTransport,
  recordEvents,
} from "./edges/testing/recorder.js";
