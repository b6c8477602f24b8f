/** Sweeps: several candidate runs (a matrix of jobs), ranked by one metric, the best named. */
import { lastValue } from './compare-util';
import { defaultDirection, type Direction } from './compare-spec';
import type { RunLike } from './compare';

export interface RankedRun {
  id: string;
  name: string;
  /** The primary metric's last value; null when the run did not log it (ranked last). */
  value: number | null;
  /** 1-based; runs without the metric share the last rank. */
  rank: number;
}

export interface SweepRanking {
  metric: string;
  direction: Direction;
  ranked: RankedRun[];
  /** Id of the best run; null when no run logged the metric. */
  best: string | null;
}

/**
 * Ranks runs by `metric` (higher or lower first, from `direction` or the name; a neutral metric cannot rank:
 * pass a direction). Ties keep the given order, so the first-listed run wins a tie.
 */
export function rankRuns(runs: RunLike[], metric: string, direction: Direction = defaultDirection(metric)): SweepRanking {
  if (direction === 'neutral') throw new TypeError(`cannot rank by "${metric}": its direction is unknown (declare higher or lower)`);
  const sign = direction === 'higher' ? -1 : 1;
  const scored = runs.map((r, i) => ({ r, i, value: lastValue(r.metrics[metric]) }));
  scored.sort(
    (a, b) =>
      (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) ||
      (a.value !== null && b.value !== null ? sign * (a.value - b.value) : 0) ||
      a.i - b.i,
  );
  const withValue = scored.filter((s) => s.value !== null).length;
  const ranked = scored.map((s, i) => ({ id: s.r.id, name: s.r.name, value: s.value, rank: s.value === null ? withValue + 1 : i + 1 }));
  return { metric, direction, ranked, best: withValue ? ranked[0].id : null };
}
