import { worstOutcome, type Outcome } from '@mlci/core';
import { chiSquareContingency, jensenShannon, psi, wasserstein1 } from './distances';
import { kolmogorovSf } from './kolmogorov';
import { ks2Samp, ksStatistic } from './ks';
import { summarizeAll } from './parallel';
import { distributionOf, MAX_CATEGORIES, type ColumnSummary, type NumericSummary, type SummarizeOptions, type TableSummary } from './summary';

export type DriftTest = 'ks' | 'chi_square' | 'wasserstein' | 'psi' | 'jensen_shannon';

/** Per-column override of the decisive test and its threshold. */
export interface ColumnDriftOptions {
  test?: DriftTest;
  /** p-value below which (ks, chi_square) or distance at or above which (the others) the column drifted. */
  threshold?: number;
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
  target?: TargetOptions;
  /** Passed to the readers (delimiter, format) and summaries (exactLimit). */
  read?: SummarizeOptions;
}

/** Default thresholds, by test. Why these: packages/stats/README.md. */
export const DEFAULT_THRESHOLDS: Record<DriftTest, number> = { ks: 0.05, chi_square: 0.05, wasserstein: 0.1, psi: 0.1, jensen_shannon: 0.12 };

export interface ColumnDrift {
  column: string;
  kind: 'numeric' | 'categorical';
  /** The test that decides `drifted`; 'none' when a side has no values. */
  test: DriftTest | 'none';
  threshold: number | null;
  drifted: boolean;
  ks?: { statistic: number; pValue: number; method: 'exact' | 'asymptotic' | 'sketch' };
  chiSquare?: { statistic: number; pValue: number; dof: number; lowExpected: number };
  /** Wasserstein-1 divided by the reference's population standard deviation (floor 0.001), as Evidently. */
  wasserstein?: number;
  psi: number | null;
  /** Jensen–Shannon distance, base 2 (0 to 1). */
  jensenShannon: number | null;
  missing: { reference: number; current: number };
  nonFinite?: { reference: number; current: number };
  newCategories?: string[];
  vanishedCategories?: string[];
  /** Shares per bin (reference deciles, or categories) for the chart. */
  histogram: { labels: string[]; reference: number[]; current: number[] };
  /** Set when values came from a quantile sketch: the bound on any CDF error. */
  sketchRankError?: number;
  notes: string[];
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
  const total = weights ? weights.reduce((a, b) => a + b, 0) : values.length;
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

function numericDrift(column: string, ref: NumericSummary, cur: NumericSummary): Omit<ColumnDrift, 'test' | 'threshold' | 'drifted'> {
  const r = distributionOf(ref);
  const c = distributionOf(cur);
  const notes: string[] = [];
  let ks: ColumnDrift['ks'];
  if (!r.weights && !c.weights) ks = ks2Samp(r.values, c.values);
  else {
    const d = weightedKs(r.values, r.weights, c.values, c.weights);
    const [m, n] = ref.count >= cur.count ? [ref.count, cur.count] : [cur.count, ref.count];
    ks = { statistic: d, pValue: kolmogorovSf(Math.round((m * n) / (m + n)), d), method: 'sketch' };
    notes.push(`KS from quantile sketches: the statistic is within ±${(r.rankError + c.rankError).toFixed(4)} of the exact one`);
  }
  const mean = ref.sum / ref.count;
  const std = Math.sqrt(Math.max(0, ref.sumSquares / ref.count - mean * mean));
  const w1 = wasserstein1(r.values, c.values, r.weights ?? undefined, c.weights ?? undefined);
  // Reference deciles as bin edges (duplicates dropped: a column with few values gets fewer bins).
  const edges = [...new Set([1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => quantile(r.values, r.weights, k / 10)))].filter((e) => e < ref.max);
  const rc = binCounts(r.values, r.weights, edges);
  const cc = binCounts(c.values, c.weights, edges);
  const fmt = (x: number) => Number(x.toPrecision(3)).toString();
  const labels = rc.map((_, i) => (i === 0 ? `≤ ${fmt(edges[0] ?? ref.max)}` : i === edges.length ? `> ${fmt(edges[i - 1])}` : `${fmt(edges[i - 1])}–${fmt(edges[i])}`));
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
    ...(r.rankError || c.rankError ? { sketchRankError: round(r.rankError + c.rankError) } : {}),
    notes,
  };
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
  else if (chi.lowExpected > 0) notes.push(`${chi.lowExpected} categor${chi.lowExpected === 1 ? 'y has' : 'ies have'} expected counts below 5: the chi-square p-value is unreliable there`);
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

function decide(col: Omit<ColumnDrift, 'test' | 'threshold' | 'drifted'>, test: DriftTest, threshold: number): { drifted: boolean; applicable: boolean } {
  switch (test) {
    case 'ks':
      return col.ks ? { drifted: col.ks.pValue < threshold, applicable: true } : { drifted: false, applicable: false };
    case 'chi_square':
      return col.chiSquare ? { drifted: col.chiSquare.pValue < threshold, applicable: true } : { drifted: false, applicable: Boolean(col.kind === 'categorical') };
    case 'wasserstein':
      return col.wasserstein !== undefined ? { drifted: col.wasserstein >= threshold, applicable: true } : { drifted: false, applicable: false };
    case 'psi':
      return { drifted: (col.psi ?? 0) >= threshold, applicable: col.psi !== null };
    case 'jensen_shannon':
      return { drifted: (col.jensenShannon ?? 0) >= threshold, applicable: col.jensenShannon !== null };
  }
}

function targetChecks(options: TargetOptions, ref: ColumnSummary | undefined, cur: ColumnSummary | undefined): TargetCheck[] {
  if (!ref || !cur) return [{ check: 'newLabels', outcome: 'fail', message: `target column "${options.column}" is missing from the ${ref ? 'current' : 'reference'} data` }];
  const checks: TargetCheck[] = [];
  const isCategorical = ref.kind === 'categorical' || (ref.kind === 'numeric' && ref.distinct !== null && Object.keys(ref.distinct).length <= 20);
  if (isCategorical) {
    const rc = countsOf(ref);
    const cc = countsOf(cur);
    const total = Object.values(cc).reduce((a, b) => a + b, 0);
    const minShare = options.minClassShare ?? 0.05;
    const labels = [...new Set([...Object.keys(rc), ...Object.keys(cc)])].sort();
    const rare = labels.filter((l) => total > 0 && (cc[l] ?? 0) / total < minShare && rc[l]);
    checks.push(
      rare.length
        ? { check: 'minClassShare', outcome: 'fail', message: `class${rare.length > 1 ? 'es' : ''} below ${(minShare * 100).toFixed(1)}% of rows: ${rare.map((l) => `"${l}" ${(((cc[l] ?? 0) / total) * 100).toFixed(1)}%`).join(', ')}` }
        : { check: 'minClassShare', outcome: 'pass', message: `every class holds at least ${(minShare * 100).toFixed(1)}% of rows` },
    );
    const added = labels.filter((l) => cc[l] && !rc[l]);
    const vanished = labels.filter((l) => rc[l] && !cc[l]);
    checks.push(added.length ? { check: 'newLabels', outcome: 'fail', message: `labels not in the reference: ${added.map((l) => `"${l}"`).join(', ')}` } : { check: 'newLabels', outcome: 'pass', message: 'no new labels' });
    if (vanished.length) checks.push({ check: 'vanishedLabels', outcome: 'warn', message: `labels missing from the current data: ${vanished.map((l) => `"${l}"`).join(', ')}` });
  } else if (ref.kind === 'numeric' && cur.kind === 'numeric') {
    const [lo, hi] = options.range ?? [ref.min, ref.max];
    const outside = cur.min < lo || cur.max > hi;
    checks.push({
      check: 'range',
      outcome: outside ? (options.range ? 'fail' : 'warn') : 'pass',
      message: outside ? `target spans [${cur.min}, ${cur.max}], outside [${lo}, ${hi}]${options.range ? '' : ' seen in the reference'}` : `target within [${lo}, ${hi}]`,
    });
  }
  return checks;
}

/** A column reported without a test, and why. */
function notCompared(column: string, kind: ColumnDrift['kind'], ref: ColumnSummary, cur: ColumnSummary, note: string): ColumnDrift {
  return {
    column,
    kind,
    test: 'none',
    threshold: null,
    drifted: false,
    psi: null,
    jensenShannon: null,
    missing: { reference: ref.missing, current: cur.missing },
    histogram: { labels: [], reference: [], current: [] },
    notes: [note],
  };
}

/** Compares two summaries column by column. */
export function compareSummaries(reference: TableSummary, current: TableSummary, options: DriftOptions = {}): DriftResult {
  const notes: string[] = [];
  const ignored = new Set(options.ignore ?? []);
  const names = (options.columns ?? Object.keys(reference.columns).filter((c) => c in current.columns)).filter((c) => !ignored.has(c));
  for (const c of Object.keys(reference.columns)) if (!(c in current.columns) && !options.columns) notes.push(`column "${c}" is only in the reference`);
  for (const c of Object.keys(current.columns)) if (!(c in reference.columns)) notes.push(`column "${c}" is only in the current data`);
  const columns: ColumnDrift[] = [];
  for (const name of names) {
    const ref = reference.columns[name];
    const cur = current.columns[name];
    if (!ref || !cur) {
      notes.push(`column "${name}" is missing from the ${ref ? 'current' : 'reference'} data`);
      continue;
    }
    // A numeric column of five or fewer distinct values (a label, a flag) is compared as categories.
    const fewValues = ref.kind === 'numeric' && ref.distinct !== null && Object.keys(ref.distinct).length <= 5;
    const numeric = ref.kind === 'numeric' && cur.kind === 'numeric' && !fewValues;
    const refCount = ref.count;
    if (refCount === 0 || cur.count === 0) {
      columns.push(notCompared(name, numeric ? 'numeric' : 'categorical', ref, cur, `no values in the ${refCount === 0 ? 'reference' : 'current data'}: nothing to compare`));
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
    const base = numeric ? numericDrift(name, ref as NumericSummary, cur as NumericSummary) : categoricalDrift(name, ref, cur);
    const override = options.perColumn?.[name];
    let test = override?.test ?? chooseTest(base.kind, refCount, options);
    let threshold = override?.threshold ?? DEFAULT_THRESHOLDS[test];
    let { drifted, applicable } = decide(base, test, threshold);
    if (!applicable && (test === 'ks' || test === 'wasserstein') && base.kind === 'categorical') {
      base.notes.push(`"${test}" needs numbers; decided by Jensen–Shannon instead`);
      test = 'jensen_shannon';
      threshold = DEFAULT_THRESHOLDS.jensen_shannon;
      ({ drifted } = decide(base, test, threshold));
    }
    columns.push({ ...base, test, threshold, drifted });
  }
  const driftedColumns = columns.filter((c) => c.drifted).map((c) => c.column);
  const compared = columns.filter((c) => c.test !== 'none').length;
  const driftShare = compared ? driftedColumns.length / compared : 0;
  const target = options.target ? { column: options.target.column, checks: targetChecks(options.target, reference.columns[options.target.column], current.columns[options.target.column]) } : undefined;
  const shareLimit = options.driftShare ?? 0.5;
  const outcome = worstOutcome([driftShare >= shareLimit && driftedColumns.length > 0 ? 'fail' : driftedColumns.length ? 'warn' : 'pass', ...(target?.checks.map((c) => c.outcome) ?? [])]);
  return { outcome, driftShare: round(driftShare), driftedColumns, rows: { reference: reference.rows, current: current.rows }, columns, ...(target ? { target } : {}), notes };
}

/** Drift of a dataset against a reference, each a data file or a summary written by `summarizeTable`. */
export async function checkDrift(args: { data: string | TableSummary; reference: string | TableSummary; options?: DriftOptions }): Promise<DriftResult> {
  const options = args.options ?? {};
  // Both files: summarised side by side (the second in a worker thread), so two cores read two files.
  const files = [args.reference, args.data].filter((x): x is string => typeof x === 'string');
  const summaries = await summarizeAll(files, options.read);
  const take = (x: string | TableSummary) => (typeof x === 'string' ? summaries.shift()! : x);
  const reference = take(args.reference);
  const current = take(args.data);
  return compareSummaries(reference, current, options);
}
