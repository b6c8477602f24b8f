import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputError, usageError, worstOutcome, type Outcome } from '@mlci/core';
import { chiSquareContingency, jensenShannon, psi, wasserstein1 } from './distances';
import { normalCdf } from './erf';
import { kolmogorovSf } from './kolmogorov';
import { ksFromStatistic, ksStatistic } from './ks';
import { compareSorted } from './sorted-compare';
import { summarizeAll } from './parallel';
import {
  distributionOf,
  MAX_CATEGORIES,
  type ColumnSummary,
  type NumericSummary,
  type SummarizeOptions,
  type TableSummary,
} from './summary';
import { releaseReadBuffers, valueAt, type SortedColumn } from './values';

export type DriftTest = 'ks' | 'chi_square' | 'wasserstein' | 'psi' | 'jensen_shannon';

/** Per-column override of the decisive test and its threshold. */
export interface ColumnDriftOptions {
  test?: DriftTest;
  /** p-value below which (ks, chi_square) or distance at or above which (the others) the column drifted. */
  threshold?: number;
  /** This column's missing-share threshold (see DriftOptions.missingShare). */
  missingShare?: number | false;
}

export interface TargetOptions {
  column: string;
  /**
   * Fail when a class's share in the current data is below this (categorical targets). 0 to 1.
   * @default 0.05
   */
  minClassShare?: number;
  /** Fail when a numeric target leaves this range. @default the reference's [min, max], as a warning only */
  range?: [number, number];
}

export interface DriftOptions {
  /** Columns to compare. @default every column both datasets have */
  columns?: string[];
  /** Columns never compared (ids, timestamps). @default none */
  ignore?: string[];
  /** Per-column test and threshold. */
  perColumn?: Record<string, ColumnDriftOptions>;
  /**
   * Reference rows above which distances decide instead of p-values (a p-value flags trivial shifts on
   * large samples). @default 1000 (Evidently's cut)
   */
  largeSampleRows?: number;
  /** The dataset fails when at least this share of columns drifted. 0 to 1. @default 0.5 */
  driftShare?: number;
  /**
   * A column drifted when its share of empty cells grew by at least this much (current − reference, 0 to 1;
   * 0.05 = 5 percentage points), whatever its values did. The one-sided two-proportion z-test is reported
   * beside it, but does not decide (at a million rows any change is significant). false: no missing check.
   * @default 0.05
   */
  missingShare?: number | false;
  target?: TargetOptions;
  /** Passed to the readers (delimiter, format) and summaries (exactLimit). */
  read?: SummarizeOptions;
}

/** Default thresholds, by test. Why these: packages/stats/README.md. */
export const DEFAULT_THRESHOLDS: Record<DriftTest, number> = {
  ks: 0.05,
  chi_square: 0.05,
  wasserstein: 0.1,
  psi: 0.1,
  jensen_shannon: 0.12,
};

export interface ColumnDrift {
  column: string;
  kind: 'numeric' | 'categorical';
  /** The test that decides `drifted`; 'none' when a side has no values. */
  test: DriftTest | 'none';
  threshold: number | null;
  drifted: boolean;
  ks?: KsFigure;
  chiSquare?: { statistic: number; pValue: number; dof: number; lowExpected: number };
  /** Wasserstein-1 divided by the reference's population standard deviation (floor 0.001), as Evidently. */
  wasserstein?: number;
  psi: number | null;
  /** Jensen–Shannon distance, base 2 (0 to 1). */
  jensenShannon: number | null;
  missing: { reference: number; current: number };
  /** Empty cells as shares of the column's cells, on each side, and the check on their increase. */
  missingShare?: MissingShareCheck;
  nonFinite?: { reference: number; current: number };
  newCategories?: string[];
  vanishedCategories?: string[];
  /** Shares per bin (reference deciles, or categories) for the chart. */
  histogram: { labels: string[]; reference: number[]; current: number[] };
  /** Set when values came from a quantile sketch: the bound on any CDF error. */
  sketchRankError?: number;
  /** Why the column was decided the way it was when the usual test could not decide it (also the first note). */
  reason?: string;
  notes: string[];
}

export interface KsFigure {
  statistic: number;
  pValue: number;
  /** 'exact' and 'asymptotic' as scipy.stats.ks_2samp(method='auto') on every value; 'sketch' from quantile sketches. */
  method: 'exact' | 'asymptotic' | 'sketch';
  /**
   * Sketch only: the exact statistic lies in [statistic − ε, statistic + ε] (ε = both sketches' rank bound),
   * so the exact p-value lies in pValueInterval = [p(D + ε), p(D − ε)]. The point estimate is not centred (a
   * maximum over noisy CDFs is biased upward), so KS decides only when the whole interval is on one side.
   */
  statisticInterval?: [number, number];
  pValueInterval?: [number, number];
  /** Sketch only: the p-value interval straddles the threshold, so KS cannot decide; the column is not drifted. */
  inconclusive?: boolean;
}

export interface MissingShareCheck {
  reference: number;
  current: number;
  /** current − reference. */
  increase: number;
  /**
   * Pooled two-proportion z statistic of the increase, (p₂ − p₁) / √(p(1 − p)(1/n₁ + 1/n₂)), and its one-sided
   * p-value 1 − Φ(z); absent when no cell is empty on either side (or every cell is), where it is undefined.
   */
  z?: number;
  pValue?: number;
  /** The increase at or above which the column drifted; null when the check is off. */
  threshold: number | null;
  surged: boolean;
}

/** Default missing-share threshold: an increase of 5 percentage points. */
export const DEFAULT_MISSING_SHARE = 0.05;

/** All cells of a column: values, empty cells and NaN / ±Infinity. */
const cellsOf = (s: ColumnSummary) => s.count + s.missing + (s.nonFinite ?? 0);

/** The missing-share check of one column (exported for tests and reports). */
export function missingShareCheck(
  reference: { missing: number; cells: number },
  current: { missing: number; cells: number },
  threshold: number | false = DEFAULT_MISSING_SHARE,
): MissingShareCheck {
  const p1 = reference.cells ? reference.missing / reference.cells : 0;
  const p2 = current.cells ? current.missing / current.cells : 0;
  const pooled = reference.cells + current.cells ? (reference.missing + current.missing) / (reference.cells + current.cells) : 0;
  const se = reference.cells && current.cells ? Math.sqrt(pooled * (1 - pooled) * (1 / reference.cells + 1 / current.cells)) : 0;
  const z = se > 0 ? (p2 - p1) / se : null;
  const increase = p2 - p1;
  return {
    reference: round(p1),
    current: round(p2),
    increase: round(increase),
    ...(z === null ? {} : { z: round(z), pValue: normalCdf(-z) }),
    threshold: threshold === false ? null : threshold,
    // A hair below the threshold in floating point (0.25 − 0.2) still counts as reaching it.
    surged: threshold !== false && current.cells > 0 && increase >= threshold - 1e-12,
  };
}

const pct1 = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Records the missing-share check on a column; a surge drifts it, with the reason when nothing else did. */
function applyMissingShare(col: ColumnDrift, ref: ColumnSummary, cur: ColumnSummary, threshold: number | false): void {
  const check = missingShareCheck({ missing: ref.missing, cells: cellsOf(ref) }, { missing: cur.missing, cells: cellsOf(cur) }, threshold);
  col.missingShare = check;
  if (!check.surged) return;
  const text = `empty share rose from ${pct1(check.reference)} to ${pct1(check.current)} (+${(check.increase * 100).toFixed(1)} points, ≥ +${(
    check.threshold! * 100
  ).toFixed(
    1,
  )} drifts${check.z !== undefined ? `; z = ${Number(check.z.toPrecision(3))}, one-sided p = ${Number(check.pValue!.toPrecision(3))}` : ''})`;
  col.notes.push(text);
  if (!col.drifted) {
    col.drifted = true;
    col.reason = col.reason ? `${col.reason}; ${text}` : text;
  }
}

export interface TargetCheck {
  check: 'minClassShare' | 'newLabels' | 'vanishedLabels' | 'range';
  outcome: Outcome;
  message: string;
}

export interface DriftResult {
  outcome: Outcome;
  /** Drifted columns / compared columns. */
  driftShare: number;
  driftedColumns: string[];
  rows: { reference: number; current: number };
  columns: ColumnDrift[];
  target?: { column: string; checks: TargetCheck[] };
  notes: string[];
}

const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(12)) : x);

/** Quantile of a sorted weighted sample: the smallest value whose cumulative weight reaches q. */
function quantile(values: Float64Array, weights: Float64Array | null, q: number): number {
  // Unweighted: the first index whose count i + 1 reaches q·n, directly.
  if (!weights) return values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))];
  const total = weights.reduce((a, b) => a + b, 0);
  let cumulative = 0;
  for (let i = 0; i < values.length; i++) {
    cumulative += weights ? weights[i] : 1;
    if (cumulative >= q * total) return values[i];
  }
  return values[values.length - 1];
}

/** Counts of a sorted weighted sample in bins (-inf, e1], (e1, e2], …, (ek, inf). */
function binCounts(values: Float64Array, weights: Float64Array | null, edges: number[]): number[] {
  const counts = new Array(edges.length + 1).fill(0);
  let bin = 0;
  for (let i = 0; i < values.length; i++) {
    while (bin < edges.length && values[i] > edges[bin]) bin++;
    counts[bin] += weights ? weights[i] : 1;
  }
  return counts;
}

/** Weighted KS statistic on sorted samples (exact samples take the unweighted path). */
function weightedKs(a: Float64Array, wa: Float64Array | null, b: Float64Array, wb: Float64Array | null): number {
  if (!wa && !wb) return ksStatistic(a, b);
  const ta = wa ? wa.reduce((s, w) => s + w, 0) : a.length;
  const tb = wb ? wb.reduce((s, w) => s + w, 0) : b.length;
  let i = 0;
  let j = 0;
  let fa = 0;
  let fb = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] <= b[j] ? a[i] : b[j];
    for (; i < a.length && a[i] === x; i++) fa += (wa ? wa[i] : 1) / ta;
    for (; j < b.length && b[j] === x; j++) fb += (wb ? wb[j] : 1) / tb;
    d = Math.max(d, Math.abs(fa - fb));
  }
  return d;
}

/**
 * The sorted values of an exact summary (every finite value in memory or in a spool file), or null for a
 * sketch.
 */
function sortedOf(s: NumericSummary): SortedColumn | null {
  if (s.sorted) return s.sorted;
  if (s.exact) return { count: s.exact.length, array: Float64Array.from(s.exact).sort() };
  return null;
}

/** Reference deciles as bin edges (duplicates dropped: a column with few values gets fewer bins). */
function decileEdges(ref: NumericSummary, at: (q: number) => number): number[] {
  // A constant reference has no deciles to speak of: below / equal to / above the constant are its three bins,
  // so PSI and Jensen–Shannon see a current value that differs from it.
  if (ref.min === ref.max) return [nextDown(ref.min), ref.min];
  return [...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => at(k / 10)))].filter((e) => e < ref.max);
}

function numericDrift(column: string, ref: NumericSummary, cur: NumericSummary): Omit<ColumnDrift, 'test' | 'threshold' | 'drifted'> {
  const notes: string[] = [];
  let ks: ColumnDrift['ks'];
  let w1: number;
  let edges: number[];
  let rc: number[];
  let cc: number[];
  let rankError = 0;
  const rs = sortedOf(ref);
  const cs = sortedOf(cur);
  if (rs && cs) {
    // Exact on both sides: deciles read at their ranks, then one merge of the two sorted streams gives KS,
    // Wasserstein and the bin counts (spool files are read a block at a time, never whole).
    edges = decileEdges(ref, (q) => valueAt(rs, Math.min(rs.count - 1, Math.max(0, Math.ceil(q * rs.count) - 1))));
    const pass = compareSorted(rs, cs, edges);
    ks = ksFromStatistic(pass.ks, rs.count, cs.count);
    w1 = pass.wasserstein;
    rc = pass.countsA;
    cc = pass.countsB;
  } else {
    const r = distributionOf(ref);
    const c = distributionOf(cur);
    const d = weightedKs(r.values, r.weights, c.values, c.weights);
    const [m, n] = ref.count >= cur.count ? [ref.count, cur.count] : [cur.count, ref.count];
    const en = Math.round((m * n) / (m + n));
    const epsilon = r.rankError + c.rankError;
    rankError = epsilon;
    const low = Math.max(0, d - epsilon);
    const high = Math.min(1, d + epsilon);
    const p = (x: number) => Math.min(1, Math.max(0, kolmogorovSf(en, x)));
    ks = {
      statistic: d,
      pValue: p(d),
      method: 'sketch',
      statisticInterval: [round(low), round(high)],
      pValueInterval: [p(high), p(low)],
    };
    notes.push(
      `KS from quantile sketches: the exact statistic is within ±${epsilon.toFixed(4)} of ${Number(d.toPrecision(4))}, so p is in [${Number(ks.pValueInterval![0].toPrecision(3))}, ${Number(ks.pValueInterval![1].toPrecision(3))}]; KS decides only when that interval is on one side of the threshold (summarise shards with a larger --exact-limit for exact KS)`,
    );
    w1 = wasserstein1(r.values, c.values, r.weights ?? undefined, c.weights ?? undefined);
    edges = decileEdges(ref, (q) => quantile(r.values, r.weights, q));
    rc = binCounts(r.values, r.weights, edges);
    cc = binCounts(c.values, c.weights, edges);
  }
  const mean = ref.sum / ref.count;
  const std = Math.sqrt(Math.max(0, ref.sumSquares / ref.count - mean * mean));
  const fmt = (x: number) => Number(x.toPrecision(3)).toString();
  const labels =
    ref.min === ref.max
      ? [`< ${fmt(ref.min)}`, `= ${fmt(ref.min)}`, `> ${fmt(ref.min)}`]
      : rc.map((_, i) =>
          i === 0
            ? `≤ ${fmt(edges[0] ?? ref.max)}`
            : i === edges.length
              ? `> ${fmt(edges[i - 1])}`
              : `${fmt(edges[i - 1])}–${fmt(edges[i])}`,
        );
  const share = (counts: number[]) => {
    const t = counts.reduce((a, b) => a + b, 0);
    return counts.map((x) => round(t ? x / t : 0));
  };
  return {
    column,
    kind: 'numeric',
    ks: { ...ks, statistic: round(ks.statistic), pValue: ks.pValue },
    wasserstein: round(w1 / Math.max(std, 0.001)),
    psi: round(psi(rc, cc)),
    jensenShannon: round(jensenShannon(rc, cc)),
    missing: { reference: ref.missing, current: cur.missing },
    nonFinite: { reference: ref.nonFinite, current: cur.nonFinite },
    histogram: { labels, reference: share(rc), current: share(cc) },
    ...(rankError ? { sketchRankError: round(rankError) } : {}),
    notes,
  };
}

/** The largest double below x (x finite). */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + (x > 0 ? -1n : 1n));
  return view.getFloat64(0);
}

function countsOf(s: ColumnSummary): Record<string, number> {
  return s.kind === 'categorical' ? s.counts : (s.distinct ?? {});
}

function categoricalDrift(column: string, ref: ColumnSummary, cur: ColumnSummary): Omit<ColumnDrift, 'test' | 'threshold' | 'drifted'> {
  const rc = countsOf(ref);
  const cc = countsOf(cur);
  const categories = [...new Set([...Object.keys(rc), ...Object.keys(cc)])].sort();
  const r = categories.map((k) => rc[k] ?? 0);
  const c = categories.map((k) => cc[k] ?? 0);
  const notes: string[] = [];
  const chi = chiSquareContingency(r, c);
  if (!chi) notes.push('one category in both datasets: no chi-square test is defined, and nothing can have drifted');
  else if (chi.lowExpected > 0)
    notes.push(
      `${chi.lowExpected} categor${chi.lowExpected === 1 ? 'y has' : 'ies have'} expected counts below 5: the chi-square p-value is unreliable there`,
    );
  const newCategories = categories.filter((k) => !rc[k] && cc[k]);
  const vanishedCategories = categories.filter((k) => rc[k] && !cc[k]);
  const tr = r.reduce((a, b) => a + b, 0);
  const tc = c.reduce((a, b) => a + b, 0);
  return {
    column,
    kind: 'categorical',
    ...(chi ? { chiSquare: { ...chi, statistic: round(chi.statistic) } } : {}),
    psi: round(psi(r, c)),
    jensenShannon: round(jensenShannon(r, c)),
    missing: { reference: ref.missing, current: cur.missing },
    newCategories,
    vanishedCategories,
    histogram: { labels: categories, reference: r.map((x) => round(tr ? x / tr : 0)), current: c.map((x) => round(tc ? x / tc : 0)) },
    notes,
  };
}

/** The figure that decides, by Evidently's rule unless the column overrides it. */
function chooseTest(kind: 'numeric' | 'categorical', referenceRows: number, options: DriftOptions): DriftTest {
  const large = referenceRows > (options.largeSampleRows ?? 1000);
  if (kind === 'numeric') return large ? 'wasserstein' : 'ks';
  return large ? 'jensen_shannon' : 'chi_square';
}

function decide(
  col: Omit<ColumnDrift, 'test' | 'threshold' | 'drifted'>,
  test: DriftTest,
  threshold: number,
): { drifted: boolean; applicable: boolean } {
  switch (test) {
    case 'ks':
      if (!col.ks) return { drifted: false, applicable: false };
      if (col.ks.pValueInterval) {
        const [low, high] = col.ks.pValueInterval;
        col.ks.inconclusive = low < threshold && high >= threshold;
        return { drifted: high < threshold, applicable: true };
      }
      return { drifted: col.ks.pValue < threshold, applicable: true };
    case 'chi_square':
      return col.chiSquare
        ? { drifted: col.chiSquare.pValue < threshold, applicable: true }
        : { drifted: false, applicable: Boolean(col.kind === 'categorical') };
    case 'wasserstein':
      return col.wasserstein !== undefined
        ? { drifted: col.wasserstein >= threshold, applicable: true }
        : { drifted: false, applicable: false };
    case 'psi':
      return { drifted: (col.psi ?? 0) >= threshold, applicable: col.psi !== null };
    case 'jensen_shannon':
      return { drifted: (col.jensenShannon ?? 0) >= threshold, applicable: col.jensenShannon !== null };
  }
}

function targetChecks(options: TargetOptions, ref: ColumnSummary | undefined, cur: ColumnSummary | undefined): TargetCheck[] {
  if (!ref || !cur)
    return [
      {
        check: 'newLabels',
        outcome: 'fail',
        message: `target column "${options.column}" is missing from the ${ref ? 'current' : 'reference'} data`,
      },
    ];
  const checks: TargetCheck[] = [];
  const isCategorical =
    ref.kind === 'categorical' || (ref.kind === 'numeric' && ref.distinct !== null && Object.keys(ref.distinct).length <= 20);
  if (isCategorical) {
    const rc = countsOf(ref);
    const cc = countsOf(cur);
    const total = Object.values(cc).reduce((a, b) => a + b, 0);
    const minShare = options.minClassShare ?? 0.05;
    const labels = [...new Set([...Object.keys(rc), ...Object.keys(cc)])].sort();
    const rare = labels.filter((l) => total > 0 && (cc[l] ?? 0) / total < minShare && rc[l]);
    checks.push(
      rare.length
        ? {
            check: 'minClassShare',
            outcome: 'fail',
            message: `class${rare.length > 1 ? 'es' : ''} below ${(minShare * 100).toFixed(1)}% of rows: ${rare.map((l) => `"${l}" ${(((cc[l] ?? 0) / total) * 100).toFixed(1)}%`).join(', ')}`,
          }
        : { check: 'minClassShare', outcome: 'pass', message: `every class holds at least ${(minShare * 100).toFixed(1)}% of rows` },
    );
    const added = labels.filter((l) => cc[l] && !rc[l]);
    const vanished = labels.filter((l) => rc[l] && !cc[l]);
    checks.push(
      added.length
        ? { check: 'newLabels', outcome: 'fail', message: `labels not in the reference: ${added.map((l) => `"${l}"`).join(', ')}` }
        : { check: 'newLabels', outcome: 'pass', message: 'no new labels' },
    );
    if (vanished.length)
      checks.push({
        check: 'vanishedLabels',
        outcome: 'warn',
        message: `labels missing from the current data: ${vanished.map((l) => `"${l}"`).join(', ')}`,
      });
  } else if (ref.kind === 'numeric' && cur.kind === 'numeric') {
    const [lo, hi] = options.range ?? [ref.min, ref.max];
    const outside = cur.min < lo || cur.max > hi;
    checks.push({
      check: 'range',
      outcome: outside ? (options.range ? 'fail' : 'warn') : 'pass',
      message: outside
        ? `target spans [${cur.min}, ${cur.max}], outside [${lo}, ${hi}]${options.range ? '' : ' seen in the reference'}`
        : `target within [${lo}, ${hi}]`,
    });
  }
  return checks;
}

/** A column reported without a test, and why; `drifted` when the reason is itself a change (values gone, type changed). */
function notCompared(
  column: string,
  kind: ColumnDrift['kind'],
  ref: ColumnSummary,
  cur: ColumnSummary,
  note: string,
  drifted = false,
): ColumnDrift {
  return {
    column,
    kind,
    test: 'none',
    threshold: null,
    drifted,
    ...(drifted ? { reason: note } : {}),
    psi: null,
    jensenShannon: null,
    missing: { reference: ref.missing, current: cur.missing },
    histogram: { labels: [], reference: [], current: [] },
    notes: [note],
  };
}

/** Columns the result compared: those a test decided, and those that drifted without one (values gone, type changed). */
export const comparedColumns = (r: Pick<DriftResult, 'columns'>) => r.columns.filter((c) => c.test !== 'none' || c.drifted);

const LIST_MAX = 12;
const listColumns = (names: string[]) =>
  names.length
    ? names
        .slice(0, LIST_MAX)
        .map((n) => JSON.stringify(n.length > 40 ? `${n.slice(0, 40)}…` : n))
        .join(', ') + (names.length > LIST_MAX ? ` and ${names.length - LIST_MAX} more` : '')
    : 'none';
const nameOf = (s: TableSummary, fallback: string) => s.files?.[0] ?? fallback;

/** Compares two summaries column by column. Two tables with no column in common are a bad pairing, refused (exit 2). */
export function compareSummaries(reference: TableSummary, current: TableSummary, options: DriftOptions = {}): DriftResult {
  const notes: string[] = [];
  const ignored = new Set(options.ignore ?? []);
  // Own keys only: a column named like an Object member (`constructor`) is the table's, or absent.
  const inRef = (c: string) => Object.hasOwn(reference.columns, c);
  const inCur = (c: string) => Object.hasOwn(current.columns, c);
  const refNames = Object.keys(reference.columns);
  const curNames = Object.keys(current.columns);
  const shared = refNames.filter(inCur);
  if (!options.columns && !shared.length) {
    throw inputError(`no column in common with the reference ${nameOf(reference, '(a summary)')}: nothing can be compared`, {
      file: nameOf(current, undefined as unknown as string),
      hint: `reference columns: ${listColumns(refNames)}; current columns: ${listColumns(curNames)} (is one of them the wrong file, or read with the wrong delimiter?)`,
    });
  }
  const names = (options.columns ?? shared).filter((c) => !ignored.has(c));
  if (!names.length)
    throw usageError(
      `every column the two tables share is ignored (${listColumns(shared)}): nothing left to compare`,
      "remove columns from the drift settings' ignore list",
    );
  for (const c of refNames) if (!inCur(c) && !options.columns) notes.push(`column "${c}" is only in the reference`);
  for (const c of curNames) if (!inRef(c)) notes.push(`column "${c}" is only in the current data`);
  const columns: ColumnDrift[] = [];
  for (const name of names) {
    const ref = inRef(name) ? reference.columns[name] : undefined;
    const cur = inCur(name) ? current.columns[name] : undefined;
    if (!ref || !cur) {
      notes.push(`column "${name}" is missing from the ${ref ? 'current' : 'reference'} data`);
      continue;
    }
    // A numeric column of five or fewer distinct values (a label, a flag) is compared as categories, unless the
    // current data holds many values there: then only the numeric comparison sees them.
    const curMany = cur.kind === 'numeric' && cur.distinct === null;
    const fewValues = ref.kind === 'numeric' && ref.distinct !== null && Object.keys(ref.distinct).length <= 5 && !curMany;
    const numeric = ref.kind === 'numeric' && cur.kind === 'numeric' && !fewValues;
    const refCount = ref.count;
    if (refCount === 0 || cur.count === 0) {
      const kind = numeric ? 'numeric' : 'categorical';
      // A whole table without rows says nothing about one column; a column that lost (or gained) every value did change.
      const emptyTable = (refCount === 0 ? reference.rows : current.rows) === 0;
      if (refCount === 0 && cur.count === 0)
        columns.push(notCompared(name, kind, ref, cur, 'no values in either dataset: nothing to compare'));
      else if (emptyTable)
        columns.push(
          notCompared(name, kind, ref, cur, `no values in the ${refCount === 0 ? 'reference' : 'current data'}: nothing to compare`),
        );
      else if (cur.count === 0)
        columns.push(
          notCompared(name, kind, ref, cur, `all values missing in current (${missingText(cur)} of ${current.rows} rows)`, true),
        );
      else
        columns.push(
          notCompared(
            name,
            kind,
            ref,
            cur,
            `all values missing in the reference (${missingText(ref)} of ${reference.rows} rows) while the current data has ${cur.count}`,
            true,
          ),
        );
      continue;
    }
    // Numbers on one side and text on the other: the type changed, which no distance can measure.
    const refLost = ref.kind === 'numeric' && ref.distinct === null;
    const mixedSide = [ref, cur].some((x) => x.kind === 'categorical' && x.mixed);
    if (!numeric && (refLost || curMany) && !mixedSide) {
      columns.push(
        notCompared(
          name,
          'categorical',
          ref,
          cur,
          `type changed: ${ref.kind === 'numeric' ? 'numbers' : 'text'} in the reference, ${cur.kind === 'numeric' ? 'numbers' : 'text'} in the current data`,
          true,
        ),
      );
      continue;
    }
    const tooVaried = [ref, cur].some((x) => x.kind === 'categorical' && x.unseen > 0);
    if (!numeric && tooVaried) {
      const mixed = [ref, cur].some((x) => x.kind === 'categorical' && x.mixed);
      columns.push(
        notCompared(
          name,
          'categorical',
          ref,
          cur,
          mixed
            ? 'mixes numbers and text: not compared (fix the values that are not numbers, or ignore the column)'
            : `more than ${MAX_CATEGORIES.toLocaleString('en-US')} distinct values: not compared as categories (ignore it, or fix its type if it should be numeric)`,
        ),
      );
      continue;
    }
    const base: Omit<ColumnDrift, 'test' | 'threshold' | 'drifted'> = numeric
      ? numericDrift(name, ref as NumericSummary, cur as NumericSummary)
      : categoricalDrift(name, ref, cur);
    const override = options.perColumn?.[name];
    let test = override?.test ?? chooseTest(base.kind, refCount, options);
    let threshold = override?.threshold ?? DEFAULT_THRESHOLDS[test];
    // A constant reference makes KS and the normed Wasserstein degenerate (every tie at one point, σ = 0): the
    // binned Jensen–Shannon distance over below / equal / above the constant decides instead (STATS-NOTES: handle
    // constant columns explicitly).
    const constant = numeric && (ref as NumericSummary).min === (ref as NumericSummary).max;
    if (constant && !override?.test) {
      test = 'jensen_shannon';
      threshold = override?.threshold ?? DEFAULT_THRESHOLDS.jensen_shannon;
      base.reason = `reference is constant (${(ref as NumericSummary).min}): KS and Wasserstein are degenerate there; decided by Jensen–Shannon over below / equal / above it`;
      base.notes.unshift(base.reason);
    }
    const decision = decide(base, test, threshold);
    let { drifted } = decision;
    const { applicable } = decision;
    if (!applicable && (test === 'ks' || test === 'wasserstein') && base.kind === 'categorical') {
      base.notes.push(`"${test}" needs numbers; decided by Jensen–Shannon instead`);
      test = 'jensen_shannon';
      threshold = DEFAULT_THRESHOLDS.jensen_shannon;
      ({ drifted } = decide(base, test, threshold));
    }
    if (test === 'ks' && base.ks?.inconclusive)
      base.notes.push(
        `KS inconclusive: the p-value interval from the sketches straddles ${threshold}, so the column is not counted as drifted`,
      );
    columns.push({ ...base, test, threshold, drifted });
  }
  for (const col of columns) {
    const setting = options.perColumn?.[col.column]?.missingShare ?? options.missingShare ?? DEFAULT_MISSING_SHARE;
    applyMissingShare(col, reference.columns[col.column], current.columns[col.column], setting);
  }
  if (!columns.length) {
    throw usageError(
      `none of the columns asked for is in both tables (${listColumns(names)})`,
      `reference columns: ${listColumns(refNames)}; current columns: ${listColumns(curNames)}`,
    );
  }
  const driftedColumns = columns.filter((c) => c.drifted).map((c) => c.column);
  const compared = comparedColumns({ columns }).length;
  if (!compared) notes.push('no column had values on both sides: nothing was compared');
  const driftShare = compared ? driftedColumns.length / compared : 0;
  const target = options.target
    ? {
        column: options.target.column,
        checks: targetChecks(
          options.target,
          inRef(options.target.column) ? reference.columns[options.target.column] : undefined,
          inCur(options.target.column) ? current.columns[options.target.column] : undefined,
        ),
      }
    : undefined;
  const shareLimit = options.driftShare ?? 0.5;
  // Nothing compared is not a pass: say so as a warning.
  const columnsOutcome: Outcome =
    driftShare >= shareLimit && driftedColumns.length > 0 ? 'fail' : driftedColumns.length || !compared ? 'warn' : 'pass';
  const outcome = worstOutcome([columnsOutcome, ...(target?.checks.map((c) => c.outcome) ?? [])]);
  return {
    outcome,
    driftShare: round(driftShare),
    driftedColumns,
    rows: { reference: reference.rows, current: current.rows },
    columns,
    ...(target ? { target } : {}),
    notes,
  };
}

const missingText = (s: ColumnSummary) => {
  const nonFinite = s.nonFinite ?? 0;
  return [s.missing ? `${s.missing} empty` : '', nonFinite ? `${nonFinite} NaN/infinite` : ''].filter(Boolean).join(', ') || 'no value';
};

/** Drift of a dataset against a reference, each a data file or a summary written by `summarizeTable`. */
export async function checkDrift(args: {
  data: string | TableSummary;
  reference: string | TableSummary;
  options?: DriftOptions;
}): Promise<DriftResult> {
  const options = args.options ?? {};
  // Both files: summarised side by side (the second in a worker thread), so two cores read two files. Every
  // numeric value is kept (exact KS, Wasserstein and deciles at any size); past the memory budget they wait,
  // sorted, in spool files of this directory, removed when the comparison is done.
  const files = [args.reference, args.data].filter((x): x is string => typeof x === 'string');
  // Ignored columns are not summarised at all (the target is, even when ignored as a drift column).
  const skip = (options.ignore ?? []).filter((c) => c !== options.target?.column);
  const spoolDir = files.length ? await mkdtemp(join(tmpdir(), 'mlci-drift-values-')) : undefined;
  try {
    const summaries = await summarizeAll(files, { keepValues: true, spoolDir, skip, ...options.read });
    const take = (x: string | TableSummary) => (typeof x === 'string' ? summaries.shift()! : x);
    const reference = take(args.reference);
    const current = take(args.data);
    return compareSummaries(reference, current, options);
  } finally {
    releaseReadBuffers();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  }
}
