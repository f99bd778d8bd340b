/** The catalog the Next.js app sends and receives (`lib/events.ts`; import it as `@/lib/events`). */
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
