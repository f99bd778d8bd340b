import { eventTask } from "herald/trigger";
import { events } from "../events.js";

export const processUpload = eventTask(events, "file.uploaded", {
  id: "process-upload",
  machine: "small-2x",
  run: async (file, { sendEvent }) => {
    const ok = file.filename.length > 0;
    // chained: carries this event's id as causationId and its correlationId; a retried run re-sends the same id
    await sendEvent("file.processed", { fileId: file.fileId, processingResult: ok ? "success" : "failure" });
    return { ok };
  },
});

export const notifyProcessed = eventTask(events, "file.processed", {
  id: "notify-processed",
  run: async (result, { event }) => {
    console.log(`${result.fileId}: ${result.processingResult} (chain ${event.correlationId})`);
  },
});
