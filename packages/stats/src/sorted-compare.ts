import { SortedCursor, type SortedColumn } from './values';

/** What one pass over two sorted columns gives: the KS statistic, Wasserstein-1 and both sides' bin counts. */
export interface SortedComparison {
  /** max |F_a − F_b|, as ksStatistic. */
  ks: number;
  /** ∫ |F_a − F_b| dx, as wasserstein1 without weights. */
  wasserstein: number;
  /** Counts of a and of b in the bins (-inf, e1], (e1, e2], …, (ek, inf), as binCounts. */
  countsA: number[];
  countsB: number[];
}

/**
 * KS, Wasserstein-1 and bin counts of two SORTED, unweighted, non-empty columns in one merge of the two
 * streams: in memory or spool files read a block at a time, so a comparison never holds a whole column.
 * The arithmetic is that of ksStatistic, wasserstein1 and binCounts on arrays, step for step (the same sums
 * in the same order), so the figures are bit-identical to theirs.
 */
export function compareSorted(a: SortedColumn, b: SortedColumn, edges: number[]): SortedComparison {
  const n = a.count;
  const m = b.count;
  if (n === 0 || m === 0) throw new Error('compareSorted needs values on both sides');
  const ca = new SortedCursor(a);
  const cb = new SortedCursor(b);
  try {
    const e = edges.length;
    const countsA = new Array<number>(e + 1).fill(0);
    const countsB = new Array<number>(e + 1).fill(0);
    let av = ca.next();
    let bv = cb.next();
    let i = 0;
    let j = 0;
    let d = 0;
    let fa = 0;
    let fb = 0;
    let area = 0;
    let binA = 0;
    let binB = 0;
    let previous = Math.min(av, bv);
    while (i < n || j < m) {
      // ksStatistic steps only while both sides have values left; wasserstein1 runs on to the end of both.
      const both = i < n && j < m;
      const x = j >= m || (i < n && av <= bv) ? av : bv;
      area += Math.abs(fa - fb) * (x - previous);
      while (i < n && av === x) {
        fa += 1 / n;
        while (binA < e && av > edges[binA]) binA++;
        countsA[binA]++;
        av = ++i < n ? ca.next() : NaN;
      }
      while (j < m && bv === x) {
        fb += 1 / m;
        while (binB < e && bv > edges[binB]) binB++;
        countsB[binB]++;
        bv = ++j < m ? cb.next() : NaN;
      }
      previous = x;
      if (both) {
        const diff = Math.abs(i / n - j / m);
        if (diff > d) d = diff;
      }
    }
    return { ks: d, wasserstein: area, countsA, countsB };
  } finally {
    ca.close();
    cb.close();
  }
}
