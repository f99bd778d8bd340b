/**
 * The event catalog: one module, imported by whoever sends and whoever subscribes.
 * Names are checked here at compile time ("User.Created" would not compile) and again at run time.
 */
import { defineEvents, type EventData, type EventPayload } from "herald";
import { z } from "zod";

export const events = defineEvents({
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "payment.processed": z.object({
    amount: z.number().positive(),
    currency: z.string().length(3),
    customerId: z.string(),
  }),
  "file.uploaded": z.object({ fileId: z.string(), filename: z.string() }),
  "file.processed": z.object({ fileId: z.string(), processingResult: z.enum(["success", "failure"]) }),
  "reminder.send": z.object({ userId: z.string(), message: z.string() }),
});

/** What a sender writes for `user.created` (the schema's input type). */
export type NewUser = EventPayload<typeof events, "user.created">;
/** What a `file.processed` subscriber receives (the schema's output type). */
export type ProcessedFile = EventData<typeof events, "file.processed">;
