// Reads vitest's JSON report and prints the plain summary line CI reads: `tests: N passed, N failed`.
// A run that crashed before writing a report counts as one failure, never as zero tests.
import { readFileSync } from 'node:fs';

const [file, status] = process.argv.slice(2);
let passed, failed, skipped;
try {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} catch {
  failed = 1;
}
if (Number(status) !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
