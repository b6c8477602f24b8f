import { chiSquareSf } from './special';

/** Floor for empty bins in PSI and Jensen–Shannon (Evidently's choice), so an empty bin costs a bounded amount. */
export const EMPTY_BIN_FLOOR = 1e-4;

const shares = (counts: ArrayLike<number>) => {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  return Array.from(counts, (c) => (total > 0 ? c / total : 0));
};

/** Population stability index Σ (a − e)·ln(a/e) over bins, shares floored at 1e-4. */
export function psi(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  const e = shares(referenceCounts);
  const a = shares(currentCounts);
  let sum = 0;
  for (let i = 0; i < e.length; i++) {
    const ei = Math.max(e[i], EMPTY_BIN_FLOOR);
    const ai = Math.max(a[i], EMPTY_BIN_FLOOR);
    sum += (ai - ei) * Math.log(ai / ei);
  }
  return sum;
}

/**
 * Jensen–Shannon DISTANCE in base 2 (√JSD, from 0 to 1), as scipy.spatial.distance.jensenshannon(p, q, base=2):
 * exact shares, no flooring (0·log 0 = 0).
 */
export function jensenShannon(referenceCounts: ArrayLike<number>, currentCounts: ArrayLike<number>): number {
  const p = shares(referenceCounts);
  const q = shares(currentCounts);
  let js = 0;
  for (let i = 0; i < p.length; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) js += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) js += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return Math.sqrt(Math.max(0, js));
}

/**
 * Wasserstein-1 distance between two empirical distributions given as SORTED values with weights
 * (scipy.stats.wasserstein_distance): ∫ |F_a(x) − F_b(x)| dx.
 */
export function wasserstein1(a: ArrayLike<number>, b: ArrayLike<number>, wa?: ArrayLike<number>, wb?: ArrayLike<number>): number {
  const sum = (w: ArrayLike<number>) => {
    let s = 0;
    for (let k = 0; k < w.length; k++) s += w[k];
    return s;
  };
  const totalA = wa ? sum(wa) : a.length;
  const totalB = wb ? sum(wb) : b.length;
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  let previous = Math.min(a[0], b[0]);
  let area = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i] : b[j];
    area += Math.abs(fa - fb) * (x - previous);
    for (; i < a.length && a[i] === x; i++) fa += (wa ? wa[i] : 1) / totalA;
    for (; j < b.length && b[j] === x; j++) fb += (wb ? wb[j] : 1) / totalB;
    previous = x;
  }
  return area;
}

export interface ChiSquareResult {
  statistic: number;
  pValue: number;
  dof: number;
  /** Categories whose expected count is below 5: the test is unreliable there. */
  lowExpected: number;
}

/**
 * Chi-square test of independence on the 2×K table (reference row, current row), as
 * scipy.stats.chi2_contingency(table, correction=False). Categories absent from both rows must be dropped
 * first; returns null when fewer than two categories remain (no test is defined).
 */
export function chiSquareContingency(reference: ArrayLike<number>, current: ArrayLike<number>): ChiSquareResult | null {
  const k = reference.length;
  if (k < 2) return null;
  let r = 0;
  let c = 0;
  for (let i = 0; i < k; i++) {
    r += reference[i];
    c += current[i];
  }
  const total = r + c;
  if (r === 0 || c === 0) return null;
  let statistic = 0;
  let lowExpected = 0;
  for (let i = 0; i < k; i++) {
    const column = reference[i] + current[i];
    const er = (column * r) / total;
    const ec = (column * c) / total;
    if (er < 5 || ec < 5) lowExpected++;
    statistic += (reference[i] - er) ** 2 / er + (current[i] - ec) ** 2 / ec;
  }
  const dof = k - 1;
  return { statistic, pValue: chiSquareSf(statistic, dof), dof, lowExpected };
}
