/**
 * herald/http: receive events over HTTP. `createEventHandler(events, { auth })` returns a
 * Web-standard `(request: Request) => Promise<Response>` for Next.js, Hono, Bun and Deno;
 * `toNodeHandler` serves it on node:http and Express; `signRequest` signs a body for `{ secret }` auth.
 * @module
 */
export {
  DEFAULT_TOLERANCE_SECONDS,
  type HandlerAuth,
  SIGNATURE_HEADER,
  signRequest,
  TIMESTAMP_HEADER,
} from "./edges/http/auth.js";
export type { EventRequestBody } from "./edges/http/body.js";
export type { EventsSentBody } from "./edges/http/cloud-event-batch.js";
export {
  createEventHandler,
  DEFAULT_MAX_BATCH_EVENTS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_RETRY_AFTER_SECONDS,
  type EventHandlerOptions,
  type EventRequestHandler,
  type EventSentBody,
} from "./edges/http/handler.js";
export { DEFAULT_MAX_REMEMBERED_IDS } from "./edges/http/idempotency.js";
export {
  type NodeIncomingMessage,
  type NodeRequestListener,
  type NodeServerResponse,
  toNodeHandler,
} from "./edges/http/node.js";
export type { ErrorBody } from "./edges/http/respond.js";
export {
  HTTP_ERROR_CODES,
  HTTP_ERRORS,
  type HttpErrorCode,
  type HttpErrorInfo,
  statusOf,
} from "./edges/http/status.js";
