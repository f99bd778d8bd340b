/**
 * The sender: any backend with TRIGGER_SECRET_KEY set (and TRIGGER_API_URL for self-hosting).
 * Run with `tsx examples/trigger/send.ts` against a project that has deployed trigger/.
 */
import { TransportError } from "herald";
import { events } from "./events.js";

try {
  // routed: one batch.trigger starts send-welcome-email and sync-crm
  const user = await events.sendEvent("user.created", { email: "ada@example.com", name: "Ada", userId: "u_1" });
  // not routed: one tasks.trigger starts herald-dispatch, which starts process-upload in 24 hours
  const file = await events.sendEvent(
    "file.uploaded",
    { fileId: "f_1", filename: "report.pdf" },
    { delay: { hours: 24 } },
  );
  // sending again with the same id runs no task twice
  await events.sendEvent("user.created", { email: "ada@example.com", userId: "u_1" }, { id: user.id });
  console.log({ user, file });
} catch (error) {
  if (error instanceof TransportError)
    console.error(`Trigger.dev refused (retryable: ${error.retryable}, status ${error.status}): ${error.message}`);
  else throw error;
}
