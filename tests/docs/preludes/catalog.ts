/**
 * What the docs' fragments assume (```ts prelude=catalog): the catalog that docs/catalog.md defines,
 * its bound send functions, and a few values the fragments use. A fragment may use any name
 * exported here without importing it.
 */
import { createEmbeddedEngine, defineEvents } from "herald";
import { z } from "zod";

export { z };

export const events = defineEvents({
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "payment.processed": z.object({
    amount: z.number().positive(),
    currency: z.string().length(3),
    customerId: z.string(),
  }),
  "file.uploaded": z.object({ fileId: z.string(), filename: z.string() }),
  "file.processed": z.object({ fileId: z.string(), processingResult: z.enum(["success", "failure"]) }),
  "cache.flushed": z.undefined(),
});

export const { sendEvent, send, sendEvents } = events;

/** A payload of `user.created`, for fragments that send one. */
export const payload = { email: "user@example.com", userId: "123456" };
export const tomorrow = new Date(Date.now() + 86_400_000);
export const engine = createEmbeddedEngine();
export declare const body: string;
export declare function handler(user: { email: string; userId: string }): Promise<void>;
export declare function sendWelcomeEmail(email: string): Promise<void>;
/** The code under test in docs/testing.md: it sends through the catalog it is given. */
export declare function signUp(app: Pick<typeof events, "sendEvent">, email: string): Promise<void>;
