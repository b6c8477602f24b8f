import { kolmogorovSf } from './kolmogorov';

export interface KsResult {
  statistic: number;
  pValue: number;
  /** 'exact' (lattice paths, as scipy for max(n1, n2) <= 10,000) or 'asymptotic' (kstwo on the effective n). */
  method: 'exact' | 'asymptotic';
}

/** Largest sample size for which the exact p-value is computed (scipy's MAX_AUTO_N). */
export const KS_EXACT_LIMIT = 10_000;

/**
 * Two-sided KS statistic of two SORTED samples: max |F_a − F_b| over all pooled values, stepping past every
 * tie on both sides before comparing (so tied values never create a spurious gap).
 */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let d = 0;
  const n = a.length;
  const m = b.length;
  while (i < n && j < m) {
    const x = a[i] <= b[j] ? a[i] : b[j];
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    const diff = Math.abs(i / n - j / m);
    if (diff > d) d = diff;
  }
  return d;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** P(D >= h/n) for equal sizes n (scipy's _compute_prob_outside_square): alternating sum over reflections. */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * P(D >= d) for sizes m != n: the proportion of lattice paths from (0,0) to (m,n) that leave the band
 * |i·n/g − j·m/g| < h at some point. The recursion runs on that proportion directly (each cell holds
 * paths-that-left / C(i+j, i), a weighted average of its two predecessors; cells outside the band hold 1),
 * as scipy's _compute_outer_prob_inside_method does (Viehmann 2021): computing the inside proportion and
 * subtracting it from 1 would cancel every p-value below about 1e-16.
 */
function probOutsideByInsidePaths(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  // A[j] holds the proportion for the current column i. Column 0: a path up the j axis has left the band
  // once j·mg >= h, and stays out.
  const A = new Float64Array(n + 1);
  for (let j = 0; j <= n; j++) A[j] = j * mg < h ? 0 : 1;
  for (let i = 1; i <= m; i++) {
    const lo = Math.max(0, Math.floor((i * ng - h) / mg) + 1);
    const hi = Math.min(n, Math.ceil((i * ng + h) / mg) - 1);
    if (hi < lo) return 1;
    let below = 1; // the cell (i, j−1); below the band every path has left
    for (let j = 0; j <= n; j++) {
      if (j < lo || j > hi) {
        A[j] = 1;
        below = 1;
        continue;
      }
      const value = j === 0 ? A[0] : (A[j] * i + below * j) / (i + j);
      A[j] = value;
      below = value;
    }
  }
  return Math.min(1, Math.max(0, A[n]));
}

/** scipy.stats.ks_2samp(a, b) with its default method='auto' and alternative='two-sided'; inputs SORTED. */
export function ks2Samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pValue: NaN, method: 'exact' };
  return ksFromStatistic(ksStatistic(a, b), n1, n2);
}

/** ks2Samp from the statistic D of two sorted samples of sizes n1, n2 >= 1 (computed by ksStatistic or a merge). */
export function ksFromStatistic(d: number, n1: number, n2: number): KsResult {
  if (Math.max(n1, n2) <= KS_EXACT_LIMIT) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideByInsidePaths(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: h / lcm, pValue: p, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = Math.round((m * n) / (m + n));
  return { statistic: d, pValue: Math.min(1, Math.max(0, kolmogorovSf(en, d))), method: 'asymptotic' };
}
