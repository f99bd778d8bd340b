import { createDispatcher } from "herald/trigger";
import { events } from "../events.js";

// every event without a route fans out from here to the tasks subscribed to it, named by task id:
// this file imports no task file, so Trigger.dev shows each task in its own file. Leave a task out
// and `trigger dev` / `trigger deploy` fail at indexing, naming it.
export const dispatch = createDispatcher(events, {
  "user.created": ["send-welcome-email", "sync-crm"],
  "file.uploaded": ["process-upload"],
  "file.processed": ["notify-processed"],
});
