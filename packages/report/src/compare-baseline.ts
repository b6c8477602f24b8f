/**
 * The champion as a baseline: its run from the store, else a run made from its model card. (`main`, the
 * newest finished run on the default branch, is the store's findRun.) A missing champion is a note.
 */
import type { Store } from '@mlci/store';
import type { BaselineRef, RunLike } from './compare';

export interface ResolvedBaseline {
  run: RunLike;
  source: BaselineRef['source'];
  label: string;
}

export interface BaselineLookup {
  /** The baseline found, or null. */
  baseline: ResolvedBaseline | null;
  /** Why none was found (or what was substituted), in plain words. */
  notes: string[];
}

/** The champion as the registry describes it (`getChampion`'s result), kept structural to avoid a hard dependency. */
export interface ChampionLike {
  version: string;
  runId: string;
  metrics: Record<string, number>;
  card: { name: string; tag: string; runName: string; commit: string | null; branch: string | null };
}

/**
 * The champion's run from the store when it is there (full metric history and predictions), else a run made
 * from the model card's metrics (last values only: no curves, no noise estimate).
 */
export async function championBaseline(
  champion: ChampionLike | null,
  store: Pick<Store, 'getRun'> | null,
  modelName: string,
): Promise<BaselineLookup> {
  if (!champion) return { baseline: null, notes: [`model "${modelName}" has no champion yet: nothing to compare with in the registry`] };
  const label = `champion ${champion.card.tag}`;
  try {
    if (store) return { baseline: { run: await store.getRun(champion.runId), source: 'champion', label }, notes: [] };
  } catch {
    // The champion was trained elsewhere (another runner, another clone): its card still has the metrics.
  }
  const now = Date.now();
  const run: RunLike = {
    id: champion.runId,
    name: champion.card.runName,
    metrics: Object.fromEntries(Object.entries(champion.metrics).map(([k, value]) => [k, [{ step: 0, value, timestamp: now }]])),
    artifacts: [],
    lineage: { git: { commit: champion.card.commit, branch: champion.card.branch } },
  };
  return {
    baseline: { run, source: 'champion', label },
    notes: [`the champion's run ${champion.runId.slice(0, 8)} is not in this store: compared with the metrics on its model card`],
  };
}
