// Prints one plain closing line over the vitest JSON reports named on the command line (the unit +
// type run, the package tests and the interop layer of `npm test`): "tests: N passed, N failed". Exits 1 unless every
// report succeeded and something ran.
import { readFileSync } from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  ok &&= report.success;
}
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(ok && failed === 0 && passed > 0 ? 0 : 1);
