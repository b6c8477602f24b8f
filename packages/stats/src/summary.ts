import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { inputError } from '@mlci/core';
import { detachString, openTable, type OpenTableOptions } from '@mlci/data';
import { QuantileSketch, type SketchState } from './sketch';
import { sortedValues, ValueSpool, type SortedColumn, type SpoolShape, type ValueStore } from './values';

/** Numeric columns keep their exact values up to this many (exact KS as scipy), then switch to the sketch. */
export const DEFAULT_EXACT_LIMIT = 200_000;
/**
 * Distinct values a column remembers. Past it the column is too varied to compare as categories (an id, a
 * free-text field): values beyond are only counted in `unseen`, and drift reports the column as not compared.
 */
export const MAX_CATEGORIES = 10_000;

export interface NumericSummary {
  kind: 'numeric';
  /** Finite values. */
  count: number;
  missing: number;
  /** NaN and ±Infinity: counted, never used in a statistic. */
  nonFinite: number;
  min: number;
  max: number;
  sum: number;
  sumSquares: number;
  /** Every finite value while count <= exactLimit, else null (the sketch holds them). */
  exact: number[] | null;
  sketch: SketchState | null;
  /** Counts of the first few distinct values: tells a numeric label (0/1) from a measurement. */
  distinct: Record<string, number> | null;
  /**
   * In-process only (`keepValues`): every finite value, sorted, whatever the count (then `exact` and
   * `sketch` are null). Never in a JSON summary.
   */
  sorted?: SortedColumn;
}

export interface CategoricalSummary {
  kind: 'categorical';
  count: number;
  missing: number;
  counts: Record<string, number>;
  /** Values not counted because MAX_CATEGORIES distinct values were already held (0 for a comparable column). */
  unseen: number;
  /** Set when numbers came first and text later: the column mixes both (a data error more often than not). */
  mixed?: boolean;
  /** NaN and ±Infinity cells of a column that held nothing else (then count is 0: no value is usable). */
  nonFinite?: number;
}

export type ColumnSummary = NumericSummary | CategoricalSummary;

/** A dataset reduced to what drift needs: JSON, mergeable across shards (`mergeSummaries`). */
export interface TableSummary {
  schema: 'mlci.table-summary/1';
  files: string[];
  rows: number;
  exactLimit: number;
  columns: Record<string, ColumnSummary>;
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * A CSV cell as a number, or undefined when it is not one in NUMBER's sense. The fast path reads a plain
 * decimal of at most 15 digits ([+-]digits[.digits]) as the integer M of its digits over 10^f: both exact
 * doubles, so the one division is correctly rounded and equals Number(raw) (Clinger's fast path), 2–4× faster
 * than Number() on a sliced string. Everything else (exponents, blanks, longer mantissas) goes through NUMBER.
 */
function numberOf(raw: string): number | undefined {
  const n = raw.length;
  let i = 0;
  let c = raw.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) i = 1;
  let m = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  let plain = i < n;
  for (; i < n; i++) {
    c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dot) fraction++;
    } else if (c === 46 && !dot) dot = true;
    else {
      plain = false;
      break;
    }
  }
  if (plain && digits > 0 && digits <= 15) {
    const value = m / POW10[fraction];
    return negative ? -value : value;
  }
  return NUMBER.test(raw) ? Number(raw) : undefined;
}
const NON_FINITE = new Set(['NaN', 'nan', 'inf', '-inf', 'Infinity', '-Infinity', 'INF', '-INF']);

/** A numeric column with at most this many distinct values keeps their counts (a label, a flag, a rating). */
const FEW_DISTINCT = 20;

class ColumnAccumulator {
  numeric: NumericSummary | null = {
    kind: 'numeric',
    count: 0,
    missing: 0,
    nonFinite: 0,
    min: Infinity,
    max: -Infinity,
    sum: 0,
    sumSquares: 0,
    exact: [],
    sketch: null,
    distinct: null,
  };
  private sketch: QuantileSketch | null = null;
  counts = new Map<string, number>();
  /** Values that went into `counts`; the rest are `unseen` (a numeric column stops counting past FEW_DISTINCT). */
  private counted = 0;
  /** False once a numeric column has too many distinct values to count: no per-value Map work from then on. */
  private counting = true;
  missing = 0;
  present = 0;
  /** Numbers came first, then text. */
  private mixed = false;
  /**
   * Set at the first value past MAX_CATEGORIES distinct ones: the column cannot be compared as categories any
   * more, so no value is looked up from then on (they are all `unseen`).
   */
  private overflowed = false;
  /** Every finite value, when the summary keeps them (`keepValues`): no exact list, no sketch. */
  private store: ValueStore | null;

  constructor(
    private readonly exactLimit: number,
    spool: ValueSpool | null,
  ) {
    this.store = spool ? spool.store() : null;
    if (this.store) this.numeric!.exact = null;
  }

  private count(raw: unknown): void {
    if (this.overflowed) return;
    const key = typeof raw === 'string' ? raw : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
    const seen = this.counts.get(key);
    if (seen !== undefined) this.counts.set(key, seen + 1);
    // A new key outlives its batch: copy it, or a slice of a CSV chunk would pin the whole 1 MiB chunk.
    else if (this.counts.size < MAX_CATEGORIES) this.counts.set(detachString(key), 1);
    else {
      this.overflowed = true;
      return;
    }
    this.counted++;
  }

  /** A batch's values of this column. */
  addAll(values: ArrayLike<unknown>, length: number): void {
    for (let i = 0; i < length; i++) this.add(values[i]);
  }

  add(raw: unknown): void {
    if (raw === null || raw === undefined || raw === '') {
      this.missing++;
      if (this.numeric) this.numeric.missing++;
      return;
    }
    this.present++;
    const n = this.numeric;
    if (!n) {
      this.count(raw);
      return;
    }
    let value: number | undefined;
    if (typeof raw === 'number') value = raw;
    else if (typeof raw === 'string') value = numberOf(raw) ?? (NON_FINITE.has(raw) ? NaN : undefined);
    if (value === undefined) {
      // A non-numeric value: from here on the column is categorical.
      this.mixed = n.count + n.nonFinite > 0;
      this.numeric = null;
      this.sketch = null;
      this.store?.abandon();
      this.store = null;
      this.count(raw);
      return;
    }
    if (!Number.isFinite(value)) {
      n.nonFinite++;
      return;
    }
    // Only finite values are counted: NaN and ±Infinity are reported by nonFinite, never as categories.
    if (this.counting) {
      this.count(raw);
      if (this.counts.size > FEW_DISTINCT) {
        this.counting = false;
        this.counts.clear();
        this.counted = 0;
      }
    }
    n.count++;
    if (value < n.min) n.min = value;
    if (value > n.max) n.max = value;
    n.sum += value;
    n.sumSquares += value * value;
    if (this.store) this.store.push(value);
    else if (n.exact) {
      n.exact.push(value);
      if (n.exact.length > this.exactLimit) {
        this.sketch = new QuantileSketch();
        for (const v of n.exact) this.sketch.add(v);
        n.exact = null;
      }
    } else this.sketch!.add(value);
  }

  summary(): ColumnSummary {
    if (this.numeric && this.numeric.count > 0) {
      return {
        ...this.numeric,
        distinct: this.counting ? Object.fromEntries(this.counts) : null,
        sketch: this.sketch ? this.sketch.toJSON() : null,
        ...(this.store ? { sorted: this.store.finish() } : {}),
      };
    }
    // Only NaN / ±Infinity cells: no usable value at all, the same as a column of empty cells.
    if (this.numeric && this.numeric.nonFinite > 0)
      return { kind: 'categorical', count: 0, missing: this.missing, counts: {}, unseen: 0, nonFinite: this.numeric.nonFinite };
    return {
      kind: 'categorical',
      count: this.present,
      missing: this.missing,
      counts: Object.fromEntries(this.counts),
      unseen: this.present - this.counted,
      ...(this.mixed ? { mixed: true } : {}),
    };
  }
}

export interface SummarizeOptions extends OpenTableOptions {
  /** Only these columns. @default every column */
  columns?: string[];
  /**
   * Columns not summarised (drift's `ignore` list): they appear with an empty categorical summary, so the
   * table still shows it has them, and no time goes into their values. @default none
   */
  skip?: string[];
  /** Exact values kept per numeric column before the sketch takes over (memory: 8 bytes each). @default 200,000 */
  exactLimit?: number;
  /**
   * Keep every finite value of each numeric column, sorted (`NumericSummary.sorted`), instead of `exact` up to
   * exactLimit and then a sketch: exact KS at any size. In-process only (drift of two data files).
   * @default false
   */
  keepValues?: boolean;
  /**
   * Where kept values go once the table holds more than `memoryBudget` bytes of them (a directory the caller
   * creates and removes). None: they all stay in memory.
   */
  spoolDir?: string;
  /** Bytes of kept values a table holds in memory before it spills to `spoolDir`. @default 16 MiB */
  memoryBudget?: number;
  /** Run, fan-in and block sizes of the external sort of spilled values (tests make them tiny). */
  spoolShape?: SpoolShape;
}

/**
 * Kept values a table holds in memory before spilling to disk (2M doubles: a 1M-row file of 11 numeric
 * columns spills, which costs about a tenth of a second through the page cache and saves 90 MiB per table).
 */
export const DEFAULT_MEMORY_BUDGET = 16 * 1024 * 1024;
let spoolNames = 0;

/** Batches between two looks at the heap (2048 rows each: about 2.5 MB of CSV text). */
const HEAP_CHECK_BATCHES = 8;
/** Large-object space (MiB) past which a summary asks for a full collection. */
export const HEAP_LIMIT_MIB = 24;

/**
 * Keeps a long read's heap near its live size. A CSV arrives in 1 MiB text chunks, each a large object that V8
 * frees only in a full (mark-sweep) collection, which it runs rarely while the old generation is small: over a
 * 10M-row file the dead chunks piled up to 100+ MiB per reading thread. Once the large-object space passes
 * `limitMiB`, a full collection (about 20 ms on a summary's heap, about 9 per 1M-row file) gives them back. Without a
 * `gc` function (the flag refused), nothing.
 */
export class HeapGuard {
  private readonly collect: (() => void) | null;
  /** Full collections asked for. */
  collections = 0;

  constructor(private readonly limitMiB = HEAP_LIMIT_MIB) {
    this.collect = limitMiB > 0 ? exposedGc() : null;
  }

  check(): void {
    if (!this.collect) return;
    const large = getHeapSpaceStatistics().find((space) => space.space_name === 'large_object_space');
    if (large && large.space_size > this.limitMiB * 1048576) {
      this.collect();
      this.collections++;
    }
  }
}

let gcFunction: (() => void) | null | undefined;
/** V8's `gc()`, exposed once through the --expose-gc flag set at run time (a fresh context then has it). */
function exposedGc(): (() => void) | null {
  if (gcFunction !== undefined) return gcFunction;
  try {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  } catch {
    gcFunction = null;
  }
  return gcFunction;
}

/** Reads a dataset once, streaming, into a TableSummary. Memory is bounded by exactLimit × columns. */
export async function summarizeTable(path: string, options: SummarizeOptions = {}): Promise<TableSummary> {
  const exactLimit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
  const table = await openTable(path, options);
  const wanted = options.columns ?? table.columns;
  for (const c of wanted)
    if (!table.columns.includes(c)) throw inputError(`no column "${c}"`, { file: path, hint: `columns are: ${table.columns.join(', ')}` });
  const spool = options.keepValues
    ? new ValueSpool(
        options.spoolDir,
        options.memoryBudget ?? DEFAULT_MEMORY_BUDGET,
        `t${process.pid}-${spoolNames++}-${Date.now()}`,
        options.spoolShape,
      )
    : null;
  const skipped = new Set(options.skip ?? []);
  const accumulators = new Map(wanted.filter((c) => !skipped.has(c)).map((c) => [c, new ColumnAccumulator(exactLimit, spool)]));
  let rows = 0;
  let batches = 0;
  const heap = new HeapGuard();
  // Columns of a batch, resolved once per header (JSONL may add columns in later batches).
  let header: string[] | null = null;
  let slots: Array<ColumnAccumulator | undefined> = [];
  let columns: Record<string, ColumnSummary>;
  try {
    for await (const batch of table.batches()) {
      if (batch.columns !== header) {
        header = batch.columns;
        slots = header.map((name) => accumulators.get(name));
      }
      for (let c = 0; c < slots.length; c++) slots[c]?.addAll(batch.values[c], batch.length);
      rows += batch.length;
      if (++batches % HEAP_CHECK_BATCHES === 0) heap.check();
    }
    const empty: CategoricalSummary = { kind: 'categorical', count: 0, missing: 0, counts: {}, unseen: 0 };
    columns = Object.fromEntries(wanted.map((name) => [name, accumulators.get(name)?.summary() ?? { ...empty }]));
  } finally {
    spool?.close();
  }
  return {
    schema: 'mlci.table-summary/1',
    files: [path],
    rows,
    exactLimit,
    columns,
  };
}

/**
 * One column's summary from values already in memory (numbers, strings as a CSV holds them, null for empty):
 * the same accumulator summarizeTable runs per column.
 */
export function summarizeValues(
  values: ArrayLike<unknown>,
  options: Pick<SummarizeOptions, 'exactLimit' | 'keepValues'> = {},
): ColumnSummary {
  const spool = options.keepValues ? new ValueSpool(undefined, Infinity, 'values') : null;
  const acc = new ColumnAccumulator(options.exactLimit ?? DEFAULT_EXACT_LIMIT, spool);
  acc.addAll(values, values.length);
  return acc.summary();
}

function mergeColumn(name: string, a: ColumnSummary, b: ColumnSummary, exactLimit: number): ColumnSummary {
  // A shard where the column held no usable value (empty or NaN cells only) takes the other shard's kind.
  const empty = (s: ColumnSummary) => s.kind === 'categorical' && s.count === 0;
  if (empty(a) || empty(b)) {
    const [none, other] = empty(a) ? [a as CategoricalSummary, b] : [b as CategoricalSummary, a];
    const nonFinite = (none.nonFinite ?? 0) + (other.nonFinite ?? 0);
    if (other.kind === 'numeric') return { ...other, missing: other.missing + none.missing, nonFinite };
    return { ...other, missing: other.missing + none.missing, ...(nonFinite ? { nonFinite } : {}) };
  }
  if (a.kind === 'categorical' || b.kind === 'categorical') {
    const toCounts = (s: ColumnSummary): Record<string, number> => (s.kind === 'categorical' ? s.counts : (s.distinct ?? {}));
    if ((a.kind === 'numeric' && !a.distinct) || (b.kind === 'numeric' && !b.distinct)) {
      throw inputError(`column "${name}" is numeric in one shard and text in another`, {
        hint: 'check the shards were cut from the same dataset with the same columns',
      });
    }
    const counts: Record<string, number> = { ...toCounts(a) };
    let unseen = (a.kind === 'categorical' ? a.unseen : 0) + (b.kind === 'categorical' ? b.unseen : 0);
    for (const [k, v] of Object.entries(toCounts(b))) {
      if (k in counts) counts[k] += v;
      else if (Object.keys(counts).length < MAX_CATEGORIES) counts[k] = v;
      else unseen += v;
    }
    return { kind: 'categorical', count: a.count + b.count, missing: a.missing + b.missing, counts, unseen };
  }
  const merged: NumericSummary = {
    kind: 'numeric',
    count: a.count + b.count,
    missing: a.missing + b.missing,
    nonFinite: a.nonFinite + b.nonFinite,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    sum: a.sum + b.sum,
    sumSquares: a.sumSquares + b.sumSquares,
    exact: null,
    sketch: null,
    distinct: null,
  };
  if (a.distinct && b.distinct) {
    const d: Record<string, number> = { ...a.distinct };
    for (const [k, v] of Object.entries(b.distinct)) d[k] = (d[k] ?? 0) + v;
    merged.distinct = Object.keys(d).length <= 20 ? d : null;
  }
  const exactOf = (s: NumericSummary) => s.exact ?? (s.sorted ? Array.from(sortedValues(s.sorted)) : null);
  const ea = exactOf(a);
  const eb = exactOf(b);
  if (ea && eb && ea.length + eb.length <= exactLimit) merged.exact = [...ea, ...eb];
  else {
    const sketchOf = (s: NumericSummary, exact: number[] | null) => {
      if (s.sketch) return new QuantileSketch(undefined, s.sketch);
      const sk = new QuantileSketch();
      for (const v of exact ?? []) sk.add(v);
      return sk;
    };
    const sketch = sketchOf(a, ea);
    sketch.merge(sketchOf(b, eb));
    merged.sketch = sketch.toJSON();
  }
  return merged;
}

/** Merges shard summaries (associative): exact counts add up; numeric values stay exact or merge as sketches. */
export function mergeSummaries(parts: TableSummary[]): TableSummary {
  if (parts.length === 0) throw inputError('no summaries to merge', { hint: 'pass the summary files the shard jobs wrote' });
  return parts.reduce((a, b) => {
    const names = new Set([...Object.keys(a.columns), ...Object.keys(b.columns)]);
    const columns: Record<string, ColumnSummary> = {};
    for (const name of names) {
      const x = a.columns[name];
      const y = b.columns[name];
      if (!x || !y)
        throw inputError(
          `column "${name}" is in ${x ? a.files.join(', ') : b.files.join(', ')} but not in ${x ? b.files.join(', ') : a.files.join(', ')}`,
          { hint: 'shards must have the same columns' },
        );
      columns[name] = mergeColumn(name, x, y, Math.min(a.exactLimit, b.exactLimit));
    }
    return {
      schema: 'mlci.table-summary/1',
      files: [...a.files, ...b.files],
      rows: a.rows + b.rows,
      exactLimit: Math.min(a.exactLimit, b.exactLimit),
      columns,
    };
  });
}

/**
 * A numeric summary's values as a sorted weighted distribution (weights 1 when exact). Kept values read from a
 * spool file land in a buffer the next call reuses (drift streams them instead: `compareSorted`).
 */
export function distributionOf(s: NumericSummary): { values: Float64Array; weights: Float64Array | null; rankError: number } {
  if (s.sorted) return { values: sortedValues(s.sorted), weights: null, rankError: 0 };
  if (s.exact) return { values: Float64Array.from(s.exact).sort(), weights: null, rankError: 0 };
  const sketch = new QuantileSketch(undefined, s.sketch!);
  const { values, weights } = sketch.weighted();
  return { values, weights, rankError: sketch.rankError() };
}
