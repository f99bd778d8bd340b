import { createDispatcher } from "herald/trigger";
import { events } from "../events.js";
import * as files from "./files.js";
import * as users from "./users.js";

// the one line: every event without a route fans out from here to the tasks subscribed to it
export const dispatch = createDispatcher(events, [...Object.values(files), ...Object.values(users)]);
