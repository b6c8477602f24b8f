/**
 * How each metric is judged: which way is better, and the thresholds a change must clear. Thresholds are
 * written as MLflow's `MetricThreshold` is (`threshold`, `min_absolute_change`, `min_relative_change`, with
 * `greater_is_better` taken from the direction), so a team moving from `mlflow.validate_evaluation_results`
 * keeps its numbers.
 */
import { parseYaml, usageError } from '@mlci/core';

/** `higher`/`lower` is better; `neutral` when unknown: such a metric is shown with its delta but gets no verdict. */
export type Direction = 'higher' | 'lower' | 'neutral';

export interface MetricSpec {
  /**
   * Which way is better.
   * @default from the metric's name (see `defaultDirection`), `neutral` when the name says nothing
   */
  direction?: Direction;
  /**
   * Absolute bound on the candidate's value (MLflow `threshold`): at least this when higher is better, at most
   * this when lower is better. A candidate outside it is `regressed` whatever the baseline.
   * @default no bound
   */
  threshold?: number;
  /**
   * Smallest absolute change (in the metric's units, >= 0) that counts as a change (MLflow
   * `min_absolute_change`). Smaller changes are `unchanged`.
   * @default 0 (any change counts)
   */
  min_absolute_change?: number;
  /**
   * Smallest change relative to |baseline| (a fraction, >= 0; 0.01 = 1 %) that counts as a change (MLflow
   * `min_relative_change`). When both minimums are given a change must clear both.
   * @default 0
   */
  min_relative_change?: number;
  /**
   * Whether a regression of this metric (or its absence from the candidate) fails the comparison: exit 1 in
   * `mlci compare`, verdict `regressed` in the action.
   * @default true for metrics declared in the spec, false for the others (they are reported only)
   */
  gated?: boolean;
}

/** Name parts that say lower is better / higher is better. Matched as whole words of the key (split on _ - . / space). */
const LOWER = ['loss', 'error', 'err', 'mse', 'mae', 'rmse', 'mape', 'latency', 'time', 'duration', 'perplexity'];
const HIGHER = ['accuracy', 'acc', 'f1', 'auc', 'roc', 'precision', 'recall', 'r2', 'map', 'ndcg', 'iou', 'bleu', 'rouge'];

/** The direction a metric's name implies: `val_loss` → lower, `val_accuracy` → higher, `epoch` → neutral. */
export function defaultDirection(key: string): Direction {
  const words = key
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  // The last word that means something wins: `accuracy_error` is an error, `loss_auc` an AUC.
  for (let i = words.length - 1; i >= 0; i--) {
    if (LOWER.includes(words[i])) return 'lower';
    if (HIGHER.includes(words[i])) return 'higher';
  }
  return 'neutral';
}

const DIRECTIONS = new Set(['higher', 'lower', 'neutral']);

/**
 * Parses `mlci compare --metric KEY:higher|lower[:THRESHOLD]`. The key may itself contain colons: the
 * direction and threshold are read from the right.
 */
export function parseMetricFlag(raw: string): [string, MetricSpec] {
  const parts = raw.split(':');
  let threshold: number | undefined;
  if (parts.length >= 3 && !DIRECTIONS.has(parts[parts.length - 1]) && DIRECTIONS.has(parts[parts.length - 2])) {
    const text = parts.pop()!;
    threshold = Number(text);
    if (text.trim() === '' || !Number.isFinite(threshold))
      throw usageError(`--metric ${raw}: threshold "${text}" is not a number`, 'e.g. --metric accuracy:higher:0.9');
  }
  const direction = parts.pop();
  const key = parts.join(':');
  if (!key || !direction || !DIRECTIONS.has(direction))
    throw usageError(
      `--metric ${raw}: expected KEY:higher|lower[:THRESHOLD]`,
      'e.g. --metric val_loss:lower or --metric accuracy:higher:0.9',
    );
  return [key, { direction: direction as Direction, ...(threshold !== undefined ? { threshold } : {}), gated: true }];
}

const SPEC_FIELDS = new Set([
  'direction',
  'greater_is_better',
  'higher_is_better',
  'threshold',
  'min_absolute_change',
  'min_relative_change',
  'gated',
]);

/**
 * Reads the thresholds document (the action's `thresholds` input, a YAML mapping):
 * ```yaml
 * accuracy: {threshold: 0.9, min_absolute_change: 0.01}   # direction from the name
 * val_loss: lower
 * latency_ms: {greater_is_better: false, min_relative_change: 0.05, gated: false}
 * ```
 * `source` names the input or file in errors.
 */
export function parseThresholds(text: string, source = 'thresholds'): Record<string, MetricSpec> {
  if (!text.trim()) return {};
  let doc: unknown;
  try {
    doc = parseYaml(text, source);
  } catch (error) {
    throw usageError(`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw usageError(`${source}: expected a mapping of metric name to spec`, 'e.g. `accuracy: {threshold: 0.9}` or `val_loss: lower`');
  const out: Record<string, MetricSpec> = {};
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    if (typeof value === 'string') {
      if (!DIRECTIONS.has(value))
        throw usageError(`${source}: metric "${key}": direction must be higher, lower or neutral, got "${value}"`);
      out[key] = { direction: value as Direction, gated: true };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw usageError(`${source}: metric "${key}": expected a direction or a mapping`);
    const v = value as Record<string, unknown>;
    for (const field of Object.keys(v))
      if (!SPEC_FIELDS.has(field))
        throw usageError(`${source}: metric "${key}": unknown field "${field}"`, `fields: ${[...SPEC_FIELDS].join(', ')}`);
    const spec: MetricSpec = { gated: true };
    if (v.direction !== undefined) {
      if (typeof v.direction !== 'string' || !DIRECTIONS.has(v.direction))
        throw usageError(`${source}: metric "${key}": direction must be higher, lower or neutral`);
      spec.direction = v.direction as Direction;
    }
    const gib = v.greater_is_better ?? v.higher_is_better;
    if (gib !== undefined) {
      if (typeof gib !== 'boolean') throw usageError(`${source}: metric "${key}": greater_is_better must be true or false`);
      if (spec.direction && spec.direction !== (gib ? 'higher' : 'lower'))
        throw usageError(`${source}: metric "${key}": direction and greater_is_better disagree`);
      spec.direction = gib ? 'higher' : 'lower';
    }
    for (const field of ['threshold', 'min_absolute_change', 'min_relative_change'] as const) {
      if (v[field] === undefined) continue;
      const n = v[field];
      if (typeof n !== 'number' || !Number.isFinite(n) || (field !== 'threshold' && n < 0))
        throw usageError(`${source}: metric "${key}": ${field} must be a ${field === 'threshold' ? '' : 'non-negative '}number`);
      spec[field] = n;
    }
    if (v.gated !== undefined) {
      if (typeof v.gated !== 'boolean') throw usageError(`${source}: metric "${key}": gated must be true or false`);
      spec.gated = v.gated;
    }
    out[key] = spec;
  }
  return out;
}
