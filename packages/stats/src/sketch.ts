/**
 * A mergeable quantile sketch (a compactor hierarchy in the manner of Munro–Paterson and KLL): level h holds
 * values of weight 2^h; when a level reaches `k` values it is sorted and every other value (alternating the
 * starting offset) moves up one level. Merging two sketches concatenates their levels and compacts again,
 * so a matrix of shards summarised separately merges into one sketch of the whole.
 *
 * Error bound: a compaction at level h moves any rank by at most 2^h; level h is compacted at most
 * n / (k·2^h) times, so every rank is off by at most n/k per level and H·n/k in all, with H the number of
 * levels: `rankError()` = H / k as a fraction of n. For a CDF, |F̂(x) − F(x)| <= rankError, so a KS
 * statistic computed from two sketches is within the sum of their bounds.
 */
export interface SketchState {
  k: number;
  /** levels[h]: values of weight 2^h (unsorted at the top level until compacted). */
  levels: number[][];
  count: number;
  /** Which offset the next compaction keeps, per level (alternates to cancel bias). */
  parity: number[];
}

export class QuantileSketch {
  readonly k: number;
  levels: number[][];
  count: number;
  private parity: number[];

  constructor(k = 4096, state?: SketchState) {
    this.k = state?.k ?? k;
    this.levels = state?.levels.map((l) => [...l]) ?? [[]];
    this.count = state?.count ?? 0;
    this.parity = state?.parity ? [...state.parity] : [0];
  }

  add(value: number): void {
    this.levels[0].push(value);
    this.count++;
    if (this.levels[0].length >= this.k) this.compact(0);
  }

  private compact(h: number): void {
    const level = this.levels[h].sort((a, b) => a - b);
    if (this.levels.length === h + 1) {
      this.levels.push([]);
      this.parity.push(0);
    }
    const offset = this.parity[h];
    this.parity[h] ^= 1;
    const keep = level.length % 2 === 1 ? level.pop()! : undefined; // an odd one out stays at this level
    const up = this.levels[h + 1];
    for (let i = offset; i < level.length; i += 2) up.push(level[i]);
    this.levels[h] = keep === undefined ? [] : [keep];
    if (up.length >= this.k) this.compact(h + 1);
  }

  merge(other: QuantileSketch): void {
    while (this.levels.length < other.levels.length) {
      this.levels.push([]);
      this.parity.push(0);
    }
    other.levels.forEach((values, h) => this.levels[h].push(...values));
    this.count += other.count;
    for (let h = 0; h < this.levels.length; h++) if (this.levels[h].length >= this.k) this.compact(h);
  }

  /** Fraction of n by which any rank may be off. */
  rankError(): number {
    return (this.levels.length - 1) / this.k;
  }

  /** Retained values, sorted, with their weights: a weighted empirical distribution. */
  weighted(): { values: Float64Array; weights: Float64Array } {
    const pairs: Array<[number, number]> = [];
    this.levels.forEach((values, h) => values.forEach((v) => pairs.push([v, 2 ** h])));
    pairs.sort((a, b) => a[0] - b[0]);
    return { values: Float64Array.from(pairs, (p) => p[0]), weights: Float64Array.from(pairs, (p) => p[1]) };
  }

  toJSON(): SketchState {
    return { k: this.k, levels: this.levels, count: this.count, parity: this.parity };
  }
}
