/**
 * A whole comparison from a run store: resolve the candidate run(s) and the baseline, load per-example
 * predictions where the runs logged them, rank a sweep, compare. What `mlci compare` and the
 * compare-to-champion action both call.
 */
import { inputError, MlciError, usageError } from '@mlci/core';
import type { Store } from '@mlci/store';
import { compareRuns, type BaselineRef, type ComparisonResult, type RunLike } from './compare';
import { championBaseline, type BaselineLookup, type ChampionLike } from './compare-baseline';
import { estimateErrorNoise, estimateNoise, type ErrorNoiseEstimate, type Prediction } from './compare-noise';
import { estimateClassNoise, type ClassNoiseEstimate } from './compare-noise-class';
import { PREDICTIONS_ARTIFACT, parsePredictions } from './compare-predictions';
import type { MetricSpec } from './compare-spec';
import { rankRuns } from './compare-sweep';

/** What a comparison reads; `findRun` also finds main's run beyond this job's store (GitHub backend). */
type RunStore = Pick<Store, 'getRun' | 'listRuns' | 'getBlob' | 'findRun'>;

export interface CompareJobOptions {
  /** Where runs (and their predictions artifacts) are read. */
  store: RunStore;
  /** Candidate runs: ids, prefixes, names or `latest`. Several: a sweep, ranked by `primary`. At least one. */
  candidates: Array<string | RunLike>;
  /**
   * The baseline: a run (id, prefix, name, `latest`), `main` (newest finished run on the default branch),
   * `champion` (the registry's champion of `model`), or a run object. Absent: none (metrics shown alone).
   * A baseline that cannot be found is a note in the result, never an error.
   */
  baseline?: string | RunLike | null;
  /** Model name in the registry, for `baseline: 'champion'`. */
  model?: string;
  /** Looks up the champion of a model (the registry's getChampion); absent: "no registry". */
  champion?: (model: string) => Promise<ChampionLike | null>;
  /** Default branch for `baseline: 'main'`. @default 'main' */
  defaultBranch?: string;
  /** Declared metrics (directions, thresholds). @default {} */
  metrics?: Record<string, MetricSpec>;
  /** The metric a sweep is ranked by. @default the first declared metric with a direction, else the first shared metric with one */
  primary?: string;
  /**
   * A baseline that was named but does not resolve (a run id that matches nothing, `champion` without a model)
   * is an error (exit 2) instead of a note: what a person asked for on the command line.
   * @default false (a job's report shows the note and the candidate alone)
   */
  strictBaseline?: boolean;
  /** Per-example predictions given directly (otherwise read from the runs' `predictions.*` artifacts). */
  predictions?: { candidate?: Prediction[]; baseline?: Prediction[] };
}

async function resolveRun(store: RunStore, ref: string | RunLike): Promise<RunLike> {
  if (typeof ref !== 'string') return ref;
  if (ref === 'latest') {
    const [newest] = await store.listRuns({ limit: 1 });
    if (!newest) throw inputError('no runs recorded yet, so there is no `latest`', { hint: 'record one with `mlci train -- COMMAND`' });
    return newest;
  }
  return store.getRun(ref);
}

/** The run's predictions artifact (predictions.csv / .jsonl), parsed; null when it logged none. */
export async function runPredictions(store: Pick<Store, 'getBlob'>, run: RunLike): Promise<Prediction[] | null> {
  const artifact = (run.artifacts ?? []).find((a) => PREDICTIONS_ARTIFACT.test(a.path));
  if (!artifact) return null;
  const bytes = await store.getBlob(artifact.sha256);
  return parsePredictions(Buffer.from(bytes).toString('utf8'), `${run.id.slice(0, 8)}:${artifact.path}`);
}

function firstRankable(runs: RunLike[], metrics: Record<string, MetricSpec>): string | null {
  for (const [key, spec] of Object.entries(metrics)) if ((spec.direction ?? 'x') !== 'neutral') return key;
  const keys = Object.keys(runs[0]?.metrics ?? {})
    .filter((k) => !k.startsWith('system/') && runs.every((r) => r.metrics[k]?.length))
    .sort();
  return keys.find((k) => /acc|f1|auc|loss|error|mse|mae|rmse|r2|precision|recall/i.test(k)) ?? null;
}

async function findBaseline(options: CompareJobOptions, candidates: RunLike[]): Promise<BaselineLookup> {
  try {
    return await lookupBaseline(options, candidates);
  } catch (error) {
    // A merge gate fails closed: GitHub failing (5xx, a revoked token) is an error, never "no baseline yet".
    if (!(error instanceof MlciError) || error.kind !== 'input' || options.strictBaseline) throw error;
    // Unusable baseline data (a tampered card, a corrupt record) is said plainly; the candidate is still shown.
    return {
      baseline: null,
      notes: [
        `the ${typeof options.baseline === 'string' ? options.baseline : 'baseline'} could not be read (${(error as Error).message.split('\n')[0].slice(0, 300)}): compared with no baseline`,
      ],
    };
  }
}

async function lookupBaseline(options: CompareJobOptions, candidates: RunLike[]): Promise<BaselineLookup> {
  const b = options.baseline;
  if (b === undefined || b === null) return { baseline: null, notes: [] };
  if (typeof b !== 'string') return { baseline: { run: b, source: 'run', label: `run ${b.name}` }, notes: [] };
  if (b === 'main') {
    const branch = options.defaultBranch ?? 'main';
    const found = await options.store.findRun({ branch, excludeRuns: candidates.map((c) => c.id) });
    if (!found)
      return {
        baseline: null,
        notes: [`no finished run recorded on ${branch} yet: nothing to compare with there (a push to ${branch} records one)`],
      };
    return { baseline: { run: found.run, source: 'main', label: `${branch} (${found.where})` }, notes: [] };
  }
  if (b === 'champion') {
    if (!options.model && options.strictBaseline)
      throw usageError('--baseline champion needs the model whose champion it is', 'add --model NAME');
    if (!options.model) return { baseline: null, notes: ['no model name given, so no champion to compare with (set `model`)'] };
    if (!options.champion)
      return { baseline: null, notes: [`no champion yet: there is no model registry to look up "${options.model}" in`] };
    return championBaseline(await options.champion(options.model), options.store, options.model);
  }
  try {
    const run = await resolveRun(options.store, b);
    return { baseline: { run, source: 'run', label: `run ${run.name}` }, notes: [] };
  } catch (error) {
    if (options.strictBaseline) throw error;
    return { baseline: null, notes: [`baseline run "${b}" not found: ${(error as Error).message.split('\n')[0]}`] };
  }
}

/** Resolves, ranks and compares (see CompareJobOptions). Throws only for candidates that cannot be found. */
export async function compareJob(options: CompareJobOptions): Promise<ComparisonResult> {
  if (!options.candidates.length)
    throw inputError('no candidate run to compare', { hint: 'name a run id, `latest`, or several runs of a sweep' });
  const runs = await Promise.all(options.candidates.map((c) => resolveRun(options.store, c)));
  const metrics = options.metrics ?? {};
  const notes: string[] = [];
  let best = runs[0];
  let sweep: ComparisonResult['sweep'];
  if (runs.length > 1) {
    const primary = options.primary ?? firstRankable(runs, metrics);
    if (primary) {
      const spec = metrics[primary];
      try {
        sweep = rankRuns(runs, primary, spec?.direction);
        if (sweep.best) best = runs.find((r) => r.id === sweep!.best)!;
        else notes.push(`no candidate logged "${primary}": the first run is compared`);
      } catch (error) {
        notes.push(`${(error as Error).message}: the first run is compared`);
      }
    } else notes.push(`${runs.length} candidate runs but no metric to rank them by: declare one; the first run is compared`);
  }
  const lookup = await findBaseline(options, runs);
  notes.push(...lookup.notes);
  const baseline = lookup.baseline?.run ?? null;
  let noise = null;
  const errorNoise: ErrorNoiseEstimate[] = [];
  const classNoise: ClassNoiseEstimate[] = [];
  if (baseline) {
    const cand = options.predictions?.candidate ?? (await runPredictions(options.store, best).catch(() => null));
    const base = options.predictions?.baseline ?? (await runPredictions(options.store, baseline).catch(() => null));
    if (cand && base) {
      noise = estimateNoise(base, cand);
      // Regression metrics too, when both files hold numbers (classification labels give null here or no match).
      for (const metric of ['mse', 'rmse', 'mae'] as const) {
        const e = estimateErrorNoise(base, cand, metric);
        if (e) errorNoise.push(e);
      }
      // F1 / AUC only when a logged metric is named like one (the bootstrap recomputes the metric per resample).
      const words = Object.keys({ ...best.metrics, ...baseline.metrics }).flatMap((k) => k.toLowerCase().split(/[^a-z0-9]+/));
      for (const metric of ['f1', 'auc'] as const) {
        const e = words.includes(metric) ? estimateClassNoise(base, cand, metric) : null;
        if (e) classNoise.push(e);
      }
    } else if (cand || base)
      notes.push('only one of the two runs logged per-example predictions, so no change can be told apart from noise');
  }
  const ref: Omit<BaselineRef, 'id' | 'name'> | undefined = lookup.baseline
    ? { source: lookup.baseline.source, label: lookup.baseline.label }
    : undefined;
  const result = compareRuns(best, baseline, { metrics, noise, errorNoise, classNoise, baselineRef: ref });
  // compareRuns says "no baseline" itself; the lookup's note says why, so keep that one first.
  if (!baseline && lookup.notes.length) result.notes = result.notes.filter((n) => !n.startsWith('no baseline to compare with'));
  result.notes.unshift(...notes);
  result.bestRun = best.id;
  if (sweep) result.sweep = sweep;
  return result;
}
