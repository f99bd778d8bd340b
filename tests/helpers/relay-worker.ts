/**
 * A relay worker process for the crash tests: `node --import tsx tests/helpers/relay-worker.ts`
 * with DATABASE_URL and TRIGGER_URL set. It runs postgresTransport's relay worker forwarding to
 * triggerTransport at TRIGGER_URL, prints "relay worker ready" once started, and runs until it is
 * killed (the tests use SIGKILL) or sent SIGTERM (it closes and exits 0).
 */
import { triggerTransport } from "../../src/delivery/trigger/transport.js";
import { postgresTransport } from "../../src/postgres.js";
import { RELAY_SETTINGS, RELAY_ROUTES } from "./relay-settings.js";

const url = process.env.DATABASE_URL;
const triggerUrl = process.env.TRIGGER_URL;
if (!url || !triggerUrl) throw new Error("relay-worker needs DATABASE_URL and TRIGGER_URL");

const relay = triggerTransport({
  baseURL: triggerUrl,
  accessToken: "tr_dev_testkey123",
  routes: RELAY_ROUTES,
  retry: { maxAttempts: 1 },
  timeoutMs: 1000,
});
const transport = await postgresTransport({
  connectionString: url,
  ...RELAY_SETTINGS,
  relay,
  onError: (error) => console.error(`relay worker: ${error.message}`),
});
console.log("relay worker ready");
process.once("SIGTERM", () => {
  void transport.close().then(() => process.exit(0));
});
