import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Values per chunk of a column's store (512 KiB of doubles). */
const CHUNK = 65_536;

/**
 * Every finite value of one numeric column, sorted once, for exact KS, Wasserstein and quantiles at any size:
 * in memory (`array`) or, past the table's memory budget, in a spool file of native-endian doubles (`file`).
 * In-process only: a summary written as JSON never holds it (shards carry `exact` or a sketch).
 */
export interface SortedColumn {
  count: number;
  array?: Float64Array;
  file?: string;
}

/**
 * The memory budget of one table's value stores. Chunks stay in memory until the table holds `budget` bytes
 * of them; from then on every column writes its chunks to its own file under `dir` (none given: everything
 * stays in memory).
 */
export class ValueSpool {
  private held = 0;
  spilling = false;
  private readonly stores: ValueStore[] = [];

  constructor(
    readonly dir: string | undefined,
    readonly budget: number,
    private readonly prefix: string,
  ) {}

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

  /**
   * The sort buffer of a spilled column: comparison buffer 0 of this thread, so the one the comparison reads
   * the reference into later is the one the current file's columns were sorted in (one allocation, not two).
   */
  buffer(n: number): Float64Array {
    return readBuffer(0, n);
  }

  /** Closes every store's file (a read that failed, or a column that turned to text). */
  close(): void {
    for (const s of this.stores) s.abandon();
  }
}

export class ValueStore {
  private chunks: Float64Array[] = [];
  private current = new Float64Array(CHUNK);
  private fill = 0;
  count = 0;
  private fd: number | null = null;
  private onDisk = 0;

  constructor(
    private readonly spool: ValueSpool,
    private readonly file: string | null,
  ) {}

  push(value: number): void {
    this.current[this.fill++] = value;
    if (this.fill === CHUNK) this.full();
    this.count++;
  }

  private full(): void {
    if (this.spool.spilling) this.write(this.current, CHUNK);
    else {
      this.chunks.push(this.current);
      this.current = new Float64Array(CHUNK);
      this.spool.hold(CHUNK * 8);
    }
    this.fill = 0;
  }

  private write(values: Float64Array, n: number): void {
    if (this.fd === null) this.fd = openSync(this.file!, 'w+');
    const bytes = new Uint8Array(values.buffer, values.byteOffset, n * 8);
    for (let done = 0; done < bytes.length;) done += writeSync(this.fd, bytes, done, bytes.length - done, this.onDisk * 8 + done);
    this.onDisk += n;
  }

  private dead = false;

  /** Moves the chunks held in memory to the file. */
  spill(): void {
    if (this.dead) return;
    for (const c of this.chunks) this.write(c, CHUNK);
    this.chunks = [];
  }

  /** The values, sorted: kept in memory, or (spilled) sorted in the table's one buffer and written back. */
  finish(): SortedColumn {
    if (this.fd === null) {
      const array = new Float64Array(this.count);
      let at = 0;
      for (const c of this.chunks) {
        array.set(c, at);
        at += CHUNK;
      }
      array.set(this.current.subarray(0, this.fill), at);
      this.chunks = [];
      this.current = new Float64Array(0);
      // Typed-array sort is numeric and native (NaN never reaches here: only finite values are stored).
      return { count: this.count, array: array.sort() };
    }
    const buffer = this.spool.buffer(this.count);
    readInto(this.fd, buffer.subarray(0, this.onDisk));
    let at = this.onDisk;
    for (const c of this.chunks) {
      buffer.set(c, at);
      at += CHUNK;
    }
    buffer.set(this.current.subarray(0, this.fill), at);
    this.chunks = [];
    this.current = new Float64Array(0);
    buffer.sort();
    this.onDisk = 0;
    ftruncateSync(this.fd, 0);
    this.write(buffer, this.count);
    closeSync(this.fd);
    this.fd = null;
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

function readInto(fd: number, target: Float64Array): void {
  const bytes = new Uint8Array(target.buffer, target.byteOffset, target.length * 8);
  for (let done = 0; done < bytes.length;) {
    const n = readSync(fd, bytes, done, bytes.length - done, done);
    if (n === 0) throw new Error(`spool file ended after ${done} of ${bytes.length} bytes`);
    done += n;
  }
}

/** Buffers reused across columns while sorting and comparing spilled columns (one per side): two columns' worth. */
const reading: Array<Float64Array | null> = [null, null];

function readBuffer(slot: 0 | 1, n: number): Float64Array {
  let buffer = reading[slot];
  if (!buffer || buffer.length < n) buffer = reading[slot] = new Float64Array(n);
  return buffer.subarray(0, n);
}

/**
 * The sorted values of a column: the array itself, or the spool file read into buffer `slot` (0 or 1), which
 * the next call for the same slot overwrites. Use the view before asking for the next column.
 */
export function sortedValues(column: SortedColumn, slot: 0 | 1): Float64Array {
  if (column.array) return column.array;
  const view = readBuffer(slot, column.count);
  const fd = openSync(column.file!, 'r');
  try {
    readInto(fd, view);
  } finally {
    closeSync(fd);
  }
  return view;
}

/** Lets the comparison buffers go once a comparison is done. */
export function releaseReadBuffers(): void {
  reading[0] = reading[1] = null;
}
