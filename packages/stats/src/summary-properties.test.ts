import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QuantileSketch } from './sketch';
import { mergeSummaries, summarizeTable, type NumericSummary, type TableSummary } from './summary';

// Property tests, each over several seeded random cases (deterministic: a failure reproduces).

const dir = mkdtempSync(join(tmpdir(), 'mlci-stats-props-'));
let files = 0;

/** Small seeded PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeCsv(rows: string[][]): string {
  const path = join(dir, `p${files++}.csv`);
  writeFileSync(path, ['x,grade,city,flag', ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

/** Rows with ties, missing cells, NaN/inf, a text column and a numeric column of few values. */
function randomRows(n: number, random: () => number): string[][] {
  const cities = ['Oslo', 'Lima', 'Pune', 'Kyiv', 'Accra'];
  return Array.from({ length: n }, () => {
    const u = random();
    const x = u < 0.03 ? '' : u < 0.04 ? 'NaN' : u < 0.045 ? 'inf' : (Math.round(random() * 400) / 8 - 20).toString();
    const grade = String(1 + Math.floor(random() * 4));
    const city = random() < 0.05 ? '' : cities[Math.floor(random() ** 2 * cities.length)];
    const flag = random() < 0.3 ? '1' : '0';
    return [x, grade, city, flag];
  });
}

/** Cuts rows into `parts` random contiguous pieces (some may be empty-ish but never empty). */
function cut<T>(rows: T[], parts: number, random: () => number): T[][] {
  const cuts = new Set<number>();
  while (cuts.size < parts - 1) cuts.add(1 + Math.floor(random() * (rows.length - 1)));
  const edges = [0, ...[...cuts].sort((a, b) => a - b), rows.length];
  return edges.slice(1).map((end, i) => rows.slice(edges[i], end));
}

/** The parts of a numeric summary that must merge exactly (sums compared with rounding tolerance). */
function exactParts(s: NumericSummary) {
  return {
    count: s.count,
    missing: s.missing,
    nonFinite: s.nonFinite,
    min: s.min,
    max: s.max,
    distinct: s.distinct,
    exact: s.exact ? [...s.exact].sort((a, b) => a - b) : null,
  };
}

function expectSameExactParts(merged: TableSummary, whole: TableSummary) {
  expect(merged.rows).toBe(whole.rows);
  for (const [name, w] of Object.entries(whole.columns)) {
    const m = merged.columns[name];
    expect(m.kind, name).toBe(w.kind);
    if (w.kind === 'categorical' && m.kind === 'categorical') expect(m, name).toEqual(w);
    if (w.kind === 'numeric' && m.kind === 'numeric') {
      expect(exactParts(m), name).toEqual(exactParts(w));
      expect(m.sum).toBeCloseTo(w.sum, 6);
      expect(m.sumSquares / w.sumSquares).toBeCloseTo(1, 12);
    }
  }
}

/** Largest |F̂(x) − F(x)| of a sketch against the exact sorted values, over every distinct value. */
function maxCdfError(sketch: QuantileSketch, sortedValues: Float64Array): number {
  const { values, weights } = sketch.weighted();
  const total = weights.reduce((a, b) => a + b, 0);
  let worst = 0;
  let j = 0;
  let below = 0;
  for (let i = 0; i < sortedValues.length;) {
    const x = sortedValues[i];
    while (i < sortedValues.length && sortedValues[i] === x) i++;
    while (j < values.length && values[j] <= x) below += weights[j++];
    worst = Math.max(worst, Math.abs(below / total - i / sortedValues.length));
  }
  return worst;
}

describe('summaries merge like the whole file', () => {
  it.each([1, 2, 3, 4, 5])('exact parts: merge(shards) = summary(all rows), seed %i', async (seed) => {
    const random = rng(seed);
    const rows = randomRows(400 + Math.floor(random() * 800), random);
    const shards = cut(rows, 2 + Math.floor(random() * 4), random);
    const whole = await summarizeTable(writeCsv(rows));
    const parts = await Promise.all(shards.map((s) => summarizeTable(writeCsv(s))));
    expectSameExactParts(mergeSummaries(parts), whole);
  });

  it.each([6, 7, 8])('merge is associative: (a+b)+c and a+(b+c) agree, seed %i', async (seed) => {
    const random = rng(seed);
    const [a, b, c] = await Promise.all(cut(randomRows(900, random), 3, random).map((s) => summarizeTable(writeCsv(s))));
    const left = mergeSummaries([mergeSummaries([a, b]), c]);
    const right = mergeSummaries([a, mergeSummaries([b, c])]);
    expectSameExactParts(left, right);
    // Everything but the floating-point sums (whose rounding depends on the order of addition) is identical.
    const { sum: _ls, sumSquares: _lq, ...l } = left.columns.x as NumericSummary;
    const { sum: _rs, sumSquares: _rq, ...r } = right.columns.x as NumericSummary;
    expect(l).toEqual(r);
  });

  it('past the exact limit, merged shards switch to a sketch whose CDF stays within the stated bound', async () => {
    const random = rng(9);
    const rows = randomRows(6000, random);
    const parts = await Promise.all(cut(rows, 4, random).map((s) => summarizeTable(writeCsv(s), { exactLimit: 2500 })));
    const merged = mergeSummaries(parts).columns.x as NumericSummary;
    const whole = (await summarizeTable(writeCsv(rows))).columns.x as NumericSummary;
    expect(merged.exact).toBe(null);
    expect(merged.count).toBe(whole.count);
    const sketch = new QuantileSketch(undefined, merged.sketch!);
    expect(sketch.weighted().weights.reduce((s, w) => s + w, 0)).toBe(whole.count);
    expect(maxCdfError(sketch, Float64Array.from(whole.exact!).sort())).toBeLessThanOrEqual(sketch.rankError());
  });
});

describe('quantile sketch', () => {
  const orders: Record<string, (n: number, random: () => number) => number[]> = {
    random: (n, random) => Array.from({ length: n }, () => random()),
    ascending: (n) => Array.from({ length: n }, (_, i) => i),
    descending: (n) => Array.from({ length: n }, (_, i) => n - i),
    'heavy ties': (n, random) => Array.from({ length: n }, () => Math.floor(random() * 7)),
    'zig-zag': (n) => Array.from({ length: n }, (_, i) => (i % 2 ? i : n - i)),
  };

  it.each(Object.keys(orders))('keeps every CDF value within rankError() after adds and merges (%s input)', (order) => {
    const random = rng(order.length);
    const n = 60_000;
    const values = orders[order](n, random);
    // Small k so many levels are exercised; the stated bound is what is checked, not a looser one.
    const k = 128;
    const whole = new QuantileSketch(k);
    for (const v of values) whole.add(v);
    const pieces = cut(values, 7, random).map((piece) => {
      const s = new QuantileSketch(k);
      for (const v of piece) s.add(v);
      return s;
    });
    const merged = pieces.reduce((a, b) => {
      a.merge(b);
      return a;
    });
    const exact = Float64Array.from(values).sort();
    for (const sketch of [whole, merged]) {
      expect(sketch.count).toBe(n);
      expect(sketch.weighted().weights.reduce((s, w) => s + w, 0)).toBe(n);
      const error = maxCdfError(sketch, exact);
      if (process.env.SKETCH_REPORT) console.log(order, sketch === whole ? 'adds' : 'merged', { error, bound: sketch.rankError() });
      expect(error).toBeLessThanOrEqual(sketch.rankError());
      // Bounded memory: at most k values per level, levels growing with log2(n / k).
      expect(sketch.toJSON().levels.flat().length).toBeLessThanOrEqual(k * sketch.toJSON().levels.length);
      expect(sketch.toJSON().levels.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n / k)) + 2);
    }
  });

  it('survives a JSON round trip unchanged, and merges the same afterwards', () => {
    const random = rng(42);
    const a = new QuantileSketch(64);
    const b = new QuantileSketch(64);
    for (let i = 0; i < 5000; i++) a.add(random());
    for (let i = 0; i < 3000; i++) b.add(random());
    const copy = new QuantileSketch(undefined, JSON.parse(JSON.stringify(a)));
    expect(copy.toJSON()).toEqual(a.toJSON());
    copy.merge(b);
    a.merge(b);
    expect(copy.toJSON()).toEqual(a.toJSON());
  });
});
