import { inputError } from '@mlci/core';
import type { ArtifactRef, MetricPoint } from '@mlci/store';

/**
 * Everything one run logs, from whichever capture route (MLflow REST, metrics files, system sampler):
 * params, full metric histories, tags, artifacts. Plain data, turned into a RunRecord at the end.
 */
/**
 * Keys come from the script (metric, param and tag names), so they may be `constructor`, `toString` or
 * `__proto__`: maps without a prototype hold them as ordinary keys instead of finding Object's members.
 */
const keyed = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export class RunCollector {
  readonly params: Record<string, string> = keyed();
  readonly metrics: Record<string, MetricPoint[]> = keyed();
  readonly tags: Record<string, string> = keyed();
  private readonly seen: Record<string, Set<string>> = keyed();
  private readonly artifactsByPath = new Map<string, ArtifactRef>();
  /** Run name set by the script (MLflow `run_name`), if any. */
  name: string | undefined;

  /** NaN and ±Infinity are kept as MLflow keeps them (the store writes them as "NaN"/"Infinity" strings). */
  logMetric(key: string, value: number, step = 0, timestamp = Date.now()): void {
    const point = { step: Math.trunc(step), value, timestamp: Math.trunc(timestamp) };
    // MLflow keys a metric value by (key, step, timestamp, value): the same value logged twice (MLflow 3's
    // log_model re-sends the run's metrics for the model) is one value.
    const seen = (this.seen[key] ??= new Set());
    const id = `${point.step}|${point.timestamp}|${point.value}`;
    if (seen.has(id)) return;
    seen.add(id);
    (this.metrics[key] ??= []).push(point);
  }

  /** MLflow's rule: a param is written once; logging the same value again is fine, a different one is not. */
  logParam(key: string, value: string): void {
    const previous = this.params[key];
    if (previous !== undefined && previous !== value) {
      throw inputError(`param "${key}" was already logged as "${previous}"; changing it to "${value}" is not allowed`);
    }
    this.params[key] = value;
  }

  /** Params from files (params.yaml, MLproject): they never override what the script logged itself. */
  mergeParams(params: Record<string, string>): void {
    for (const [k, v] of Object.entries(params)) if (this.params[k] === undefined) this.params[k] = v;
  }

  /** Keys that came from a params file (set by mergeParamsFile), as opposed to ones the script logged. */
  private readonly fileParamKeys = new Set<string>();

  /**
   * Params from a DVC-style params file, nested keys flattened with dots (`train.epochs`). They never override
   * what the script logged itself. A script that reads params.yaml and logs a section with MLflow
   * (`mlflow.log_params(params["train"])`) logs `epochs` for the file's `train.epochs`: the same param twice.
   * DVC names it by its full dotted key, so that key is kept and the script's short copy (a key equal to a
   * dotted tail of a file key, with the same value) is dropped. A short key with a different value is a
   * different param (the script changed it) and stays.
   */
  mergeParamsFile(params: Record<string, string>): void {
    for (const k of Object.keys(params)) this.fileParamKeys.add(k);
    for (const [k, v] of Object.entries(params)) {
      if (this.params[k] === undefined) this.params[k] = v;
      if (this.params[k] !== v) continue; // the script logged the full key with its own value: nothing is a copy
      for (let dot = k.indexOf('.'); dot >= 0; dot = k.indexOf('.', dot + 1)) {
        const tail = k.slice(dot + 1);
        if (tail && !this.fileParamKeys.has(tail) && this.params[tail] === v) delete this.params[tail];
      }
    }
  }

  setTag(key: string, value: string): void {
    this.tags[key] = value;
  }

  deleteTag(key: string): void {
    delete this.tags[key];
  }

  addArtifact(ref: ArtifactRef): void {
    this.artifactsByPath.set(ref.path, ref);
  }

  get artifacts(): ArtifactRef[] {
    return [...this.artifactsByPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
