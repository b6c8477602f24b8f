/** The summary line CI reads: counts from vitest's JSON report plus the whole-tree checks, alone on the last line. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../harness/runner';

function summary(args: string[]): { lines: string[]; status: number | null } {
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts/test-summary.mjs'), ...args], { encoding: 'utf8' });
  return { lines: run.stdout.trim().split('\n'), status: run.status };
}

describe('scripts/test-summary.mjs', () => {
  const report = join(mkdtempSync(join(tmpdir(), 'mlci-summary-')), 'report.json');
  writeFileSync(report, JSON.stringify({ numPassedTests: 10, numFailedTests: 0, numFailedTestSuites: 0, numPendingTests: 2 }));

  it('counts each passing check as a passed test and ends with the plain line', () => {
    const { lines, status } = summary([report, '0', 'typecheck=0', 'lint=0']);
    expect(lines.at(-1)).toBe('tests: 12 passed, 0 failed');
    expect(status).toBe(0);
  });

  it('a failed type check or lint is a failed test, named above the summary', () => {
    const { lines, status } = summary([report, '0', 'typecheck=2', 'lint=0']);
    expect(lines).toContain('check failed: typecheck (exit 2)');
    expect(lines.at(-1)).toBe('tests: 11 passed, 1 failed');
    expect(status).toBe(1);
  });

  it('a failed test counts once, not again through its file; a file that failed to load counts once', () => {
    const failing = join(mkdtempSync(join(tmpdir(), 'mlci-summary-')), 'report.json');
    writeFileSync(
      failing,
      JSON.stringify({
        numPassedTests: 5,
        numFailedTests: 1,
        numFailedTestSuites: 3,
        testResults: [
          { status: 'failed', assertionResults: [{ status: 'passed' }, { status: 'failed' }] },
          { status: 'failed', assertionResults: [] },
          { status: 'passed', assertionResults: [{ status: 'passed' }] },
        ],
      }),
    );
    const { lines, status } = summary([failing, '1']);
    expect(lines.at(-1)).toBe('tests: 5 passed, 2 failed');
    expect(status).toBe(1);
  });

  it('a run that wrote no report is one failure, never zero tests', () => {
    const { lines } = summary([join(tmpdir(), 'no-such-report.json'), '1']);
    expect(lines.at(-1)).toBe('tests: 0 passed, 1 failed');
  });
});
