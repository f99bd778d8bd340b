/**
 * The catalog of examples/nextjs, which the Next.js route in docs/http.md imports as "@/events"
 * (create-next-app's alias for the project root).
 */
import { defineEvents } from "herald";
import { z } from "zod";

export const events = defineEvents({
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "payment.processed": z.object({
    amount: z.number().positive(),
    currency: z.string().length(3),
    customerId: z.string(),
  }),
  "test.event": z.object({ message: z.string() }),
});
