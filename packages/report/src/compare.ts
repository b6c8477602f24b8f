/**
 * Candidate vs baseline, metric by metric: both values, absolute and relative delta, which way is better,
 * and a verdict against MLflow-style thresholds (see compare-spec.ts), with per-example noise taken into
 * account where predictions were logged (see compare-noise.ts). Pure: no files, no network. Runs are a
 * structural subset of the store's RunRecord.
 */
import { worstOutcome, type Outcome } from '@mlci/core';
import type { ArtifactRef, MetricPoint } from '@mlci/store';
import { defaultDirection, type Direction, type MetricSpec } from './compare-spec';
import type { ErrorNoiseEstimate, NoiseEstimate } from './compare-noise';
import type { ClassNoiseEstimate } from './compare-noise-class';
import { lastValue } from './compare-util';

/** What a comparison needs of a run: a structural subset of RunRecord. */
export interface RunLike {
  id: string;
  name: string;
  /** Full history per metric key in logging order; the last value is compared. */
  metrics: Record<string, MetricPoint[]>;
  /** Artifacts, where a predictions file may be found. */
  artifacts?: ArtifactRef[];
  lineage?: { git?: { commit: string | null; branch: string | null } };
}

/** Which baseline a comparison was made against. */
export interface BaselineRef {
  /** champion: the registry alias; main: newest finished run on the default branch; run: named by the user. */
  source: 'champion' | 'main' | 'run';
  id: string;
  name: string;
  /** How the report names it, e.g. "champion iris@v1.2.0". Untrusted (names come from the repo): escape it. */
  label: string;
}

/**
 * improved / regressed: the change clears the minimum changes in the good / bad direction (a candidate past
 * its absolute `threshold` is regressed whatever the baseline); unchanged: smaller than the minimums;
 * within-noise: clears them but the confidence interval of the change spans 0; new: only the candidate logged
 * it; missing: only the baseline logged it (or it was declared and the candidate did not log it).
 * null: the value changed but the direction is unknown (`neutral`): no verdict, shown neutral.
 */
export type Verdict = 'improved' | 'regressed' | 'unchanged' | 'within-noise' | 'new' | 'missing';

export interface MetricComparison {
  key: string;
  baseline: number | null;
  candidate: number | null;
  /** candidate − baseline; null when either is absent. */
  delta: number | null;
  /** delta / |baseline|; null when either is absent or the baseline is 0. */
  relativeDelta: number | null;
  direction: Direction;
  verdict: Verdict | null;
  /** Whether a regression (or absence) of this metric fails the comparison. */
  gated: boolean;
  /** Why this verdict, in plain words. Contains the metric's thresholds, never its (untrusted) name. */
  reason: string;
  /** Metric histories (at most `curvePoints` values each) for sparklines; null when fewer than 2 points. */
  curve: { baseline: number[] | null; candidate: number[] | null };
  /** True when the predictions' noise estimate was applied to this metric. */
  noiseApplied: boolean;
  /** Which estimate was applied: the accuracy one (with McNemar) or a regression error's. */
  noiseSource?: 'accuracy' | 'mse' | 'rmse' | 'mae' | 'f1' | 'auc';
  /** The interval applied, when noiseApplied. */
  ci?: { low: number; high: number; confidence: number };
}

export interface CompareOptions {
  /**
   * Declared metrics: direction and thresholds by exact key. Declared metrics are gated unless `gated: false`;
   * the others are reported only.
   * @default {}
   */
  metrics?: Record<string, MetricSpec>;
  /**
   * Accuracy noise from both runs' per-example predictions (`estimateNoise`). Applied to the metrics whose
   * baseline and candidate values both equal the predictions' accuracies (within 1e-6), i.e. the metric the
   * predictions were scored for, and to `noiseMetric` when given.
   * @default none: no change is called within noise
   */
  noise?: NoiseEstimate | null;
  /**
   * The metric the predictions were scored for, when its values do not match exactly (rounded logging).
   * @default matched by value
   */
  noiseMetric?: string;
  /**
   * Regression-metric noise (`estimateErrorNoise`): each applies to the metrics named like it (last word
   * mse / rmse / mae) whose baseline and candidate values equal its values (relative 1e-6).
   * @default none
   */
  errorNoise?: ErrorNoiseEstimate[];
  /**
   * F1 / AUC noise (`estimateClassNoise`): applied to metrics whose key contains the word f1 or auc (e.g.
   * `val_f1`, `roc_auc`) and whose values match the estimate's own within 1e-6 (relative).
   * @default none
   */
  classNoise?: ClassNoiseEstimate[];
  /** Which baseline this is, for the result. @default { source: 'run', label: 'baseline run' } */
  baselineRef?: Omit<BaselineRef, 'id' | 'name'>;
  /**
   * Metric keys with one of these prefixes are left out unless declared.
   * @default ['system/'] (CPU and memory samples are not model quality)
   */
  excludePrefixes?: string[];
  /** Points kept per curve (evenly subsampled, last point always kept); 0 keeps none. @default 60 */
  curvePoints?: number;
}

/** The comparison step's result: compare.json, the report's comparison section, `mlci compare --json`. */
export interface ComparisonResult {
  step: 'compare';
  /** fail: a gated metric regressed or is missing; warn: an ungated one regressed; else pass. */
  outcome: Outcome;
  candidate: { id: string; name: string };
  baseline: BaselineRef | null;
  metrics: MetricComparison[];
  /** Keys of the gated metrics that regressed or are missing: what fails the step. */
  regressions: string[];
  /** Keys whose change is within noise. */
  withinNoise: string[];
  /** Plain sentences about what could not be compared. May quote metric names: escape when rendering. */
  notes: string[];
  noise: NoiseEstimate | null;
  /** Regression-error noise estimates (MSE, RMSE, MAE) from numeric predictions, when given. */
  errorNoise?: ErrorNoiseEstimate[];
  /** Id of the run compared (the best of a sweep). Set by `compareJob`. */
  bestRun?: string;
  /** A sweep's ranking, when several candidates were given. Set by `compareJob`. */
  sweep?: {
    metric: string;
    direction: Direction;
    ranked: Array<{ id: string; name: string; value: number | null; rank: number }>;
    best: string | null;
  };
}

/** A run's own entry for `key`: metric names come from scripts and may be `constructor` or `__proto__`. */
const own = <T>(map: Record<string, T>, key: string): T | undefined => (Object.hasOwn(map, key) ? map[key] : undefined);

function curve(points: MetricPoint[] | undefined, max: number): number[] | null {
  if (!points || points.length < 2 || max <= 0) return null;
  const values = points.map((p) => p.value).filter((v) => Number.isFinite(v));
  if (values.length < 2) return null;
  if (values.length <= max) return values;
  return Array.from({ length: max }, (_, i) => values[Math.round((i * (values.length - 1)) / (max - 1))]);
}

const fmt = (n: number) => String(Number(n.toPrecision(4)));
const pText = (p: number) => (p >= 0.01 ? p.toFixed(2) : p.toExponential(1));

const breaksThreshold = (value: number, direction: Direction, spec: MetricSpec) =>
  spec.threshold !== undefined && direction !== 'neutral' && (direction === 'higher' ? value < spec.threshold : value > spec.threshold);
const thresholdReason = (value: number, direction: Direction, spec: MetricSpec) =>
  `candidate ${fmt(value)} is ${direction === 'higher' ? 'below' : 'above'} the threshold ${spec.threshold}`;

/**
 * The verdict for a metric both runs logged. Order: the absolute `threshold` (past it: regressed), the
 * minimum changes (below them: unchanged), the direction (neutral: no verdict), the noise interval (spans 0:
 * within-noise), then the sign of the delta.
 */
export function judge(
  baseline: number,
  candidate: number,
  direction: Direction,
  spec: MetricSpec,
  noise?: { low: number; high: number; confidence: number; pValue?: number },
): { verdict: Verdict | null; reason: string } {
  if (breaksThreshold(candidate, direction, spec)) return { verdict: 'regressed', reason: thresholdReason(candidate, direction, spec) };
  const delta = candidate - baseline;
  if (delta === 0) return { verdict: 'unchanged', reason: 'same value' };
  const absMin = spec.min_absolute_change ?? 0;
  const relMin = spec.min_relative_change ?? 0;
  if (Math.abs(delta) < absMin)
    return { verdict: 'unchanged', reason: `change ${fmt(Math.abs(delta))} is below min_absolute_change ${absMin}` };
  if (relMin > 0 && (baseline === 0 ? false : Math.abs(delta) / Math.abs(baseline) < relMin)) {
    return {
      verdict: 'unchanged',
      reason: `relative change ${fmt((Math.abs(delta) / Math.abs(baseline)) * 100)}% is below min_relative_change ${relMin * 100}%`,
    };
  }
  if (direction === 'neutral') return { verdict: null, reason: 'direction unknown: declare higher or lower to get a verdict' };
  if (noise && noise.low <= 0 && noise.high >= 0) {
    const p = noise.pValue !== undefined ? ` (McNemar p = ${pText(noise.pValue)})` : '';
    return {
      verdict: 'within-noise',
      reason: `${Math.round(noise.confidence * 100)}% CI [${fmt(noise.low)}, ${fmt(noise.high)}] of the change spans 0${p}`,
    };
  }
  const better = direction === 'higher' ? delta > 0 : delta < 0;
  return { verdict: better ? 'improved' : 'regressed', reason: `${direction} is better` };
}

const close = (x: number, y: number) => Math.abs(x - y) <= 1e-6 * Math.max(1, Math.abs(x), Math.abs(y));

/** The regression noise estimate that belongs to this metric (by name and values), or null. */
function errorNoiseFor(
  key: string,
  b: number | null,
  c: number | null,
  estimates: ErrorNoiseEstimate[] | undefined,
  classEstimates?: ClassNoiseEstimate[],
): ErrorNoiseEstimate | ClassNoiseEstimate | null {
  if (b === null || c === null) return null;
  const words = key
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const last = words[words.length - 1];
  const fits = (e: { baselineValue: number; candidateValue: number }) => close(b, e.baselineValue) && close(c, e.candidateValue);
  const found = estimates?.find((e) => e.metric === last && fits(e));
  if (found) return found;
  return classEstimates?.find((e) => words.includes(e.metric) && fits(e)) ?? null;
}

/** Whether the predictions' accuracy noise belongs to this metric (see CompareOptions.noise). */
function noiseFits(key: string, b: number | null, c: number | null, direction: Direction, options: CompareOptions): boolean {
  const noise = options.noise;
  if (!noise || b === null || c === null) return false;
  if (options.noiseMetric !== undefined) return key === options.noiseMetric;
  return direction === 'higher' && Math.abs(b - noise.baselineAccuracy) < 1e-6 && Math.abs(c - noise.candidateAccuracy) < 1e-6;
}

/**
 * Compares every metric either run logged, plus every declared one (sorted by key). `baseline` null: the
 * candidate is shown alone (every metric new; absolute thresholds still apply).
 */
export function compareRuns(candidate: RunLike, baseline: RunLike | null, options: CompareOptions = {}): ComparisonResult {
  const declared = options.metrics ?? {};
  const exclude = options.excludePrefixes ?? ['system/'];
  const maxCurve = options.curvePoints ?? 60;
  const notes: string[] = [];
  if (!baseline)
    notes.push("no baseline to compare with: the candidate's metrics are shown alone, and only absolute thresholds are checked");
  const keys = new Set([...Object.keys(candidate.metrics), ...Object.keys(baseline?.metrics ?? {}), ...Object.keys(declared)]);
  const metrics: MetricComparison[] = [];
  for (const key of [...keys].sort()) {
    const spec = own(declared, key);
    if (!spec && exclude.some((p) => key.startsWith(p))) continue;
    const direction = spec?.direction ?? defaultDirection(key);
    const gated = spec ? (spec.gated ?? true) : false;
    const b = baseline ? lastValue(own(baseline.metrics, key)) : null;
    const c = lastValue(own(candidate.metrics, key));
    if (b === null && c === null) {
      notes.push(`metric "${key}" was declared but neither run logged it`);
      continue;
    }
    // A NaN or ±∞ has no meaningful difference: the row says the run diverged instead.
    const delta = b !== null && c !== null && Number.isFinite(b) && Number.isFinite(c) ? c - b : null;
    const relativeDelta = delta !== null && b ? delta / Math.abs(b) : null;
    const errorFit = errorNoiseFor(key, b, c, options.errorNoise, options.classNoise);
    const applyNoise = noiseFits(key, b, c, direction, options) || errorFit !== null;
    const source = errorFit?.ci ?? (applyNoise ? options.noise?.ci : undefined);
    const ci = source ? { low: source.low, high: source.high, confidence: source.confidence } : undefined;
    let verdict: Verdict | null;
    let reason: string;
    if (c === null) {
      verdict = 'missing';
      reason = 'the candidate did not log it';
    } else if (!Number.isFinite(c)) {
      [verdict, reason] = ['regressed', `diverged: the candidate's last value is ${c}`];
    } else if (b === null) {
      [verdict, reason] = breaksThreshold(c, direction, spec ?? {})
        ? ['regressed', thresholdReason(c, direction, spec!)]
        : ['new', baseline ? 'the baseline did not log it' : 'no baseline'];
    } else if (!Number.isFinite(b)) {
      [verdict, reason] = ['improved', `the baseline diverged (its last value is ${b})`];
    } else {
      ({ verdict, reason } = judge(b, c, direction, spec ?? {}, ci && (errorFit ? ci : { ...ci, pValue: options.noise!.mcnemar.pValue })));
    }
    metrics.push({
      key,
      baseline: b,
      candidate: c,
      delta,
      relativeDelta,
      direction,
      verdict,
      gated,
      reason,
      curve: {
        baseline: curve(baseline ? own(baseline.metrics, key) : undefined, maxCurve),
        candidate: curve(own(candidate.metrics, key), maxCurve),
      },
      noiseApplied: applyNoise,
      ...(applyNoise ? { noiseSource: errorFit ? errorFit.metric : ('accuracy' as const) } : {}),
      ...(ci ? { ci } : {}),
    });
  }
  if ((options.noise || options.errorNoise?.length || options.classNoise?.length) && !metrics.some((m) => m.noiseApplied)) {
    notes.push('per-example predictions were given but no metric matched the values computed from them, so no noise interval was applied');
  }
  const regressions = metrics.filter(isBlocking).map((m) => m.key);
  const ref = options.baselineRef ?? { source: 'run', label: 'baseline run' };
  return {
    step: 'compare',
    outcome: worstOutcome(metrics.map((m) => (isBlocking(m) ? 'fail' : m.verdict === 'regressed' ? 'warn' : 'pass'))),
    candidate: { id: candidate.id, name: candidate.name },
    baseline: baseline ? { ...ref, id: baseline.id, name: baseline.name } : null,
    metrics,
    regressions,
    withinNoise: metrics.filter((m) => m.verdict === 'within-noise').map((m) => m.key),
    notes,
    noise: options.noise ?? null,
    ...(options.errorNoise?.length ? { errorNoise: options.errorNoise } : {}),
  };
}

/** A gated metric that regressed or is missing from the candidate: fails the comparison. */
export const isBlocking = (m: MetricComparison) => m.gated && (m.verdict === 'regressed' || m.verdict === 'missing');
