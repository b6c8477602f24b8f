import { inputError } from '@mlci/core';
import { journalLine, type ArtifactRef, type MetricPoint } from '@mlci/store';
import { RunJournal } from './journal';

/**
 * Everything one run logs, from whichever capture route (MLflow REST, metrics files, system sampler):
 * params, full metric histories, tags, artifacts. Plain data, turned into a RunRecord at the end.
 */
/**
 * Keys come from the script (metric, param and tag names), so they may be `constructor`, `toString` or
 * `__proto__`: maps without a prototype hold them as ordinary keys instead of finding Object's members.
 */
const keyed = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * Every item is also appended to the run's journal when there is one (`journal.ts`): the mlci run's collector
 * is given it with `journalTo`; a collector made while a journal's scope is active (the MLflow endpoint's
 * child runs) joins it by itself as the next run.
 */
export class RunCollector {
  readonly params: Record<string, string> = keyed();
  readonly metrics: Record<string, MetricPoint[]> = keyed();
  readonly tags: Record<string, string> = keyed();
  private readonly seen: Record<string, Set<string>> = keyed();
  private readonly artifactsByPath = new Map<string, ArtifactRef>();
  private journal: RunJournal | null = null;
  /** This run's index in the journal (0: the mlci run). */
  private index = 0;
  /** JSON of each metric key, written in every journal line of that metric. */
  private readonly keyJson = new Map<string, string>();
  private runName: string | undefined;

  constructor() {
    const ambient = RunJournal.current();
    if (ambient) {
      this.journal = ambient;
      this.index = ambient.openChild(this);
    }
  }

  /** Run name set by the script (MLflow `run_name`), if any. */
  get name(): string | undefined {
    return this.runName;
  }

  set name(name: string | undefined) {
    if (name !== undefined && name !== this.runName) this.journal?.write(journalLine.name(this.index, name));
    this.runName = name;
  }

  /** Journals this collector as the mlci run (index 0), what it holds already first. */
  journalTo(journal: RunJournal): void {
    this.journal = journal;
    this.index = 0;
    if (this.runName !== undefined) journal.write(journalLine.name(0, this.runName));
    for (const [k, v] of Object.entries(this.params)) journal.write(journalLine.param(0, k, v));
    for (const [k, points] of Object.entries(this.metrics))
      for (const p of points) journal.write(journalLine.metric(0, JSON.stringify(k), p.value, p.step, p.timestamp));
    for (const [k, v] of Object.entries(this.tags)) journal.write(journalLine.tag(0, k, v));
    for (const a of this.artifactsByPath.values()) journal.write(journalLine.artifact(0, a));
  }

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
    if (this.journal) {
      let json = this.keyJson.get(key);
      if (json === undefined) this.keyJson.set(key, (json = JSON.stringify(key)));
      this.journal.write(journalLine.metric(this.index, json, point.value, point.step, point.timestamp));
    }
  }

  /** MLflow's rule: a param is written once; logging the same value again is fine, a different one is not. */
  logParam(key: string, value: string): void {
    const previous = this.params[key];
    if (previous !== undefined && previous !== value) {
      throw inputError(`param "${key}" was already logged as "${previous}"; changing it to "${value}" is not allowed`);
    }
    if (previous === undefined) this.journal?.write(journalLine.param(this.index, key, value));
    this.params[key] = value;
  }

  private setParam(key: string, value: string): void {
    this.params[key] = value;
    this.journal?.write(journalLine.param(this.index, key, value));
  }

  /** Params from files (params.yaml, MLproject): they never override what the script logged itself. */
  mergeParams(params: Record<string, string>): void {
    for (const [k, v] of Object.entries(params)) if (this.params[k] === undefined) this.setParam(k, v);
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
      if (this.params[k] === undefined) this.setParam(k, v);
      if (this.params[k] !== v) continue; // the script logged the full key with its own value: nothing is a copy
      for (let dot = k.indexOf('.'); dot >= 0; dot = k.indexOf('.', dot + 1)) {
        const tail = k.slice(dot + 1);
        if (tail && !this.fileParamKeys.has(tail) && this.params[tail] === v) {
          delete this.params[tail];
          this.journal?.write(journalLine.unparam(this.index, tail));
        }
      }
    }
  }

  setTag(key: string, value: string): void {
    if (this.tags[key] !== value) this.journal?.write(journalLine.tag(this.index, key, value));
    this.tags[key] = value;
  }

  deleteTag(key: string): void {
    if (key in this.tags) this.journal?.write(journalLine.untag(this.index, key));
    delete this.tags[key];
  }

  addArtifact(ref: ArtifactRef): void {
    this.journal?.write(journalLine.artifact(this.index, ref));
    this.artifactsByPath.set(ref.path, ref);
  }

  get artifacts(): ArtifactRef[] {
    return [...this.artifactsByPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}
