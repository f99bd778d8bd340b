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
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
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
  process.exitCode = code;
  // anything a catalog module left running (an interval, a connection) must not keep a stopped CLI alive
  setTimeout(() => process.exit(code), 1_000).unref();
});
