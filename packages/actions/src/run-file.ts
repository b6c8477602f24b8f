/** A run record read from a result file (train-and-log's train.json), as the steps after it read one. */
import { inputError } from '@mlci/core';
import { decodeRunRecord, type RunRecord } from '@mlci/store';

/**
 * Parses and checks the parts a later step reads (`id`, `metrics` as lists of points), then turns the
 * "NaN"/"Infinity"/"-Infinity" strings train.json holds (and null, from older writers) back into numbers.
 * Whatever is wrong is refused naming `file`, never a crash on a point that is not an object.
 */
export function parseRunFile(text: string, file: string, hint: string): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw inputError('not a run record (invalid JSON)', { file, hint });
  }
  const run = value as Record<string, unknown> | null;
  if (typeof run !== 'object' || run === null || Array.isArray(run) || typeof run.id !== 'string')
    throw inputError('not a run record: expected an object with `id` and `metrics`', { file, hint });
  if (typeof run.metrics !== 'object' || run.metrics === null || Array.isArray(run.metrics))
    throw inputError('not a run record: "metrics" is missing or not an object', { file, hint });
  for (const [key, points] of Object.entries(run.metrics)) {
    if (!Array.isArray(points) || points.some((p) => typeof p !== 'object' || p === null || Array.isArray(p)))
      throw inputError(`not a run record: metric "${key}" is not a list of points`, { file, hint });
  }
  // Child runs are the report's to read (it checks every field); the steps here use the run's own metrics.
  const { metrics } = decodeRunRecord({ metrics: run.metrics as RunRecord['metrics'] });
  return { ...(run as unknown as RunRecord), metrics, name: typeof run.name === 'string' ? run.name : run.id };
}
