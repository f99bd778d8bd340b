import type { AnyCatalog } from "../../catalog/types.js";
import { fromCloudEvent } from "../../core/cloud-event.js";
import { isHeraldError } from "../../core/errors.js";
import type { Receipt, Transport } from "../../delivery/transport.js";
import { decodeJson, type EventRequestBody } from "./body.js";
import { BATCH, toEventRequest } from "./cloud-event-request.js";
import { HttpProblem } from "./respond.js";

/** The body of a 200 response to a CloudEvents batch. */
export interface EventsSentBody {
  readonly success: true;
  /** `<n> events sent`. */
  readonly message: string;
  /** One receipt per event, in the batch's order. */
  readonly result: readonly Receipt[];
}

/** One member of a batch was refused: the handler answers as for `error`, and names `index` (from 0). Nothing was sent. */
export class BatchMemberError extends Error {
  readonly index: number;
  readonly error: unknown;
  constructor(index: number, error: unknown) {
    super(`Batch event ${index} was refused`, { cause: error });
    this.name = "BatchMemberError";
    this.index = index;
    this.error = error;
  }
}

/**
 * Reads a CloudEvents JSON batch (JSON format, section 4): an array of structured events, each
 * read as a single structured event is, then passed to `check` (the handler's allow list). An
 * empty array is a valid batch.
 * @throws HttpProblem INVALID_JSON, INVALID_BODY (not an array), PAYLOAD_TOO_LARGE (more than `maxEvents`); BatchMemberError around InvalidCloudEventError or what `check` throws
 */
export function parseCloudEventBatch(raw: Uint8Array, maxEvents: number, check: (event: string) => void): EventRequestBody[] {
  const value = decodeJson(raw, `The body is empty: send a JSON array of CloudEvents (Content-Type: ${BATCH}), [] for none`);
  if (!Array.isArray(value)) {
    const got = value === null ? "null" : typeof value === "object" ? "an object" : typeof value;
    throw new HttpProblem("INVALID_BODY", `A CloudEvents batch (${BATCH}) must be a JSON array of CloudEvents, got ${got}`);
  }
  // 413, like maxBodyBytes: a limit the endpoint sets on what it takes at once, not a malformed request
  if (value.length > maxEvents) throw new HttpProblem("PAYLOAD_TOO_LARGE", `The batch has ${value.length} events; this endpoint takes at most ${maxEvents} per request`);
  return value.map((member: unknown, index) => {
    try {
      const request = toEventRequest(fromCloudEvent(member));
      check(request.event);
      return request;
    } catch (error) {
      throw new BatchMemberError(index, error);
    }
  });
}

/**
 * Sends a batch with the catalog's `sendEvents`: every event is validated before the first is
 * sent, and none is sent if one fails. When the catalog refuses the batch, the events are checked
 * again one by one on a transport that delivers nothing, to name the first that fails: a refused
 * batch is validated twice, an accepted one once.
 * @throws BatchMemberError around the catalog's error (UnknownEventError, EventValidationError, ...); TransportError as it is
 */
export async function sendCloudEventBatch(events: AnyCatalog, batch: readonly EventRequestBody[]): Promise<readonly Receipt[]> {
  const messages = batch.map(({ event, ...message }) => ({ name: event, ...message }));
  try {
    return await events.sendEvents(messages);
  } catch (error) {
    if (!isHeraldError(error) || error.code === "TRANSPORT_FAILED") throw error;
    throw (await findRefused(events, messages)) ?? error;
  }
}

async function findRefused(events: AnyCatalog, messages: readonly { name: string }[]): Promise<BatchMemberError | undefined> {
  // a catalog from an older copy of herald may lack withTransport: then the error goes out without an index
  if (typeof events.withTransport !== "function") return undefined;
  const check = events.withTransport(deliverNothing(events.transport));
  for (const [index, message] of messages.entries()) {
    try {
      await check.send(message);
    } catch (error) {
      return new BatchMemberError(index, error);
    }
  }
  return undefined;
}

// builds envelopes on the real transport's clock (delays resolve the same way) and sends nothing
function deliverNothing(transport: Transport): Transport {
  return {
    name: `${transport.name} (batch check)`,
    ...(transport.now ? { now: () => transport.now!() } : {}),
    deliver: async (envelopes) => envelopes.map(({ id, name, timestamp }) => ({ id, name, timestamp, duplicate: false })),
  };
}
