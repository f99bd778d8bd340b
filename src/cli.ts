#!/usr/bin/env node
/**
 * The `herald` command: `herald send`, `herald dev` and `herald export`. Run `herald --help`.
 * @module
 */
import { main } from "./edges/cli/main.js";

const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // a second Ctrl-C while stopping means "now"
    if (controller.signal.aborted) process.exit(signal === "SIGTERM" ? 143 : 130);
    // the reason names the signal, so a stopped command exits 130 (SIGINT) or 143 (SIGTERM)
    controller.abort(signal);
  });
}

void main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
}).then((code) => {
  // stopped by a signal: whatever is still pending (a request, a catalog module's work) is abandoned
  if (controller.signal.aborted) process.exit(code);
  process.exitCode = code;
  // anything a catalog module left running (an interval, a connection) must not keep a stopped CLI alive
  setTimeout(() => process.exit(code), 1_000).unref();
});
