/**
 * Noise in the F1 and AUC deltas: a paired bootstrap over the shared ids, with the same seeded generator
 * and resample count as the accuracy bootstrap (compare-noise.ts), recomputing both runs' metric on each
 * resample. F1 is binary (positive label `1`, else the greater label) when the shared examples hold two
 * labels, macro-averaged over classes otherwise (as scikit-learn's f1_score). AUC is binary, from `score`.
 */
import { mulberry32, quantile, type NoiseOptions, type Prediction } from './compare-noise';

export type ClassMetric = 'f1' | 'auc';

/** The noise in a classification metric's delta (candidate − baseline). */
export interface ClassNoiseEstimate {
  metric: ClassMetric;
  /** Examples in both files with equal y_true (and, for AUC, finite scores). */
  shared: number;
  baselineValue: number;
  candidateValue: number;
  delta: number;
  ci: { low: number; high: number; confidence: number; resamples: number; seed: number };
  spansZero: boolean;
}

const norm = (v: string) => (v.trim() !== '' && Number.isFinite(Number(v)) ? String(Number(v)) : v.trim());

/** F1 from per-class counts: binary (class `pos`) or macro over classes present in truth or prediction. */
function f1FromCounts(tp: Float64Array, fp: Float64Array, fn: Float64Array, pos: number): number {
  const one = (k: number) => (2 * tp[k] + fp[k] + fn[k] === 0 ? 0 : (2 * tp[k]) / (2 * tp[k] + fp[k] + fn[k]));
  if (pos >= 0) return one(pos);
  let s = 0;
  let m = 0;
  for (let k = 0; k < tp.length; k++) {
    if (tp[k] + fp[k] + fn[k] === 0) continue;
    s += one(k);
    m++;
  }
  return m ? s / m : 0;
}

/** Mann-Whitney AUC of examples weighted by `weight`, walked in ascending score order `order` (ties averaged). */
function aucWeighted(order: Int32Array, score: Float64Array, positive: Uint8Array, weight: Float64Array): number {
  let negBelow = 0;
  let sum = 0;
  let P = 0;
  let N = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let p = 0;
    let n = 0;
    while (j < order.length && score[order[j]] === score[order[i]]) {
      const k = order[j++];
      if (positive[k]) p += weight[k];
      else n += weight[k];
    }
    sum += p * (negBelow + n / 2);
    negBelow += n;
    P += p;
    N += n;
    i = j;
  }
  return P && N ? sum / (P * N) : NaN;
}

/** Pairs predictions by id and bootstraps the F1 or AUC delta. Null when nothing pairs up (or AUC is undefined). */
export function estimateClassNoise(
  baseline: Prediction[],
  candidate: Prediction[],
  metric: ClassMetric,
  options: NoiseOptions = {},
): ClassNoiseEstimate | null {
  const byId = new Map(baseline.map((p) => [p.id, p]));
  const pairs: Array<[Prediction, Prediction]> = [];
  for (const p of candidate) {
    const q = byId.get(p.id);
    if (!q || norm(q.yTrue) !== norm(p.yTrue)) continue;
    if (metric === 'auc' && !(Number.isFinite(Number(q.score ?? NaN)) && Number.isFinite(Number(p.score ?? NaN)))) continue;
    pairs.push([q, p]);
  }
  const n = pairs.length;
  if (!n) return null;
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 20240601;
  const confidence = options.confidence ?? 0.95;
  const labels = [...new Set(pairs.flatMap(([q, p]) => [norm(q.yTrue), norm(q.yPred), norm(p.yPred)]))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const truth = Int32Array.from(pairs, ([q]) => index.get(norm(q.yTrue))!);
  let value: (side: 0 | 1, weight: Float64Array) => number;
  if (metric === 'f1') {
    const pos = labels.length === 2 ? (index.get('1') ?? 1) : -1;
    const preds = [
      Int32Array.from(pairs, ([q]) => index.get(norm(q.yPred))!),
      Int32Array.from(pairs, ([, p]) => index.get(norm(p.yPred))!),
    ];
    value = (side, w) => {
      const L = labels.length;
      const [tp, fp, fn] = [new Float64Array(L), new Float64Array(L), new Float64Array(L)];
      for (let i = 0; i < n; i++) {
        if (!w[i]) continue;
        const t = truth[i];
        const y = preds[side][i];
        if (t === y) tp[t] += w[i];
        else {
          fp[y] += w[i];
          fn[t] += w[i];
        }
      }
      return f1FromCounts(tp, fp, fn, pos);
    };
  } else {
    const truthLabels = [...new Set(truth)];
    if (truthLabels.length !== 2) return null;
    const posIndex = index.get('1') ?? Math.max(...truthLabels);
    const positive = Uint8Array.from(truth, (t) => (t === posIndex ? 1 : 0));
    const scores = [Float64Array.from(pairs, ([q]) => Number(q.score)), Float64Array.from(pairs, ([, p]) => Number(p.score))];
    const orders = scores.map((s) => Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => s[a] - s[b]));
    value = (side, w) => aucWeighted(orders[side], scores[side], positive, w);
  }
  const ones = new Float64Array(n).fill(1);
  const baselineValue = value(0, ones);
  const candidateValue = value(1, ones);
  const random = mulberry32(seed);
  const deltas: number[] = [];
  const w = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    w.fill(0);
    for (let i = 0; i < n; i++) w[Math.floor(random() * n)]++;
    const d = value(1, w) - value(0, w);
    if (Number.isFinite(d)) deltas.push(d); // a resample with one class only has no AUC
  }
  if (!deltas.length) return null;
  const sorted = Float64Array.from(deltas).sort();
  const alpha = (1 - confidence) / 2;
  const ci = { low: quantile(sorted, alpha), high: quantile(sorted, 1 - alpha), confidence, resamples, seed };
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
