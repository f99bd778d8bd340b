/**
 * The files of the temporary consumer project that tests/package/pack.test.ts installs herald into.
 * Kept as strings: they are compiled against the installed tarball, not against src/.
 */

/** ESM at run time: send through the main entry, record through herald/testing. */
export const esmScript = `
import { createRequire } from "node:module";
import { z } from "zod";
import { defineEvents, EventValidationError, isHeraldError } from "herald";
import { recordEvents } from "herald/testing";

const events = defineEvents({ "user.created": z.object({ email: z.email(), userId: z.string() }) });
const seen = [];
events.on("user.created", (user, ctx) => void seen.push({ email: user.email, attempt: ctx.attempt }));
const receipt = await events.sendEvent("user.created", { email: "a@b.co", userId: "u1" });
await events.drain();

const recorder = recordEvents(events);
await recorder.events.sendEvent("user.created", { email: "c@d.co", userId: "u2" });
const recorded = recorder.expectSent("user.created", { userId: "u2" }).payload;

// the CJS build of the same package: its errors are other classes, but the brand still matches
const cjs = createRequire(import.meta.url)("herald");
let crossCopy;
try {
  cjs.defineEvents({ "user.created": z.object({ userId: z.string() }) }).parse("user.created", {});
} catch (error) {
  crossCopy = { isHeraldError: isHeraldError(error), instanceofEsm: error instanceof EventValidationError, code: error.code };
}
console.log(JSON.stringify({ seen, receipt: { name: receipt.name, duplicate: receipt.duplicate }, recorded, crossCopy }));
`;

/** CJS at run time: require() both entries. */
export const cjsScript = `
const { z } = require("zod");
const { defineEvents, HeraldError } = require("herald");
const { createManualClock } = require("herald/testing");
const { createEmbeddedEngine } = require("herald");

(async () => {
  const clock = createManualClock();
  const events = defineEvents({ "file.uploaded": z.object({ fileId: z.string() }) }, { transport: createEmbeddedEngine({ clock }) });
  const seen = [];
  events.on("file.uploaded", (file) => void seen.push(file.fileId));
  await events.sendEvent("file.uploaded", { fileId: "f1" }, { delay: "1m" });
  const beforeDelay = seen.length;
  await clock.advance(60_000);
  await events.drain();
  let invalid;
  try {
    await events.sendEvent("file.uploaded", { fileId: 1 });
  } catch (error) {
    invalid = { herald: error instanceof HeraldError, code: error.code, message: error.message };
  }
  console.log(JSON.stringify({ beforeDelay, seen, invalid }));
})();
`;

/** The catalog module a consumer writes; its inferred `events` type must be nameable (no TS2742). */
export const catalogModule = `
import { z } from "zod";
import { defineEvent, defineEvents } from "herald";

export const userV1 = defineEvent(z.object({ fullName: z.string() }), { owner: "accounts" });
export const profile = defineEvent({
  versions: [userV1, z.object({ name: z.string() })],
  upcast: [(v1) => ({ name: v1.fullName })],
});
export const events = defineEvents({
  "user.created": z.object({ email: z.email(), name: z.string().optional(), userId: z.string() }),
  "payment.processed": z.object({ amount: z.number().positive(), currency: z.string().length(3), at: z.coerce.date() }),
  "cache.flushed": z.undefined(),
  "user.profiled": profile,
});
// every member a consumer may export as is: each inferred type must be nameable from "herald"
export const { sendEvent, send, sendEvents, on, chain, parse, upcast, describe, toJSONSchema, toAsyncAPI, withTransport } =
  events;
export const handler: Parameters<typeof on<"user.created">>[1] = (user, ctx) => ctx.sendEvent("cache.flushed");
export const described = events.describe("user.profiled");
export const schemas = () => events.toJSONSchema();
`;

/** Uses the types a consumer imports; one line must not compile. */
export const usageModule = (from: string): string => `
import type { EventData, EventName, EventPayload, InferEvents } from "herald";
import { recordEvents, createManualClock } from "herald/testing";
import { events, sendEvent } from "${from}";

type Events = typeof events;
export const name: EventName<Events> = "payment.processed";
export const payment: EventPayload<Events, "payment.processed"> = { amount: 5, currency: "EUR", at: "2026-01-01" };
export const data = (d: EventData<Events, "payment.processed">): Date => d.at;
export type Map = InferEvents<Events>;
export const user: Map["user.created"] = { email: "a@b.co", userId: "u1" };

export async function main(): Promise<void> {
  await sendEvent("user.created", user, { delay: { hours: 1 } });
  await sendEvent("cache.flushed");
  await events.send({ name: "payment.processed", payload: payment, delay: "1h30m" });
  // @ts-expect-error userId must be a string
  await sendEvent("user.created", { email: "a@b.co", userId: 1 });
  events.on("payment.processed", (p) => void p.at.getTime());
  const recorder = recordEvents(events);
  const sent = recorder.expectSent("user.created", { userId: "u1" });
  sent.payload.email satisfies string;
  createManualClock().now() satisfies number;
}
`;

/** A CommonJS TypeScript consumer: under node16 resolution it reads the .d.cts types. */
export const cjsUsageModule = `
import { z } from "zod";
import { defineEvents, type EventPayload } from "herald";
import { recordEvents } from "herald/testing";

const events = defineEvents({ "user.created": z.object({ userId: z.string() }) });
export const payload: EventPayload<typeof events, "user.created"> = { userId: "u1" };
// @ts-expect-error not in the catalog
export const bad = () => events.sendEvent("user.deleted", { userId: "u1" });
export const recorder = recordEvents(events);
`;
