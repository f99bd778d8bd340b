/**
 * What the docs' HTTP fragments assume (```ts prelude=http): a Hono or Express app, the Bun and
 * Deno globals (declared here, since this consumer runs on Node), and a sender's URL and secret.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Hono } from "hono";

/** A Hono app (the Hono fragment) */
export const app = new Hono();
/** An Express app: only the method the fragment calls */
export declare const expressApp: {
  post(path: string, listener: (request: IncomingMessage, response: ServerResponse) => void): void;
};
export declare const Bun: { serve(options: { fetch(request: Request): Promise<Response> }): unknown };
export declare const Deno: { serve(handler: (request: Request) => Promise<Response>): unknown };
export const url = "https://api.example.com/api/trigger";
export declare const secret: string;
