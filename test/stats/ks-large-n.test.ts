// Issue #15 row 5: KS above 200,000 values. Data files are compared on every value (exact D, p as
// scipy.stats.ks_2samp chooses), also when the values wait in spool files; undrifted pairs keep the nominal
// false-alarm rate; sketches (shard summaries past their exact limit) decide only on a p-value interval.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDrift, compareSummaries, summarizeValues, type ColumnSummary, type TableSummary } from '@mlci/stats';

// CPU-bound simulations (about 20 s on an idle 2-core runner, minutes on a loaded one): a generous ceiling,
// not a budget.
const CEILING = 900_000;
const dir = mkdtempSync(join(tmpdir(), 'mlci-ks-large-'));
const python = process.env.PYTHON ?? 'python3';

/** mulberry32: a seeded uniform source (the simulations below are deterministic). */
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

/** A CSV of `rows` rows: x normal (5 decimals, so ties happen), k an integer 0–999 (many ties). */
function table(name: string, rows: number, shift: number, seed: number): string {
  const next = random(seed);
  const lines = ['x,k'];
  for (let i = 0; i < rows; i++) {
    const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    lines.push(`${(normal + shift).toFixed(5)},${Math.floor(next() * 1000)}`);
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/**
 * [low, high] holding a Binomial(n, p) count with probability at least 1 − alpha, alpha/2 cut from each
 * tail: the honest acceptance region for a false-alarm count from n independent pairs.
 */
function binomialBounds(n: number, p: number, alpha: number): [number, number] {
  const logPmf = (k: number) => {
    let lc = 0;
    for (let i = 1; i <= k; i++) lc += Math.log((n - k + i) / i);
    return lc + k * Math.log(p) + (n - k) * Math.log(1 - p);
  };
  const pmf = Array.from({ length: n + 1 }, (_, k) => Math.exp(logPmf(k)));
  let low = 0;
  for (let tail = pmf[0]; tail <= alpha / 2; tail += pmf[++low]);
  let high = n;
  for (let tail = pmf[n]; tail <= alpha / 2; tail += pmf[--high]);
  return [low, high];
}

const summaryOf = (column: ColumnSummary, rows: number): TableSummary => ({
  schema: 'mlci.table-summary/1',
  files: [],
  rows,
  exactLimit: 200_000,
  columns: { x: column },
});

describe('KS above 200,000 values', () => {
  it(
    'equals scipy.stats.ks_2samp on 250,000 vs 300,000 values read from CSV, spilled to disk or held in memory',
    async () => {
      const ref = table('ref.csv', 250_000, 0, 1);
      const cur = table('cur.csv', 300_000, 0.006, 2);
      const perColumn = { x: { test: 'ks' as const }, k: { test: 'ks' as const } };
      // A 1 MiB budget: both tables spill their values to spool files and are read back sorted.
      const spilled = await checkDrift({ data: cur, reference: ref, options: { perColumn, read: { memoryBudget: 1 << 20 } } });
      const inMemory = await checkDrift({ data: cur, reference: ref, options: { perColumn } });
      expect(spilled.columns).toEqual(inMemory.columns);
      const code = `
import json, sys
import numpy as np
from scipy import stats
a = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
b = np.loadtxt(sys.argv[2], delimiter=",", skiprows=1)
out = {}
for i, name in enumerate(["x", "k"]):
    r = stats.ks_2samp(a[:, i], b[:, i])
    w = stats.wasserstein_distance(a[:, i], b[:, i]) / a[:, i].std()
    out[name] = {"statistic": float(r.statistic), "pValue": float(r.pvalue), "wasserstein": float(w)}
print(json.dumps(out))`;
      const scipy = JSON.parse(execFileSync(python, ['-c', code, ref, cur], { encoding: 'utf8', maxBuffer: 1 << 24 }));
      for (const name of ['x', 'k']) {
        const c = spilled.columns.find((col) => col.column === name)!;
        expect(c.ks!.method).toBe('asymptotic'); // scipy: exact only up to 10,000 values
        expect(c.sketchRankError).toBeUndefined();
        expect(Math.abs(c.ks!.statistic - scipy[name].statistic), name).toBeLessThan(1e-12);
        expect(
          Math.abs(c.ks!.pValue - scipy[name].pValue) / scipy[name].pValue,
          `${name} p ${c.ks!.pValue} vs ${scipy[name].pValue}`,
        ).toBeLessThan(1e-6);
        // W1 itself agrees to rounding; σ comes from running sums here and two passes in numpy: 1e-8 relative.
        expect(Math.abs(c.wasserstein! - scipy[name].wasserstein) / scipy[name].wasserstein, name).toBeLessThan(1e-8);
        expect(c.notes.join(' ')).not.toContain('sketch');
      }
    },
    CEILING,
  );

  it(
    'keeps the nominal 5 % false-alarm rate on 200 undrifted pairs of 205,000 vs 215,000 values',
    () => {
      const pairs = 200;
      const next = random(2026);
      const draw = (n: number) => Float64Array.from({ length: n }, next);
      let alarms = 0;
      for (let i = 0; i < pairs; i++) {
        const ref = summaryOf(summarizeValues(draw(205_000), { keepValues: true }), 205_000);
        const cur = summaryOf(summarizeValues(draw(215_000), { keepValues: true }), 215_000);
        const x = compareSummaries(ref, cur, { perColumn: { x: { test: 'ks' } } }).columns[0];
        expect(x.ks!.method).toBe('asymptotic');
        if (x.drifted) alarms++;
      }
      // 99.9 % binomial acceptance region around 5 % for this count: [2, 21] of 200 (1.0 %–10.5 %).
      const [low, high] = binomialBounds(pairs, 0.05, 0.001);
      expect([low, high]).toEqual([2, 21]);
      if (process.env.KS_REPORT) console.log({ pairs, alarms, share: alarms / pairs, low, high });
      expect(alarms).toBeGreaterThanOrEqual(low);
      expect(alarms).toBeLessThanOrEqual(high);
    },
    CEILING,
  );

  it(
    'from sketches (shards past the exact limit), decides only when the whole p-value interval is on one side',
    () => {
      const pairs = 40;
      const next = random(7);
      const draw = (n: number, shift: number) => Float64Array.from({ length: n }, () => next() + shift);
      let alarms = 0;
      let inconclusive = 0;
      for (let i = 0; i < pairs; i++) {
        const ref = summaryOf(summarizeValues(draw(210_000, 0)), 210_000);
        const cur = summaryOf(summarizeValues(draw(210_000, 0)), 210_000);
        const x = compareSummaries(ref, cur, { perColumn: { x: { test: 'ks' } } }).columns[0];
        expect(x.ks!.method).toBe('sketch');
        const [pLow, pHigh] = x.ks!.pValueInterval!;
        const [dLow, dHigh] = x.ks!.statisticInterval!;
        expect(pLow).toBeLessThanOrEqual(x.ks!.pValue);
        expect(pHigh).toBeGreaterThanOrEqual(x.ks!.pValue);
        expect(dHigh - dLow).toBeLessThanOrEqual(2 * x.sketchRankError! + 1e-12);
        if (dLow > 0) expect(dHigh - dLow).toBeCloseTo(2 * x.sketchRankError!, 9);
        expect(x.drifted).toBe(pHigh < 0.05);
        expect(x.ks!.inconclusive).toBe(pLow < 0.05 && pHigh >= 0.05);
        if (x.drifted) alarms++;
        if (x.ks!.inconclusive) {
          inconclusive++;
          expect(x.notes.join(' ')).toContain('KS inconclusive');
        }
      }
      // Drifted only where the exact p is below 0.05 too (it lies in the interval): at most the exact test's
      // false alarms, whose 99.9 % bound for 40 pairs is this.
      expect(alarms).toBeLessThanOrEqual(binomialBounds(pairs, 0.05, 0.001)[1]);
      if (process.env.KS_REPORT) console.log({ pairs, alarms, inconclusive });
      // A real shift (2 % of the range: D ≈ 0.02, many times the bound) is decided from sketches all the same.
      const ref = summaryOf(summarizeValues(draw(210_000, 0)), 210_000);
      const shifted = summaryOf(summarizeValues(draw(210_000, 0.02)), 210_000);
      const x = compareSummaries(ref, shifted, { perColumn: { x: { test: 'ks' } } }).columns[0];
      expect(x).toMatchObject({ drifted: true, ks: { method: 'sketch', inconclusive: false } });
    },
    CEILING,
  );
});
