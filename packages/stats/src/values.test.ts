import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSummaries, summarizeTable, wasserstein1, ksStatistic } from './index';
import { compareSorted } from './sorted-compare';
import { HeapGuard, type NumericSummary } from './summary';
import { sortedValues, SortedCursor, ValueSpool, valueAt } from './values';

const dir = mkdtempSync(join(tmpdir(), 'mlci-values-'));

/** Deterministic values with many ties (rounded to 2 decimals) and a spread of signs. */
function sample(n: number, shift: number, seed: number): number[] {
  let state = seed;
  const uniform = () => ((state = (state * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  return Array.from(
    { length: n },
    () => Math.round((shift + Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())) * 100) / 100 || 0.5,
  );
}

describe('ValueStore external sort', () => {
  it('merges spilled runs in several passes into the same sorted values as one in-memory sort', () => {
    // Chunks of 7 values, 3 runs per merge and 2-value read blocks: 1,000 values take 143 runs and 5 passes.
    const spool = new ValueSpool(mkdtempSync(join(dir, 's-')), 0, 'x', { chunk: 7, fanIn: 3, block: 2 });
    const store = spool.store();
    const small = spool.store();
    const values = sample(1000, 0, 3);
    for (const v of values) store.push(v);
    for (const v of [3, 1, 2]) small.push(v);
    const column = store.finish();
    const expected = Float64Array.from(values).sort();
    expect(column.file).toBeDefined();
    expect(column.count).toBe(1000);
    expect(Array.from(sortedValues(column))).toEqual(Array.from(expected));
    expect(valueAt(column, 0)).toBe(expected[0]);
    expect(valueAt(column, 617)).toBe(expected[617]);
    const cursor = new SortedCursor(column, 5);
    const streamed = Array.from({ length: 1000 }, () => cursor.next());
    cursor.close();
    expect(streamed).toEqual(Array.from(expected));
    // A column below one chunk never spilled, and only the final sorted file is left per spilled column.
    expect(small.finish()).toEqual({ count: 3, array: Float64Array.from([1, 2, 3]) });
    expect(readdirSync(spool.dir!)).toEqual(['x-0.f64']);
    spool.close();
  });

  it('compares two sorted streams bit for bit as ksStatistic, wasserstein1 and bin counts on the arrays', () => {
    const a = Float64Array.from(sample(3000, 0, 5)).sort();
    const b = Float64Array.from(sample(2000, 0.2, 9)).sort();
    const spool = new ValueSpool(mkdtempSync(join(dir, 's-')), 0, 'y', { chunk: 64, fanIn: 4, block: 8 });
    const sa = spool.store();
    const sb = spool.store();
    for (const v of sample(3000, 0, 5)) sa.push(v);
    for (const v of sample(2000, 0.2, 9)) sb.push(v);
    const edges = [-1, -0.25, 0, 0.5, 1.3];
    // Bins (-inf, e1], (e1, e2], …, (ek, inf), counted directly.
    const counts = (x: Float64Array) => {
      const c = new Array<number>(edges.length + 1).fill(0);
      for (const v of x) {
        const bin = edges.findIndex((e) => v <= e);
        c[bin === -1 ? edges.length : bin]++;
      }
      return c;
    };
    const expected = { ks: ksStatistic(a, b), wasserstein: wasserstein1(a, b), countsA: counts(a), countsB: counts(b) };
    expect(compareSorted({ count: a.length, array: a }, { count: b.length, array: b }, edges)).toEqual(expected);
    const fa = sa.finish();
    const fb = sb.finish();
    expect(fa.file && fb.file).toBeTruthy();
    expect(compareSorted(fa, fb, edges)).toEqual(expected);
    expect(compareSorted(fa, { count: b.length, array: b }, edges)).toEqual(expected);
    spool.close();
  });
});

describe('drift on spilled values', () => {
  it('gives the same result from runs merged in several passes as from values held in memory', async () => {
    const write = (name: string, shift: number, seed: number) => {
      const x = sample(4000, shift, seed);
      const y = sample(4000, 0, seed + 1);
      const path = join(dir, name);
      writeFileSync(path, ['x,y,k', ...x.map((v, i) => `${v},${y[i]},${i % 3}`)].join('\n') + '\n');
      return path;
    };
    const ref = write('ref.csv', 0, 11);
    const cur = write('cur.csv', 0.1, 21);
    const spoolDir = mkdtempSync(join(dir, 'spool-'));
    const spilled = { keepValues: true, spoolDir, memoryBudget: 0, spoolShape: { chunk: 50, fanIn: 3, block: 4 } };
    const [r1, c1] = [await summarizeTable(ref, spilled), await summarizeTable(cur, spilled)];
    expect((r1.columns.x as NumericSummary).sorted!.file).toBeDefined();
    const [r2, c2] = [await summarizeTable(ref, { keepValues: true }), await summarizeTable(cur, { keepValues: true })];
    expect((r2.columns.x as NumericSummary).sorted!.array).toBeDefined();
    const options = { largeSampleRows: 1e9 };
    const fromDisk = compareSummaries(r1, c1, options);
    expect(fromDisk).toEqual(compareSummaries(r2, c2, options));
    expect(fromDisk.columns.find((c) => c.column === 'x')!.ks!.pValue).toBeLessThan(0.05);
    expect(existsSync(spoolDir)).toBe(true);
  });
});

describe('HeapGuard', () => {
  it('asks V8 for a full collection once the large-object space passes its limit, and not below it', () => {
    const big = Array.from({ length: 4 }, () => 'x'.repeat(1 << 20) + Math.random());
    const guard = new HeapGuard(1);
    guard.check();
    expect(guard.collections).toBe(1);
    const idle = new HeapGuard(1 << 20);
    idle.check();
    expect(idle.collections).toBe(0);
    expect(big.length).toBe(4);
  });
});
