import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDrift, compareSummaries, ks2Samp, mergeSummaries, QuantileSketch, summarizeTable } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mlci-drift-'));
let counter = 0;
function csv(header: string[], rows: unknown[][]): string {
  const path = join(dir, `d${counter++}.csv`);
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

/** A deterministic normal sample (Box–Muller on a fixed LCG), so tests never flake. */
function normals(n: number, mean: number, seed: number): number[] {
  let state = seed;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  return Array.from({ length: n }, () => mean + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()));
}

describe('checkDrift', () => {
  it('flags a shifted numeric column on a small sample by KS, and not an unshifted one', async () => {
    const ref = csv(
      ['x', 'y'],
      normals(300, 0, 1).map((v, i) => [v.toFixed(4), normals(1, 0, i + 7)[0].toFixed(4)]),
    );
    const cur = csv(
      ['x', 'y'],
      normals(300, 0.8, 2).map((v, i) => [v.toFixed(4), normals(1, 0, i + 1007)[0].toFixed(4)]),
    );
    const result = await checkDrift({ data: cur, reference: ref });
    const x = result.columns.find((c) => c.column === 'x')!;
    const y = result.columns.find((c) => c.column === 'y')!;
    expect(x).toMatchObject({ kind: 'numeric', test: 'ks', drifted: true });
    expect(x.ks!.pValue).toBeLessThan(1e-6);
    expect(y.drifted).toBe(false);
    expect(result.driftShare).toBe(0.5);
    expect(result.outcome).toBe('fail');
    expect(x.histogram.labels).toHaveLength(10);
  });

  it('does not flag a trivial shift on a large sample (normed Wasserstein decides), though KS p is tiny', async () => {
    const ref = csv(
      ['x'],
      normals(20000, 0, 3).map((v) => [v.toFixed(5)]),
    );
    const cur = csv(
      ['x'],
      normals(20000, 0.05, 4).map((v) => [v.toFixed(5)]),
    );
    const result = await checkDrift({ data: cur, reference: ref });
    const x = result.columns[0];
    expect(x.test).toBe('wasserstein');
    expect(x.wasserstein!).toBeLessThan(0.1);
    expect(x.drifted).toBe(false);
    expect(x.ks!.pValue).toBeLessThan(0.05);
    expect(result.outcome).toBe('pass');
  });

  it('tests categories by chi-square and names new and vanished ones', async () => {
    const ref = csv(['c'], [...Array(60).fill(['a']), ...Array(30).fill(['b']), ...Array(10).fill(['z'])]);
    const cur = csv(['c'], [...Array(20).fill(['a']), ...Array(50).fill(['b']), ...Array(30).fill(['new'])]);
    const result = await checkDrift({ data: cur, reference: ref });
    const c = result.columns[0];
    expect(c).toMatchObject({ kind: 'categorical', test: 'chi_square', drifted: true, newCategories: ['new'], vanishedCategories: ['z'] });
    expect(c.chiSquare!.dof).toBe(3);
  });

  it('reports a constant column without a test or NaN, and an empty column as not comparable', async () => {
    const ref = csv(
      ['k', 'e', 'n'],
      Array.from({ length: 20 }, (_, i) => ['same', '', i]),
    );
    const cur = csv(
      ['k', 'e', 'n'],
      Array.from({ length: 20 }, (_, i) => ['same', '', i === 3 ? 'NaN' : i === 4 ? 'inf' : i]),
    );
    const result = await checkDrift({ data: cur, reference: ref });
    const [k, e, n] = result.columns;
    expect(k.chiSquare).toBeUndefined();
    expect(k.drifted).toBe(false);
    expect(k.notes[0]).toContain('one category');
    expect(e.test).toBe('none');
    expect(e.notes[0]).toContain('no values');
    expect(n.nonFinite).toEqual({ reference: 0, current: 2 });
    expect(JSON.stringify(result)).not.toContain('NaN');
  });

  it('checks the target: minimum class share and new labels', async () => {
    const ref = csv(['label'], [...Array(50).fill(['cat']), ...Array(50).fill(['dog'])]);
    const cur = csv(['label'], [...Array(97).fill(['cat']), ...Array(2).fill(['dog']), ['bird']]);
    const result = await checkDrift({ data: cur, reference: ref, options: { target: { column: 'label', minClassShare: 0.1 } } });
    const checks = Object.fromEntries(result.target!.checks.map((c) => [c.check, c]));
    expect(checks.minClassShare.outcome).toBe('fail');
    expect(checks.minClassShare.message).toContain('"dog" 2.0%');
    expect(checks.newLabels).toMatchObject({ outcome: 'fail' });
    expect(checks.newLabels.message).toContain('"bird"');
    expect(result.outcome).toBe('fail');
  });

  it('lets a column choose its test and threshold', async () => {
    const ref = csv(
      ['x'],
      normals(200, 0, 5).map((v) => [v]),
    );
    const cur = csv(
      ['x'],
      normals(200, 0.3, 6).map((v) => [v]),
    );
    const result = await checkDrift({ data: cur, reference: ref, options: { perColumn: { x: { test: 'psi', threshold: 0.9 } } } });
    expect(result.columns[0]).toMatchObject({ test: 'psi', threshold: 0.9, drifted: false });
  });
});

describe('summaries for a matrix of shards', () => {
  it('merge to the same exact counts and KS as the whole', async () => {
    const values = normals(3000, 0, 9);
    const cats = values.map((v) => (v > 0 ? 'pos' : 'neg'));
    const rows = values.map((v, i) => [v.toFixed(6), cats[i]]);
    const whole = await summarizeTable(csv(['x', 'c'], rows));
    const a = await summarizeTable(csv(['x', 'c'], rows.slice(0, 1000)));
    const b = await summarizeTable(csv(['x', 'c'], rows.slice(1000, 2200)));
    const c = await summarizeTable(csv(['x', 'c'], rows.slice(2200)));
    const merged = mergeSummaries([a, mergeSummaries([b, c])]);
    expect(merged.rows).toBe(3000);
    expect(merged.columns.c).toEqual(whole.columns.c);
    const reference = await summarizeTable(
      csv(
        ['x', 'c'],
        normals(2000, 0.1, 10).map((v) => [v.toFixed(6), v > 0 ? 'pos' : 'neg']),
      ),
    );
    const fromMerged = compareSummaries(reference, merged).columns[0];
    const fromWhole = compareSummaries(reference, whole).columns[0];
    expect(fromMerged.ks).toEqual(fromWhole.ks);
    expect(fromMerged.wasserstein).toBeCloseTo(fromWhole.wasserstein!, 10);
  });

  it('switch to the sketch past the exact limit, with KS within the stated bound', async () => {
    const refValues = normals(30000, 0, 11);
    const curValues = normals(30000, 0.1, 12);
    const ref = await summarizeTable(
      csv(
        ['x'],
        refValues.map((v) => [v]),
      ),
      { exactLimit: 5000 },
    );
    const cur = await summarizeTable(
      csv(
        ['x'],
        curValues.map((v) => [v]),
      ),
      { exactLimit: 5000 },
    );
    expect(ref.columns.x.kind === 'numeric' && ref.columns.x.exact).toBe(null);
    const sketched = compareSummaries(ref, cur).columns[0];
    const exact = ks2Samp(Float64Array.from(refValues).sort(), Float64Array.from(curValues).sort());
    expect(sketched.ks!.method).toBe('sketch');
    expect(sketched.sketchRankError!).toBeGreaterThan(0);
    expect(Math.abs(sketched.ks!.statistic - exact.statistic)).toBeLessThanOrEqual(sketched.sketchRankError!);
  });

  it('sketch merge is associative in count and keeps weight', () => {
    const parts = [0, 1, 2].map((p) => {
      const s = new QuantileSketch(64);
      for (let i = 0; i < 1000; i++) s.add(p * 1000 + i);
      return s;
    });
    parts[0].merge(parts[1]);
    parts[0].merge(parts[2]);
    const { weights } = parts[0].weighted();
    expect(parts[0].count).toBe(3000);
    expect(weights.reduce((a, b) => a + b, 0)).toBe(3000);
  });
});

describe('high-cardinality text columns', () => {
  it('are reported as not compared instead of testing a truncated table', async () => {
    const ref = csv(
      ['key'],
      Array.from({ length: 12_000 }, (_, i) => [`r${i}`]),
    );
    const cur = csv(
      ['key'],
      Array.from({ length: 12_000 }, (_, i) => [`c${i}`]),
    );
    const result = await checkDrift({ data: cur, reference: ref });
    expect(result.columns[0]).toMatchObject({ test: 'none', drifted: false });
    expect(result.columns[0].notes[0]).toContain('distinct values');
  });
});

describe('non-finite values in a column of few values', () => {
  it('are counted as non-finite, never compared as categories', async () => {
    const ref = csv(['a'], [[1], [2], [3], [4]]);
    const cur = csv(['a'], [[1], [2], ['NaN'], ['inf'], ['-inf'], [''], [3]]);
    const result = await checkDrift({ data: cur, reference: ref });
    expect(result.columns[0].newCategories ?? []).toEqual([]);
    expect(result.columns[0].histogram.labels).not.toContain('NaN');
  });
});

describe('a column of numbers with a stray text value', () => {
  it('is reported as mixing numbers and text, not as too varied', async () => {
    const ref = csv(
      ['v'],
      Array.from({ length: 50 }, (_, i) => [i]),
    );
    const cur = csv(['v'], [...Array.from({ length: 50 }, (_, i) => [i]), ['oops']]);
    const result = await checkDrift({ data: cur, reference: ref });
    expect(result.columns[0].test).toBe('none');
    expect(result.columns[0].notes[0]).toContain('mixes numbers and text');
  });
});
