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
  /** Typed buffers of capacity k per level (room for k values; `sizes[h]` are in use). */
  private buffers: Float64Array[];
  private sizes: number[];
  count: number;
  private parity: number[];

  constructor(k = 4096, state?: SketchState) {
    this.k = state?.k ?? k;
    this.buffers = [];
    this.sizes = [];
    this.parity = [];
    this.count = 0;
    for (const [h, values] of (state?.levels ?? [[]]).entries()) {
      this.ensureLevel(h);
      for (const v of values) this.push(h, v);
    }
    this.count = state?.count ?? 0;
    if (state?.parity) this.parity = this.parity.map((_, h) => state.parity[h] ?? 0);
  }

  /** The retained values per level, as plain arrays (what JSON keeps). */
  get levels(): number[][] {
    return this.buffers.map((b, h) => Array.from(b.subarray(0, this.sizes[h])));
  }

  private ensureLevel(h: number): void {
    while (this.buffers.length <= h) {
      this.buffers.push(new Float64Array(this.k + 1));
      this.sizes.push(0);
      this.parity.push(0);
    }
  }

  /** Appends to level h, compacting it when full. */
  private push(h: number, value: number): void {
    this.buffers[h][this.sizes[h]++] = value;
    if (this.sizes[h] >= this.k) this.compact(h);
  }

  add(value: number): void {
    this.count++;
    this.push(0, value);
  }

  private compact(h: number): void {
    this.ensureLevel(h + 1);
    const size = this.sizes[h];
    // Typed-array sort is numeric and native: several times faster than sort with a comparator.
    const level = this.buffers[h].subarray(0, size).sort();
    const offset = this.parity[h];
    this.parity[h] ^= 1;
    const even = size - (size % 2); // an odd one out (the largest) stays at this level
    const carry = size % 2 ? level[size - 1] : undefined;
    this.sizes[h] = 0;
    for (let i = offset; i < even; i += 2) this.push(h + 1, level[i]);
    if (carry !== undefined) this.buffers[h][this.sizes[h]++] = carry;
  }

  merge(other: QuantileSketch): void {
    other.levels.forEach((values, h) => {
      this.ensureLevel(h);
      for (const v of values) this.push(h, v);
    });
    this.count += other.count;
  }

  /** Fraction of n by which any rank may be off. */
  rankError(): number {
    return (this.buffers.length - 1) / this.k;
  }

  /** Retained values, sorted, with their weights: a weighted empirical distribution. */
  weighted(): { values: Float64Array; weights: Float64Array } {
    const pairs: Array<[number, number]> = [];
    this.buffers.forEach((b, h) => {
      for (let i = 0; i < this.sizes[h]; i++) pairs.push([b[i], 2 ** h]);
    });
    pairs.sort((a, b) => a[0] - b[0]);
    return { values: Float64Array.from(pairs, (p) => p[0]), weights: Float64Array.from(pairs, (p) => p[1]) };
  }

  toJSON(): SketchState {
    return { k: this.k, levels: this.levels, count: this.count, parity: [...this.parity] };
  }
}
