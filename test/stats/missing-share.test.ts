// Issue #15 row 4: a surge of empty cells is drift. The two-proportion z and its p-value are checked against
// scipy.stats.norm computed live from the same counts; the check shows in the terminal, the job summary (the
// action) and the PR section.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driftSection } from '@mlci/report';
import { checkDrift, driftMarkdown, missingShareCheck, parseDriftConfig } from '@mlci/stats';
import { jsonOf, runCli } from '../harness/cli';
import { runAction } from '../harness/runner';

const dir = mkdtempSync(join(tmpdir(), 'mlci-missing-'));
const python = process.env.PYTHON ?? 'python3';

/** mulberry32: a seeded uniform source, so the data (and the counts) are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A CSV of `rows` rows: x (numbers), c (categories), key (an id-like text column) and steady (10 % empty on
 * both sides); `emptyShare` of x, c and key are empty.
 */
function table(name: string, rows: number, emptyShare: number, seed: number): string {
  const next = random(seed);
  const lines = ['x,c,key,steady'];
  for (let i = 0; i < rows; i++) {
    const empty = () => next() < emptyShare;
    lines.push(
      [
        empty() ? '' : (next() * 10).toFixed(4),
        empty() ? '' : ['red', 'green', 'blue'][Math.floor(next() * 3)],
        empty() ? '' : `k${seed}-${i}`,
        next() < 0.1 ? '' : (next() * 5).toFixed(3),
      ].join(','),
    );
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

// More rows than MAX_CATEGORIES, so `key` is too varied to compare as categories.
const ROWS = 12_000;
const reference = table('reference.csv', ROWS, 0, 1);
const current = table('current.csv', ROWS, 0.2, 2);

/** scipy's two-proportion z (pooled) and one-sided p for the same counts: z by hand, p = norm.sf(z). */
function scipyZ(m1: number, n1: number, m2: number, n2: number): { z: number; p: number } {
  const code = `
import json, math, sys
from scipy.stats import norm
m1, n1, m2, n2 = map(int, sys.argv[1:5])
p1, p2, p = m1 / n1, m2 / n2, (m1 + m2) / (n1 + n2)
z = (p2 - p1) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
print(json.dumps({"z": z, "p": float(norm.sf(z))}))`;
  return JSON.parse(execFileSync(python, ['-c', code, String(m1), String(n1), String(m2), String(n2)], { encoding: 'utf8' }));
}

describe('missing-share check', () => {
  it('flags a column 20 % newly empty, with the z and p-value scipy gives, and leaves an unchanged share alone', async () => {
    const result = await checkDrift({ data: current, reference });
    const x = result.columns.find((c) => c.column === 'x')!;
    const steady = result.columns.find((c) => c.column === 'steady')!;
    expect(x.missing.reference).toBe(0);
    expect(x.missing.current / ROWS).toBeGreaterThan(0.18);
    expect(x.missingShare).toMatchObject({ reference: 0, surged: true, threshold: 0.05 });
    expect(x.missingShare!.current).toBeCloseTo(x.missing.current / ROWS, 12);
    expect(x.drifted).toBe(true);
    expect(x.reason).toMatch(/^empty share rose from 0\.0% to \d+\.\d% \(\+\d+\.\d points, ≥ \+5\.0 drifts; z = /);
    // Its values did not move: only the empty cells drift it.
    expect(x.wasserstein!).toBeLessThan(0.1);
    const expected = scipyZ(x.missing.reference, ROWS, x.missing.current, ROWS);
    expect(x.missingShare!.z!).toBeCloseTo(expected.z, 9);
    // The one-sided p is far in the tail (it underflows to 0 in both at this z): relative agreement, or both 0.
    if (expected.p > 0) expect(Math.abs(x.missingShare!.pValue! - expected.p) / expected.p).toBeLessThan(1e-9);
    else expect(x.missingShare!.pValue!).toBe(0);
    expect(x.missingShare!.z!).toBeGreaterThan(40);

    // About 10 % empty on both sides: a z near 0, no surge, not drifted by it.
    expect(steady.missingShare!.surged).toBe(false);
    expect(Math.abs(steady.missingShare!.increase)).toBeLessThan(0.02);
    expect(steady.drifted).toBe(false);
    const s = scipyZ(steady.missing.reference, ROWS, steady.missing.current, ROWS);
    expect(steady.missingShare!.z!).toBeCloseTo(s.z, 9);
    expect(steady.missingShare!.pValue!).toBeCloseTo(s.p, 12);

    // A categorical column, and a text column too varied to compare, are flagged all the same.
    expect(result.columns.find((c) => c.column === 'c')).toMatchObject({ drifted: true, missingShare: { surged: true } });
    const key = result.columns.find((c) => c.column === 'key')!;
    expect(key).toMatchObject({ test: 'none', drifted: true, missingShare: { surged: true } });
    expect(result.driftedColumns.sort()).toEqual(['c', 'key', 'x']);
  });

  it('computes the pooled z by hand for small counts and is undefined where no cell is empty', () => {
    // 3 of 40 empty vs 9 of 50: p = 12/90, z = (0.18 − 0.075) / √(p(1 − p)(1/40 + 1/50)).
    const check = missingShareCheck({ missing: 3, cells: 40 }, { missing: 9, cells: 50 });
    const p = 12 / 90;
    expect(check.z!).toBeCloseTo((0.18 - 0.075) / Math.sqrt(p * (1 - p) * (1 / 40 + 1 / 50)), 9);
    expect(check).toMatchObject({ reference: 0.075, current: 0.18, increase: 0.105, surged: true });
    const none = missingShareCheck({ missing: 0, cells: 40 }, { missing: 0, cells: 50 });
    expect(none).toMatchObject({ increase: 0, surged: false });
    expect(none.z).toBeUndefined();
    // Exactly the threshold counts; just below does not; false switches the check off.
    expect(missingShareCheck({ missing: 0, cells: 100 }, { missing: 5, cells: 100 }).surged).toBe(true);
    expect(missingShareCheck({ missing: 0, cells: 100 }, { missing: 4, cells: 100 }).surged).toBe(false);
    expect(missingShareCheck({ missing: 0, cells: 100 }, { missing: 50, cells: 100 }, false)).toMatchObject({
      surged: false,
      threshold: null,
    });
  });

  it('reads missingShare from drift settings (global and per column) and refuses a bad one at its line', () => {
    expect(parseDriftConfig({ missingShare: 0.2, columns: { x: { missingShare: false } } })).toMatchObject({
      missingShare: 0.2,
      perColumn: { x: { missingShare: false } },
    });
    expect(() => parseDriftConfig({ missingShare: 0 }, 'drift.yml', () => 3)).toThrow('missingShare must be a number above 0');
    try {
      parseDriftConfig({ missingShare: 5 }, 'drift.yml', () => 3);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toContain('missingShare must be a number above 0 and at most 1');
      expect((error as { location?: { line?: number } }).location?.line).toBe(3);
    }
  });

  it('shows in the terminal, obeys --missing-share and refuses a bad value (exit 2)', async () => {
    const run = await runCli(['drift', current, '--reference', reference]);
    expect(run.exitCode).toBe(1); // 3 of 4 columns drifted
    expect(run.stdout).toMatch(/DRIFT x .* empty 0\.0% → \d+\.\d% \(surge\)/);
    expect(run.stdout).toMatch(/\n {10}empty share rose from 0\.0% to /);
    const higher = jsonOf(await runCli(['drift', current, '--reference', reference, '--missing-share', '0.5', '--json']));
    expect(higher.driftedColumns).toEqual([]);
    expect(higher.columns[0].missingShare.threshold).toBe(0.5);
    const off = jsonOf(await runCli(['drift', current, '--reference', reference, '--missing-share', 'off', '--json']));
    expect(off.driftedColumns).toEqual([]);
    const bad = await runCli(['drift', current, '--reference', reference, '--missing-share', '5']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--missing-share must be a share above 0 and at most 1');
    expect(bad.stderr).toContain('hint: e.g. --missing-share 0.1');
  });

  it('shows in the job summary and the PR section, and the action input sets the threshold', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-missing-ws-'));
    writeFileSync(join(workspace, 'current.csv'), readFileSync(current));
    writeFileSync(join(workspace, 'reference.csv'), readFileSync(reference));
    const run = await runAction('distribution-check', {
      workspace,
      inputs: { data: 'current.csv', reference: 'reference.csv', 'fail-on-drift': 'false' },
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.outputs['drifted-columns']).toBe('x,c,key');
    expect(run.summary).toContain('empty (ref → now)');
    expect(run.summary).toMatch(/\| x \| numeric \| \*\*yes\*\* \| .*empty share rose from 0\.0% to .* \| 0\.0% → \d+\.\d% \(surge\) \|/);
    const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
    const section = driftSection(result);
    expect(section.body).toContain('| drifted column | kind | decided by | PSI | JS (base 2) | empty (ref → now) |');
    expect(section.body).toMatch(/\| x \| numeric \| wasserstein: empty share rose .* \| 0\.0% → \d+\.\d% \(surge\) \|/);
    expect(driftMarkdown(result)).toContain('(surge)');

    const relaxed = await runAction('distribution-check', {
      workspace,
      inputs: { data: 'current.csv', reference: 'reference.csv', 'missing-share': '30%' },
    });
    expect(relaxed.exitCode, relaxed.stderr).toBe(0);
    expect(relaxed.outputs['drifted-columns']).toBe('');
    const wrong = await runAction('distribution-check', {
      workspace,
      inputs: { data: 'current.csv', reference: 'reference.csv', 'missing-share': 'lots' },
    });
    expect(wrong.exitCode).toBe(1); // an action fails its step on bad input
    expect(wrong.stdout + wrong.stderr).toContain('input "missing-share" must be a share above 0 and at most 1');
  });
});
