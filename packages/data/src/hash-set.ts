/**
 * A set of 64-bit value hashes for the `unique` and `primaryKey` checks on large data: open addressing in
 * one Uint32Array, and nothing for the garbage collector to trace (a JavaScript Set of 4 million strings
 * took 520 MB and 9 s of GC; this takes 128 MB).
 *
 * With `withRows`, each slot also remembers where its value was first seen (row and line), so a duplicate
 * can name the earlier row: 4 words per slot (32–64 bytes per distinct value) instead of 2 (16–32 bytes).
 * The table is a plain Uint32Array: it crosses to another thread (transfer) or a file as it is, and sets of
 * two parts of a file merge by `forEach` + `find` + `insert` (see partial.ts).
 *
 * Exactness: two different values are taken for equal only if their 64-bit hashes collide. Among n
 * distinct values the chance of any collision is about n² / 2^65: 3 × 10⁻⁸ at 1 million values,
 * 3 × 10⁻⁶ at 10 million. Values of different kinds (the string "1" and the number 1) hash apart.
 */
export class HashSet64 {
  /** Slot k holds its hash in words stride·k and stride·k + 1 (side by side: one cache miss per probe), then row and line. */
  private table: Uint32Array;
  private mask: number;
  private readonly stride: 2 | 4;
  /** Distinct values added. */
  size = 0;
  /** The hash of the last value passed to `add`/`addAt` (for a caller that records it). */
  lastH1 = 0;
  lastH2 = 0;

  constructor(initialCapacity = 1024, withRows = false) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.stride = withRows ? 4 : 2;
    this.table = new Uint32Array(this.stride * capacity);
    this.mask = capacity - 1;
  }

  /** A set around a table another set exported (`exportTable`), e.g. received from a worker thread. */
  static fromTable(exported: { table: Uint32Array; size: number; stride: 2 | 4 }): HashSet64 {
    const set = new HashSet64(16, exported.stride === 4);
    set.table = exported.table;
    set.mask = exported.table.length / exported.stride - 1;
    set.size = exported.size;
    return set;
  }

  /** The table as it is (no copy), to transfer to another thread or write to a file. */
  exportTable(): { table: Uint32Array; size: number; stride: 2 | 4 } {
    return { table: this.table, size: this.size, stride: this.stride };
  }

  /** Bytes held by the table (for reports). */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Adds a value; returns false when an equal value (same kind, same content) was already in the set. */
  add(value: unknown): boolean {
    this.hash(value);
    return this.insert(this.lastH1, this.lastH2, 0, 0) < 0;
  }

  /**
   * Adds a value first seen at (row, line); returns -1 when it is new, else the slot of the equal value
   * already there (see `rowAt`, `lineAt`). Rows and lines past 2³² − 1 are remembered as 0 (unknown).
   */
  addAt(value: unknown, row: number, line: number): number {
    this.hash(value);
    return this.insert(this.lastH1, this.lastH2, row, line);
  }

  /** The row a slot's value was first seen at (0: unknown). */
  rowAt(slot: number): number {
    return this.table[this.stride * slot + 2];
  }

  /** The line a slot's value was first seen at (0: unknown), without the flag bit. */
  lineAt(slot: number): number {
    return this.table[this.stride * slot + 3] & 0x7fffffff;
  }

  /** Sets a one-bit mark on a slot (validation: "this row already failed"). */
  flag(slot: number): void {
    this.table[this.stride * slot + 3] |= 0x80000000;
  }

  /** The slot a value was inserted at by the last `addAt` that returned -1. */
  lastSlot = -1;

  /** The slot holding hash (h1, h2), or -1. */
  find(h1: number, h2: number): number {
    if (h1 === 0 && h2 === 0) h2 = 1;
    const { table, stride, mask } = this;
    let slot = h1 & mask;
    for (;;) {
      const a = table[stride * slot];
      const b = table[stride * slot + 1];
      if (a === 0 && b === 0) return -1;
      if (a === h1 && b === h2) return slot;
      slot = (slot + 1) & mask;
    }
  }

  /** Calls `fn(h1, h2, row, line, flagged)` for every value in the set (slot order, not insertion order). */
  forEach(fn: (h1: number, h2: number, row: number, line: number, flagged: boolean) => void): void {
    const { table, stride } = this;
    for (let i = 0; i < table.length; i += stride) {
      const a = table[i];
      const b = table[i + 1];
      if (a === 0 && b === 0) continue;
      if (stride === 4) fn(a, b, table[i + 2], table[i + 3] & 0x7fffffff, (table[i + 3] & 0x80000000) !== 0);
      else fn(a, b, 0, 0, false);
    }
  }

  private hash(value: unknown): void {
    if (typeof value === 'string') this.hashString(value, 0x9e3779b9);
    else if (typeof value === 'number') this.hashNumber(value);
    else if (typeof value === 'boolean') {
      this.lastH1 = 0x85ebca6b;
      this.lastH2 = value ? 2 : 1;
    } else if (value instanceof Date) this.hashNumber(value.getTime());
    else this.hashString(JSON.stringify(value) ?? String(value), 0x27d4eb2f);
  }

  /** cyrb53's two 32-bit lanes kept whole: a 64-bit string hash in one pass, no allocation. */
  private hashString(text: string, seed: number): void {
    let h1 = 0xdeadbeef ^ seed;
    let h2 = 0x41c6ce57 ^ seed;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    this.lastH1 = h1 >>> 0;
    this.lastH2 = (h2 ^ text.length) >>> 0;
  }

  private static readonly f64 = new Float64Array(1);
  private static readonly u32 = new Uint32Array(HashSet64.f64.buffer);

  private hashNumber(x: number): void {
    // -0 equals 0 and every NaN equals every other, as in a JavaScript Set.
    HashSet64.f64[0] = x === 0 ? 0 : Number.isNaN(x) ? NaN : x;
    const a = HashSet64.u32[0];
    const b = HashSet64.u32[1];
    // Mix so that neighbouring integers spread over the table (their low words differ only slightly).
    let h1 = Math.imul(a ^ 0x1b873593, 0xcc9e2d51) ^ b;
    h1 = Math.imul(h1 ^ (h1 >>> 15), 0x85ebca6b);
    h1 ^= h1 >>> 13;
    // The second word is the value's bits themselves (folded), so two numbers collide only if h1 does too.
    this.lastH1 = h1 >>> 0;
    this.lastH2 = (b ^ Math.imul(a, 0x27d4eb2f)) >>> 0;
  }

  /**
   * Inserts hash (h1, h2) first seen at (row, line): -1 when it was new (its slot in `lastSlot`), else the
   * slot of the equal hash. (0, 0) marks an empty slot, so a hash that is (0, 0) is stored as (0, 1).
   */
  insert(h1: number, h2: number, row: number, line: number): number {
    if (h1 === 0 && h2 === 0) h2 = 1;
    const { table, stride } = this;
    let slot = h1 & this.mask;
    for (;;) {
      const a = table[stride * slot];
      const b = table[stride * slot + 1];
      if (a === 0 && b === 0) break;
      if (a === h1 && b === h2) return slot;
      slot = (slot + 1) & this.mask;
    }
    table[stride * slot] = h1;
    table[stride * slot + 1] = h2;
    if (stride === 4) {
      table[4 * slot + 2] = row <= 0xffffffff ? row : 0;
      table[4 * slot + 3] = line <= 0x7fffffff ? line : 0;
    }
    this.lastSlot = slot;
    if (++this.size * 2 > this.mask) {
      this.grow();
      this.lastSlot = this.find(h1, h2);
    }
    return -1;
  }

  private grow(): void {
    const old = this.table;
    const stride = this.stride;
    const table = (this.table = new Uint32Array(old.length * 2));
    const mask = (this.mask = table.length / stride - 1);
    for (let i = 0; i < old.length; i += stride) {
      const a = old[i];
      const b = old[i + 1];
      if (a === 0 && b === 0) continue;
      let slot = a & mask;
      while (table[stride * slot] !== 0 || table[stride * slot + 1] !== 0) slot = (slot + 1) & mask;
      for (let w = 0; w < stride; w++) table[stride * slot + w] = old[i + w];
    }
  }
}
