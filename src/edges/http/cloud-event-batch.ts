import type { AnyCatalog } from "../../catalog/types.js";
import { fromCloudEvent } from "../../core/cloud-event.js";
import { isHeraldError } from "../../core/errors.js";
import type { Receipt } from "../../delivery/transport.js";
import { decodeJson, type EventRequestBody } from "./body.js";
import { BATCH, toEventRequest } from "./cloud-event-request.js";
import { HttpProblemError, type ToProblem } from "./respond.js";

/** The body of a 200 response to a CloudEvents batch. */
export interface EventsSentBody {
  readonly success: true;
  /** `<n> events sent`. */
  readonly message: string;
  /** One receipt per event, in the batch's order. */
  readonly result: readonly Receipt[];
}

/**
 * Reads a CloudEvents JSON batch (JSON format, section 4): an array of structured events, each
 * read as a single structured event is, then passed to `check` (the handler's allow list). An
 * empty array is a valid batch.
 * @throws HttpProblemError INVALID_JSON, INVALID_BODY (not an array), PAYLOAD_TOO_LARGE (more than `maxEvents`); for a refused member, `toProblem` of its InvalidCloudEventError or of what `check` throws, with its `index`
 */
export function parseCloudEventBatch(
  raw: Uint8Array,
  maxEvents: number,
  check: (event: string) => void,
  toProblem: ToProblem,
): EventRequestBody[] {
  const value = decodeJson(
    raw,
    `The body is empty: send a JSON array of CloudEvents (Content-Type: ${BATCH}), [] for none`,
  );
  if (!Array.isArray(value)) {
    const got = value === null ? "null" : typeof value === "object" ? "an object" : typeof value;
    throw new HttpProblemError(
      "INVALID_BODY",
      `A CloudEvents batch (${BATCH}) must be a JSON array of CloudEvents, got ${got}`,
    );
  }
  // 413, like maxBodyBytes: a limit the endpoint sets on what it takes at once, not a malformed request
  if (value.length > maxEvents)
    throw new HttpProblemError(
      "PAYLOAD_TOO_LARGE",
      `The batch has ${value.length} events; this endpoint takes at most ${maxEvents} per request`,
    );
  return value.map((member: unknown, index) => {
    try {
      const request = toEventRequest(fromCloudEvent(member));
      check(request.event);
      return request;
    } catch (error) {
      throw toProblem(error).forBatchMember(index);
    }
  });
}

/**
 * Sends a batch with the catalog's `sendEvents`: every event is validated before the first is
 * sent, and none is sent if one fails; the catalog's error names the refused event's `index`.
 * @throws HttpProblemError: `toProblem` of the catalog's error (UnknownEventError, EventValidationError, ...) with its `index`; TransportError as it is
 */
export async function sendCloudEventBatch(
  events: AnyCatalog,
  batch: readonly EventRequestBody[],
  toProblem: ToProblem,
): Promise<readonly Receipt[]> {
  const messages = batch.map(({ event, ...message }) => ({ name: event, ...message }));
  try {
    return await events.sendEvents(messages);
  } catch (error) {
    if (isHeraldError(error) && error.code !== "TRANSPORT_FAILED" && error.index !== undefined)
      throw toProblem(error).forBatchMember(error.index);
    throw error;
  }
}
