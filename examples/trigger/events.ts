/**
 * The catalog, shared by the sender and the Trigger.dev worker. `withTrigger` binds it to
 * Trigger.dev; the keys of `routes` are checked against the catalog's event names.
 */
import { defineEvents } from "herald";
import { withTrigger } from "herald/trigger";
import { z } from "zod";

export const events = withTrigger(
  defineEvents({
    "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
    "file.uploaded": z.object({ fileId: z.string(), filename: z.string() }),
    "file.processed": z.object({ fileId: z.string(), processingResult: z.enum(["success", "failure"]) }),
  }),
  {
    // the sender knows who handles user.created: one batch.trigger, no dispatcher hop
    routes: { "user.created": ["send-welcome-email", "sync-crm"] },
    // file.* have no route: they go to the dispatcher task, which knows their subscribers
  },
);
