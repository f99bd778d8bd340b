import { eventTask } from "herald/trigger";
import { events } from "../events.js";

export const sendWelcomeEmail = eventTask(events, "user.created", {
  id: "send-welcome-email",
  run: async (user, { event }) => {
    // user is the schema's output: { email, name?, userId }
    console.log(`Welcome ${user.name ?? user.email} (event ${event.id})`);
    return { sent: true };
  },
});

export const syncCrm = eventTask(events, "user.created", {
  id: "sync-crm",
  retry: { maxAttempts: 5 },
  run: async (user) => ({ crmId: `crm_${user.userId}` }),
});
