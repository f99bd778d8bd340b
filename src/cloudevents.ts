/**
 * herald/cloudevents: CloudEvents 1.0 in and out. `toCloudEvent(envelope, { source })` writes a
 * herald envelope as a structured CloudEvent; `fromCloudEvent(value)` reads one (structured JSON,
 * binary-mode attributes, or an instance of the `cloudevents` SDK) back into an envelope. A subpath
 * of its own, so an app that never speaks CloudEvents does not load them with `herald`.
 * @module
 */
export { type CloudEvent, fromCloudEvent, toCloudEvent, type ToCloudEventOptions } from "./core/cloud-event.js";
