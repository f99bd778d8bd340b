/**
 * herald on its embedded engine: broadcast, validation, chaining, a delay, retries, and history.
 * Run it with `npm run example`.
 */
import { createEmbeddedEngine, EventValidationError, type EventRecord } from "herald";
import { events as catalog, type NewUser } from "./events.js";

const started = Date.now();
const log = (line: string): void => console.log(`${`+${Date.now() - started}ms`.padStart(7)}  ${line}`);
const section = (title: string): void => console.log(`\n== ${title}`);

// The catalog's default transport is an embedded engine too; this one has a shorter backoff and
// is kept in a variable so its history can be read at the end. Same catalog, another transport.
const engine = createEmbeddedEngine({ maxAttempts: 3, backoff: { initialMs: 50 } });
const events = catalog.withTransport(engine);

// -- subscribers --------------------------------------------------------------------------------
// user.created has two subscribers: both run for every event, independently
events.on("user.created", function sendWelcomeEmail(user) {
  log(`sendWelcomeEmail: welcome, ${user.name ?? user.email}`);
});
let crmCalls = 0;
events.on("user.created", function syncCrm(user, ctx) {
  crmCalls++;
  // fails on its first attempt, as a flaky API would: the engine retries it with backoff
  if (crmCalls === 1) throw new Error("CRM timed out");
  log(`syncCrm: user ${user.userId} synced on attempt ${ctx.attempt}`);
});

// file.uploaded -> file.processed: the declarative chain; the mapping is checked against file.processed
events.chain("file.uploaded", "file.processed", (file) => ({
  fileId: file.fileId,
  processingResult: file.filename.endsWith(".png") ? "success" : "failure",
}));
events.on("file.processed", function recordResult(file, ctx) {
  const { id, correlationId, causationId } = ctx.event;
  log(`recordResult: ${file.fileId} -> ${file.processingResult}`);
  log(`  lineage: id=${id} causationId=${causationId} correlationId=${correlationId}`);
});
events.on("file.processed", function notifySlack() {
  // always fails: after maxAttempts the run is marked failed, with its error, in the history
  throw new Error("Slack webhook returned 500");
});

events.on("reminder.send", function sendReminder(reminder) {
  log(`sendReminder: "${reminder.message}" to ${reminder.userId}`);
});

// -- sends --------------------------------------------------------------------------------------
section("user.created: broadcast to two subscribers (syncCrm fails once, then succeeds)");
const user: NewUser = { email: "user@example.com", name: "John Doe", userId: "123456" };
const created = await events.sendEvent("user.created", user);
log(`sent user.created ${created.id}`);
await events.drain(); // only to keep this output in order; subscribers run without it

section("payment.processed: a payload that type-checks but fails the schema");
try {
  await events.sendEvent("payment.processed", { amount: -5, currency: "EURO", customerId: "cus_1" });
} catch (error) {
  if (!(error instanceof EventValidationError)) throw error;
  log(`${error.name} [${error.code}]: ${error.message}`);
  log(`  paths: ${error.issues.map((issue) => issue.path?.join(".")).join(", ")} (nothing was sent)`);
}
await events.sendEvent("payment.processed", { amount: 42, currency: "EUR", customerId: "cus_1" });
log("sent a valid payment.processed (no subscribers: it is recorded all the same)");
await events.drain();

section("file.uploaded -> file.processed: a chain with lineage");
const uploaded = await events.sendEvent("file.uploaded", { fileId: "f1", filename: "photo.png" });
log(`sent file.uploaded ${uploaded.id}`);
await events.drain(); // notifySlack retries twice (50 ms, then 100 ms) before it is marked failed

section('reminder.send: delayed by "200ms"');
const reminder = await events.send({
  name: "reminder.send",
  payload: { userId: "123456", message: "Finish setting up your account" },
  delay: "200ms",
});
log(`scheduled reminder.send for ${reminder.deliverAt}`);

// -- wait for everything, then read the history -------------------------------------------------
section("drain: resolves once nothing is queued, retrying or scheduled (the reminder runs here)");
await events.drain();
log("drained");

section("history (oldest first)");
for (const record of [...engine.history.list()].reverse()) console.log(describe(record));

const stats = engine.history.stats();
const rate = stats.successRate === null ? "n/a" : `${Math.round(stats.successRate * 100)}%`;
section("stats");
console.log(
  `  events: ${stats.events} (${stats.succeeded} succeeded, ${stats.failed} failed, ${stats.pending} pending), success rate ${rate}`,
);
console.log(`  runs:   ${stats.runs.succeeded} succeeded, ${stats.runs.failed} failed`);

await events.close();

function describe(record: EventRecord): string {
  const head = `  ${record.event.name.padEnd(18)} ${record.status.padEnd(9)} ${record.event.id}`;
  const runs = record.runs.map((run) => {
    const error = run.error ? ` (${run.error.message})` : "";
    return `\n      ${run.subscriber.padEnd(32)} ${run.status.padEnd(9)} attempts=${run.attempts}${error}`;
  });
  return head + (runs.length ? runs.join("") : "\n      (no subscribers)");
}
