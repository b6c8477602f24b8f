/**
 * Is a change in accuracy more than noise? From per-example predictions of both runs on the same evaluation
 * set: a paired bootstrap confidence interval of the accuracy delta, and McNemar's test on the discordant
 * pairs. Deterministic: the bootstrap uses a seeded generator (mulberry32), so a rerun gives the same
 * interval and the same verdict.
 */

/** One evaluation example as a run logged it: `id,y_true,y_pred`. */
export interface Prediction {
  id: string;
  yTrue: string;
  yPred: string;
  /** Positive-class score (`score` column), when logged: what AUC is computed from. */
  score?: string;
}

export interface NoiseOptions {
  /**
   * Bootstrap resamples (integer, 100..1,000,000).
   * @default 2000
   */
  resamples?: number;
  /**
   * Seed of the generator (uint32). Same seed, same interval.
   * @default 20240601
   */
  seed?: number;
  /**
   * Confidence level of the interval, in (0, 1).
   * @default 0.95
   */
  confidence?: number;
}

export interface McNemarResult {
  /** Examples the baseline got right and the candidate wrong. */
  baselineOnly: number;
  /** Examples the candidate got right and the baseline wrong. */
  candidateOnly: number;
  /** `exact` (two-sided binomial, used when discordant pairs < 25) or `chi2-continuity` (1 dof, Edwards' correction). */
  method: 'exact' | 'chi2-continuity';
  /** The chi-square statistic (null for the exact test). */
  statistic: number | null;
  pValue: number;
}

export interface NoiseEstimate {
  /** Examples present in both runs' predictions with the same true label: what the figures below are computed on. */
  shared: number;
  /** Examples left out: ids in only one run, or whose true labels disagree. */
  unmatched: number;
  baselineAccuracy: number;
  candidateAccuracy: number;
  /** candidateAccuracy − baselineAccuracy. */
  delta: number;
  /** Paired percentile bootstrap interval of `delta`. */
  ci: { low: number; high: number; confidence: number; resamples: number; seed: number };
  /** True when the interval contains 0: the change is not distinguishable from noise. */
  spansZero: boolean;
  mcnemar: McNemarResult;
}

/** mulberry32: a small, well-mixed 32-bit generator, easy to reproduce in any language. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Quantile with linear interpolation between order statistics (numpy's default, Hyndman & Fan type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Paired percentile bootstrap of mean(candidate) − mean(baseline), where both arrays hold 0/1 correctness of
 * the same examples in the same order. Each resample draws n example indices with replacement
 * (`floor(u * n)` from the generator, in order).
 */
export function pairedBootstrap(baseline: ArrayLike<number>, candidate: ArrayLike<number>, options: NoiseOptions = {}) {
  const n = baseline.length;
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 20240601;
  const confidence = options.confidence ?? 0.95;
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = candidate[i] - baseline[i];
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += diff[Math.floor(random() * n)];
    means[r] = n ? sum / n : 0;
  }
  means.sort();
  const alpha = (1 - confidence) / 2;
  return { low: quantile(means, alpha), high: quantile(means, 1 - alpha), confidence, resamples, seed };
}

/** log C(n, k) by summing logs: exact enough for the n < 25 this is used for, and for far larger n too. */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}

/**
 * Complementary error function, W. J. Cody's rational approximations as in Numerical Recipes' `erfc`
 * (Chebyshev fit, relative error < 1.2e-7 everywhere): enough for a p-value shown to 3 significant figures.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/**
 * McNemar's test on the discordant counts b (baseline right, candidate wrong) and c (the reverse). Below 25
 * discordant pairs the exact two-sided binomial test (as scipy.stats.binomtest(b, b+c, 0.5)); otherwise the
 * chi-square statistic with continuity correction (|b − c| − 1)² / (b + c), 1 degree of freedom.
 */
export function mcnemar(b: number, c: number): McNemarResult {
  const n = b + c;
  if (n < 25) {
    if (n === 0) return { baselineOnly: b, candidateOnly: c, method: 'exact', statistic: null, pValue: 1 };
    const k = Math.min(b, c);
    let tail = 0;
    for (let i = 0; i <= k; i++) tail += Math.exp(logChoose(n, i) - n * Math.LN2);
    return { baselineOnly: b, candidateOnly: c, method: 'exact', statistic: null, pValue: Math.min(1, 2 * tail) };
  }
  const statistic = Math.max(0, Math.abs(b - c) - 1) ** 2 / n;
  // Survival function of chi-square with 1 dof: P(X > s) = erfc(sqrt(s / 2)).
  return { baselineOnly: b, candidateOnly: c, method: 'chi2-continuity', statistic, pValue: Math.min(1, erfc(Math.sqrt(statistic / 2))) };
}

/** Labels compare as numbers when both parse as numbers (`1` equals `1.0`), else as trimmed strings. */
function sameLabel(a: string, b: string): boolean {
  if (a === b) return true;
  const x = Number(a);
  const y = Number(b);
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) && x === y;
}

/** Pairs both runs' predictions by id and estimates the noise in the accuracy delta. Null when nothing is shared. */
export function estimateNoise(baseline: Prediction[], candidate: Prediction[], options: NoiseOptions = {}): NoiseEstimate | null {
  const byId = new Map(baseline.map((p) => [p.id, p]));
  const base: number[] = [];
  const cand: number[] = [];
  let b = 0;
  let c = 0;
  for (const p of candidate) {
    const q = byId.get(p.id);
    if (!q || !sameLabel(p.yTrue, q.yTrue)) continue;
    const baseRight = sameLabel(q.yPred, q.yTrue) ? 1 : 0;
    const candRight = sameLabel(p.yPred, p.yTrue) ? 1 : 0;
    base.push(baseRight);
    cand.push(candRight);
    if (baseRight && !candRight) b++;
    if (candRight && !baseRight) c++;
  }
  const n = base.length;
  if (!n) return null;
  const baselineAccuracy = base.reduce((s, v) => s + v, 0) / n;
  const candidateAccuracy = cand.reduce((s, v) => s + v, 0) / n;
  const ci = pairedBootstrap(base, cand, options);
  return {
    shared: n,
    unmatched: baseline.length + candidate.length - 2 * n,
    baselineAccuracy,
    candidateAccuracy,
    delta: candidateAccuracy - baselineAccuracy,
    ci,
    spansZero: ci.low <= 0 && ci.high >= 0,
    mcnemar: mcnemar(b, c),
  };
}

/** Regression metrics whose delta a paired bootstrap bounds from per-example numeric predictions. */
export type ErrorMetric = 'mse' | 'rmse' | 'mae';

/** The noise in a regression metric's delta (candidate − baseline), from numeric per-example predictions. */
export interface ErrorNoiseEstimate {
  metric: ErrorMetric;
  /** Examples in both files with numeric, equal y_true and numeric y_pred. */
  shared: number;
  baselineValue: number;
  candidateValue: number;
  delta: number;
  ci: NoiseEstimate['ci'];
  spansZero: boolean;
}

/**
 * Pairs numeric predictions by id and bootstraps the delta of MSE, RMSE or MAE: each resample draws example
 * indices (as pairedBootstrap does, same generator) and recomputes both runs' metric on them. Null when no
 * example pairs up.
 */
export function estimateErrorNoise(
  baseline: Prediction[],
  candidate: Prediction[],
  metric: ErrorMetric,
  options: NoiseOptions = {},
): ErrorNoiseEstimate | null {
  const byId = new Map(baseline.map((p) => [p.id, p]));
  const loss = (t: number, p: number) => (metric === 'mae' ? Math.abs(p - t) : (p - t) ** 2);
  const finish = (meanLoss: number) => (metric === 'rmse' ? Math.sqrt(meanLoss) : meanLoss);
  const base: number[] = [];
  const cand: number[] = [];
  for (const p of candidate) {
    const q = byId.get(p.id);
    if (!q) continue;
    const [t1, p1, t0, p0] = [p.yTrue, p.yPred, q.yTrue, q.yPred].map((v) => (v.trim() === '' ? NaN : Number(v)));
    if (![t1, p1, t0, p0].every(Number.isFinite) || t1 !== t0) continue;
    base.push(loss(t0, p0));
    cand.push(loss(t1, p1));
  }
  const n = base.length;
  if (!n) return null;
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 20240601;
  const confidence = options.confidence ?? 0.95;
  const random = mulberry32(seed);
  const deltas = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sb = 0;
    let sc = 0;
    for (let i = 0; i < n; i++) {
      const k = Math.floor(random() * n);
      sb += base[k];
      sc += cand[k];
    }
    deltas[r] = finish(sc / n) - finish(sb / n);
  }
  deltas.sort();
  const alpha = (1 - confidence) / 2;
  const ci = { low: quantile(deltas, alpha), high: quantile(deltas, 1 - alpha), confidence, resamples, seed };
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const [baselineValue, candidateValue] = [finish(mean(base)), finish(mean(cand))];
  return {
    metric,
    shared: n,
    baselineValue,
    candidateValue,
    delta: candidateValue - baselineValue,
    ci,
    spansZero: ci.low <= 0 && ci.high >= 0,
  };
}
