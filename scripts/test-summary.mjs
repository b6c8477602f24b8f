// Reads vitest's JSON report and prints the plain summary line CI reads, alone on the last line:
// `tests: N passed, N failed`. A run that crashed before writing a report counts as one failure, never as
// zero tests. Further arguments `NAME=STATUS` are whole-tree checks run before the tests (typecheck, lint):
// each counts as one test, failed when its exit status is not 0.
import { readFileSync } from 'node:fs';

const [file, status, ...checks] = process.argv.slice(2);
let passed = 0;
let failed;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  // A file that failed with no failing test in it (an import error, a crashed hook) still counts once; a
  // failed test is never counted again through its file or describe block.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
  ).length;
  failed = (report.numFailedTests ?? 0) + brokenFiles;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} catch {
  failed = 1;
}
if (Number(status) !== 0 && failed === 0) failed = 1;
for (const check of checks) {
  const [name, code] = check.split('=');
  if (Number(code) === 0) passed++;
  else {
    failed++;
    console.log(`check failed: ${name} (exit ${code})`);
  }
}
if (skipped) console.log(`(${skipped} tests skipped or todo)`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
