import { closeSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Values per chunk of a column's store (512 KiB of doubles); a spilled chunk is one sorted run on disk. */
const CHUNK = 65_536;
/** Runs merged at once; more runs than this are merged in several passes (memory: FAN_IN × BLOCK doubles). */
const FAN_IN = 128;
/** Doubles read per run per refill while merging, and per read while streaming a sorted file (64 KiB). */
export const BLOCK = 8_192;

/**
 * Every finite value of one numeric column, sorted once, for exact KS, Wasserstein and quantiles at any size:
 * in memory (`array`) or, past the table's memory budget, in a spool file of sorted native-endian doubles
 * (`file`), which the comparison streams (`SortedCursor`) instead of loading. In-process only: a summary
 * written as JSON never holds it (shards carry `exact` or a sketch).
 */
export interface SortedColumn {
  count: number;
  array?: Float64Array;
  file?: string;
}

/** Sizes of the external sort, small in tests so that a few thousand values take several merge passes. */
export interface SpoolShape {
  /** Values per run (chunk). @default 65,536 */
  chunk?: number;
  /** Runs merged per pass. @default 128 */
  fanIn?: number;
  /** Doubles per run buffer while merging. @default 8,192 */
  block?: number;
}

/**
 * The memory budget of one table's value stores. Chunks stay in memory until the table holds `budget` bytes
 * of them; from then on every column writes its chunks, each sorted, to its own file under `dir` (none given:
 * everything stays in memory), and `finish` merges those runs into one sorted file.
 */
export class ValueSpool {
  private held = 0;
  spilling = false;
  private readonly stores: ValueStore[] = [];
  readonly chunk: number;
  readonly fanIn: number;
  readonly block: number;

  constructor(
    readonly dir: string | undefined,
    readonly budget: number,
    private readonly prefix: string,
    shape: SpoolShape = {},
  ) {
    this.chunk = shape.chunk ?? CHUNK;
    this.fanIn = Math.max(2, shape.fanIn ?? FAN_IN);
    this.block = shape.block ?? BLOCK;
  }

  store(): ValueStore {
    const s = new ValueStore(this, this.dir ? join(this.dir, `${this.prefix}-${this.stores.length}.f64`) : null);
    this.stores.push(s);
    return s;
  }

  /** A full chunk was kept in memory: past the budget, every store moves its chunks to disk. */
  hold(bytes: number): void {
    this.held += bytes;
    if (this.dir && !this.spilling && this.held > this.budget) {
      this.spilling = true;
      for (const s of this.stores) s.spill();
      this.held = 0;
    }
  }

  private workspace: Float64Array | null = null;

  /** The merge's run buffers and output, one allocation per table reused by every column (not garbage per column). */
  mergeBuffers(): { runs: Float64Array; out: Float64Array } {
    const runs = this.fanIn * this.block;
    const out = Math.max(this.block, 1024) * 4;
    this.workspace ??= new Float64Array(runs + out);
    return { runs: this.workspace.subarray(0, runs), out: this.workspace.subarray(runs) };
  }

  /** Closes every store's file (a read that failed, or a column that turned to text) and drops the merge buffers. */
  close(): void {
    for (const s of this.stores) s.abandon();
    this.workspace = null;
  }
}

export class ValueStore {
  private chunks: Float64Array[] = [];
  private current: Float64Array;
  private fill = 0;
  count = 0;
  private fd: number | null = null;
  private onDisk = 0;

  constructor(
    private readonly spool: ValueSpool,
    private readonly file: string | null,
  ) {
    this.current = new Float64Array(spool.chunk);
  }

  push(value: number): void {
    this.current[this.fill++] = value;
    if (this.fill === this.current.length) this.full();
    this.count++;
  }

  private full(): void {
    // On disk, each chunk is a sorted run (typed-array sort: numeric, native; only finite values are stored).
    if (this.spool.spilling) this.write(this.current.sort(), this.fill);
    else {
      this.chunks.push(this.current);
      this.current = new Float64Array(this.spool.chunk);
      this.spool.hold(this.spool.chunk * 8);
    }
    this.fill = 0;
  }

  private write(values: Float64Array, n: number): void {
    if (this.fd === null) this.fd = openSync(this.file!, 'w+');
    writeAt(this.fd, values.subarray(0, n), this.onDisk);
    this.onDisk += n;
  }

  private dead = false;

  /** Moves the chunks held in memory to the file, each sorted: one run per chunk. */
  spill(): void {
    if (this.dead) return;
    for (const c of this.chunks) this.write(c.sort(), c.length);
    this.chunks = [];
  }

  /**
   * The values, sorted: kept in memory, or (spilled) the last partial chunk written as a final run and all
   * runs merged into one sorted file (a bounded external merge: never the whole column in memory).
   */
  finish(): SortedColumn {
    if (this.fd === null) {
      const array = new Float64Array(this.count);
      let at = 0;
      for (const c of this.chunks) {
        array.set(c, at);
        at += c.length;
      }
      array.set(this.current.subarray(0, this.fill), at);
      this.chunks = [];
      this.current = new Float64Array(0);
      return { count: this.count, array: array.sort() };
    }
    for (const c of this.chunks) this.write(c.sort(), c.length);
    if (this.fill) this.write(this.current.subarray(0, this.fill).sort(), this.fill);
    this.chunks = [];
    this.current = new Float64Array(0);
    const { chunk, fanIn, block } = this.spool;
    let runs: number[] = [];
    for (let start = 0; start < this.count; start += chunk) runs.push(start);
    runs.push(this.count);
    // Several passes when there are more runs than the fan-in: each pass merges groups of fanIn runs into a
    // second file, which then becomes the source.
    let source = this.fd;
    let sourceFile = this.file!;
    while (runs.length - 1 > 1) {
      const targetFile = `${this.file}.${runs.length}`;
      const target = openSync(targetFile, 'w+');
      const next: number[] = [0];
      for (let g = 0; g < runs.length - 1; g += fanIn) {
        const bounds = runs.slice(g, Math.min(g + fanIn, runs.length - 1) + 1);
        mergeRuns(source, target, bounds, block, this.spool.mergeBuffers());
        next.push(bounds[bounds.length - 1]);
      }
      closeSync(source);
      unlinkSync(sourceFile);
      source = target;
      sourceFile = targetFile;
      runs = next;
    }
    closeSync(source);
    if (sourceFile !== this.file) renameSync(sourceFile, this.file!);
    this.fd = null;
    this.onDisk = 0;
    return { count: this.count, file: this.file! };
  }

  /** Drops the values and closes the file of a store that will not be finished. */
  abandon(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.dead = true;
    this.chunks = [];
    this.current = new Float64Array(0);
  }
}

/**
 * Merges the sorted runs [bounds[r], bounds[r + 1]) of `source` (value offsets) into the same range of
 * `target`: a binary heap of runs keyed by their next value, each run read `block` values at a time.
 */
function mergeRuns(
  source: number,
  target: number,
  bounds: number[],
  block: number,
  { runs: buffers, out }: { runs: Float64Array; out: Float64Array },
): void {
  const k = bounds.length - 1;
  const start = bounds[0];
  const at = new Int32Array(k);
  const length = new Int32Array(k);
  const next = bounds.slice(0, k);
  const refill = (r: number): boolean => {
    const n = Math.min(block, bounds[r + 1] - next[r]);
    if (n <= 0) return false;
    readAt(source, buffers.subarray(r * block, r * block + n), next[r]);
    next[r] += n;
    at[r] = 0;
    length[r] = n;
    return true;
  };
  const heap = new Int32Array(k);
  let size = 0;
  const key = (r: number) => buffers[r * block + at[r]];
  const siftDown = (from: number) => {
    const r = heap[from];
    const v = key(r);
    let i = from;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && key(heap[child + 1]) < key(heap[child])) child++;
      if (key(heap[child]) >= v) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = r;
  };
  for (let r = 0; r < k; r++) if (refill(r)) heap[size++] = r;
  for (let i = (size >> 1) - 1; i >= 0; i--) siftDown(i);
  let fill = 0;
  let written = start;
  while (size > 0) {
    const r = heap[0];
    out[fill++] = buffers[r * block + at[r]];
    if (fill === out.length) {
      writeAt(target, out, written);
      written += fill;
      fill = 0;
    }
    if (++at[r] === length[r] && !refill(r)) {
      heap[0] = heap[--size];
      if (size === 0) break;
    }
    siftDown(0);
  }
  if (fill) writeAt(target, out.subarray(0, fill), written);
}

/** Writes `values` at value offset `offset` of a file. */
function writeAt(fd: number, values: Float64Array, offset: number): void {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.length * 8);
  for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, offset * 8 + done);
}

/** Fills `target` from value offset `offset` of a file. */
function readAt(fd: number, target: Float64Array, offset: number): void {
  const bytes = new Uint8Array(target.buffer, target.byteOffset, target.length * 8);
  for (let done = 0; done < bytes.length;) {
    const n = readSync(fd, bytes, done, bytes.length - done, offset * 8 + done);
    if (n === 0) throw new Error(`spool file ended after ${offset * 8 + done} bytes, ${bytes.length - done} short`);
    done += n;
  }
}

/**
 * Reads a sorted column front to back, `BLOCK` values at a time: `next()` returns the values in order (the
 * array itself when the column is in memory). Call `close()` when done.
 */
export class SortedCursor {
  private buffer: Float64Array;
  private at = 0;
  private length = 0;
  private read = 0;
  private fd: number | null = null;

  constructor(
    private readonly column: SortedColumn,
    block = BLOCK,
  ) {
    if (column.array) {
      this.buffer = column.array;
      this.length = column.count;
      this.read = column.count;
    } else {
      this.buffer = new Float64Array(Math.min(block, Math.max(1, column.count)));
      this.fd = openSync(column.file!, 'r');
    }
  }

  /** The next value; call it at most `count` times. */
  next(): number {
    if (this.at === this.length) this.refill();
    return this.buffer[this.at++];
  }

  private refill(): void {
    const n = Math.min(this.buffer.length, this.column.count - this.read);
    if (n <= 0 || this.fd === null) throw new Error('read past the end of a sorted column');
    readAt(this.fd, this.buffer.subarray(0, n), this.read);
    this.read += n;
    this.at = 0;
    this.length = n;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** The value at `index` (0-based) of a sorted column, without reading the rest of a spool file. */
export function valueAt(column: SortedColumn, index: number): number {
  if (column.array) return column.array[index];
  const one = new Float64Array(1);
  const fd = openSync(column.file!, 'r');
  try {
    readAt(fd, one, index);
  } finally {
    closeSync(fd);
  }
  return one[0];
}

/** A buffer reused across columns by `sortedValues`. */
let reading: Float64Array | null = null;

/**
 * The sorted values of a column as one array: the array itself, or the spool file read into a buffer that
 * the next call overwrites (merging shard summaries; drift streams files with `SortedCursor` instead).
 */
export function sortedValues(column: SortedColumn): Float64Array {
  if (column.array) return column.array;
  if (!reading || reading.length < column.count) reading = new Float64Array(column.count);
  const view = reading.subarray(0, column.count);
  const fd = openSync(column.file!, 'r');
  try {
    readAt(fd, view, 0);
  } finally {
    closeSync(fd);
  }
  return view;
}

/** Lets the buffer of `sortedValues` go. */
export function releaseReadBuffers(): void {
  reading = null;
}
