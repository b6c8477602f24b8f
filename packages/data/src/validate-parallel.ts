/**
 * Validation in parts on several threads. A CSV file is cut into byte ranges at line starts; each range is
 * parsed and checked on its own (this thread takes the first, worker threads the others), and the partial
 * results are merged in file order (validate-merge.ts). A cut that falls inside a quoted field with a line
 * break is found afterwards: the range before it ends with an incomplete record, so the next range is read
 * again from where that record starts. Line numbers stay exact: each range counts its own line ends and the
 * merge adds those of the ranges before. A Parquet file is cut between row groups, or, when it has fewer groups
 * than parts, at rows within them.
 *
 * Worker threads run the bundled dist/workers/validate.js; running from sources (vitest) there is none, and
 * the parts run one after another on this thread (the same cutting and merging, so tests cover it).
 */
import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MlciError } from '@mlci/core';
import { ABSOLUTE_LINE, csvRangeBatches, type CsvRange, type CsvRangeStats } from './csv';
import { openParquetFile, parquetBatches, type ParquetFile } from './parquet';
import type { PartSource, RecordBatch } from './table';
import { validatePart, type PartialValidation, type PartSpec } from './validate-part';
import type { PartPlace } from './validate-merge';

/** Where one part of a table lies. */
export type PartRange =
  | { kind: 'csv'; range: CsvRange }
  /** Row groups [fromGroup, toGroup); with rowFrom / rowTo (0-based file rows) only that window of them. */
  | { kind: 'parquet'; fromGroup: number; toGroup: number; rowFrom?: number; rowTo?: number };

/** A CSV part smaller than this is not worth a thread (a worker starts in about 30–60 ms). */
export const MIN_PART_BYTES = 8 << 20;
/** Parquet: rows per part at least. */
export const MIN_PART_ROWS = 100_000;

/** The message a worker sends back. */
export type WorkerReply =
  | { partial: PartialValidation }
  | { error: { message: string; hint?: string; kind?: string; file?: string; line?: number; absolute?: boolean } };

/** What a worker is asked to do. */
export interface WorkerRequest {
  source: PartSource;
  part: PartRange;
  spec: PartSpec;
  /** Columns to decode (Parquet projection). */
  read: string[];
}

/** Reads the records of one part as batches (rows and lines from 1 at the part's start). */
export async function* partBatches(
  source: PartSource,
  part: PartRange,
  columns: string[],
  read: string[],
  stats: CsvRangeStats,
): AsyncGenerator<RecordBatch> {
  if (source.kind === 'csv' && part.kind === 'csv') {
    yield* csvRangeBatches(source.path, columns, source.delimiter, source.batchSize, source.limits, part.range, stats);
  } else if (source.kind === 'parquet' && part.kind === 'parquet') {
    const pq = (source.parquet as ParquetFile | undefined) ?? (await openParquetFile(source.path));
    yield* parquetBatches(pq, source.batchSize, read, part.fromGroup, part.toGroup, part.rowFrom, part.rowTo);
  } else throw new Error(`part ${part.kind} of a ${source.kind} source`);
}

/** Validates one part on this thread. */
export async function runPart(source: PartSource, part: PartRange, spec: PartSpec, read: string[]): Promise<PartialValidation> {
  const stats: CsvRangeStats = { lines: 0, carryBytes: 0 };
  const partial = await validatePart(spec, partBatches(source, part, spec.columns, read, stats));
  if (part.kind === 'csv') {
    partial.lines = stats.lines;
    partial.carryBytes = stats.carryBytes;
  } else partial.lines = partial.rows;
  return partial;
}

/** An error of a part as a reply (plain data: it crosses threads). */
export function errorReply(error: unknown): WorkerReply {
  const e = error as Error & Partial<MlciError> & { [ABSOLUTE_LINE]?: boolean };
  return {
    error: {
      message: e.message ?? String(error),
      hint: e.hint,
      kind: e instanceof MlciError ? e.kind : undefined,
      file: e.location?.file,
      line: e.location?.line,
      absolute: Boolean(e[ABSOLUTE_LINE]),
    },
  };
}

function workerFile(): string | null {
  const override = process.env.MLCI_VALIDATE_WORKER;
  if (override) return existsSync(override) ? override : null;
  const file = fileURLToPath(new URL('../workers/validate.js', import.meta.url));
  return existsSync(file) ? file : null;
}

/** Threads to use: MLCI_THREADS, else the cores (at most 4: past that the merge and I/O dominate). */
export function threadCount(): number {
  const set = Number(process.env.MLCI_THREADS);
  if (Number.isInteger(set) && set >= 1) return Math.min(set, 64);
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Runs a part in a worker thread; an error comes back as a reply, not a rejection. */
async function inWorker(file: string, request: WorkerRequest): Promise<WorkerReply> {
  const { Worker } = await import('node:worker_threads');
  const { parquet: _handle, ...source } = request.source as PartSource & { parquet?: unknown };
  return new Promise((resolve) => {
    const worker = new Worker(file, { workerData: { ...request, source } });
    let settled = false;
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      void worker.terminate();
      resolve(reply);
    });
    worker.once('error', (error) => {
      if (!settled) resolve(errorReply(error));
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) resolve({ error: { message: `the validation worker exited with code ${code}` } });
      settled = true;
    });
  });
}

async function runHere(source: PartSource, part: PartRange, spec: PartSpec, read: string[]): Promise<WorkerReply> {
  try {
    return { partial: await runPart(source, part, spec, read) };
  } catch (error) {
    return errorReply(error);
  }
}

/** The first line start at or after `offset` (a byte just after an LF), or -1 if none before the end. */
async function lineStartAfter(path: string, offset: number, size: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 16);
    for (let at = Math.max(0, offset - 1); at < size; at += buffer.length) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
      if (bytesRead === 0) break;
      const k = buffer.subarray(0, bytesRead).indexOf(10);
      if (k !== -1) return at + k + 1 < size ? at + k + 1 : -1;
      // A part whose cut finds no line end within a few MiB would be mostly one record: stop looking.
      if (at - offset > 4 << 20) break;
    }
    return -1;
  } finally {
    await handle.close();
  }
}

/** The parts of a table for `threads` threads, or null when it is better read whole. */
export async function planParts(source: PartSource, threads: number, parts?: number): Promise<PartRange[] | null> {
  if (source.kind === 'csv') {
    const size = (await stat(source.path)).size;
    const count = parts ?? Math.min(threads, Math.floor(size / MIN_PART_BYTES));
    if (count < 2) return null;
    const cuts = [0];
    for (let k = 1; k < count; k++) {
      const cut = await lineStartAfter(source.path, Math.floor((size * k) / count), size);
      if (cut > cuts[cuts.length - 1]) cuts.push(cut);
    }
    if (cuts.length < 2) return null;
    return cuts.map((start, k) => ({
      kind: 'csv',
      range: { start, end: k + 1 < cuts.length ? cuts[k + 1] : size, final: k + 1 === cuts.length },
    }));
  }
  const groups = source.groups;
  const total = groups.reduce((a, b) => a + b, 0);
  const count = parts ?? Math.min(threads, Math.floor(total / MIN_PART_ROWS));
  if (count < 2) return null;
  if (groups.length < count) {
    // Fewer row groups than parts (pyarrow writes 1M rows per group): cut rows, within groups. Each part skips
    // the pages before its window undecoded and decodes at most one page per column twice at a cut.
    const out: PartRange[] = [];
    let groupStart = 0;
    let g = 0;
    for (let k = 0; k < count; k++) {
      const rowFrom = Math.floor((total * k) / count);
      const rowTo = Math.floor((total * (k + 1)) / count);
      if (rowTo <= rowFrom) continue;
      while (g < groups.length && groupStart + groups[g] <= rowFrom) groupStart += groups[g++];
      let last = g;
      let lastEnd = groupStart + groups[g];
      while (lastEnd < rowTo) lastEnd += groups[++last];
      out.push({ kind: 'parquet', fromGroup: g, toGroup: last + 1, rowFrom, rowTo });
    }
    return out.length >= 2 ? out : null;
  }
  // Contiguous runs of row groups with about equal rows.
  const out: PartRange[] = [];
  let from = 0;
  let seen = 0;
  for (let g = 0; g < groups.length; g++) {
    seen += groups[g];
    const k = out.length + 1;
    if (k < count && seen >= (total * k) / count && g + 1 < groups.length) {
      out.push({ kind: 'parquet', fromGroup: from, toGroup: g + 1 });
      from = g + 1;
    }
  }
  out.push({ kind: 'parquet', fromGroup: from, toGroup: groups.length });
  return out.length >= 2 ? out : null;
}

export interface PartsResult {
  parts: PartialValidation[];
  places: PartPlace[];
  /** The range each part was finally read from (after any re-read at a misplaced cut). */
  ranges: PartRange[];
  /** Parts validated on worker threads, and cuts that fell inside a record (the next part read again). */
  workers: number;
  moved: number;
}

/** Turns a part's error reply into the error validating the file whole would throw (lines of the whole file). */
function partError(reply: Extract<WorkerReply, { error: unknown }>, place: PartPlace): Error {
  const e = reply.error;
  const line = e.line !== undefined && !e.absolute ? e.line + place.lineOffset : e.line;
  if (!e.kind) return new Error(e.message);
  return new MlciError(e.kind as 'input', e.message, { hint: e.hint, file: e.file, line });
}

/**
 * Validates the parts (this thread takes the first; workers, when the bundle has them, the rest) and checks
 * the CSV cuts in order, re-reading a part whose cut fell inside a record. Throws the first error in file order.
 */
export async function validateParts(
  source: PartSource,
  ranges: PartRange[],
  spec: PartSpec,
  read: string[],
  threads: number,
): Promise<PartsResult> {
  const file = threads > 1 ? workerFile() : null;
  const started: (Promise<WorkerReply> | undefined)[] = [];
  if (file) {
    // Workers first, so they start up while this thread reads its own part.
    for (let k = 1; k < ranges.length; k++) started[k] = inWorker(file, { source, part: ranges[k], spec, read });
    started[0] = runHere(source, ranges[0], spec, read);
  }
  const replyOf = (k: number): Promise<WorkerReply> => started[k] ?? runHere(source, ranges[k], spec, read);
  const parts: PartialValidation[] = [];
  const places: PartPlace[] = [];
  const finalRanges: PartRange[] = [];
  let rowOffset = 0;
  let lineOffset = 0;
  let realigned: PartRange | null = null;
  let moved = 0;
  for (let k = 0; k < ranges.length; k++) {
    const range: PartRange = realigned ?? ranges[k];
    const reply: WorkerReply = realigned ? await runHere(source, realigned, spec, read) : await replyOf(k);
    realigned = null;
    const place = { rowOffset, lineOffset };
    if ('error' in reply) throw partError(reply, place);
    const partial: PartialValidation = reply.partial;
    parts.push(partial);
    places.push(place);
    finalRanges.push(range);
    rowOffset += partial.rows;
    lineOffset += partial.lines;
    if (range.kind === 'csv' && partial.carryBytes > 0 && k + 1 < ranges.length) {
      // The next cut fell inside a record: read the next part again from where that record starts.
      const next = ranges[k + 1] as Extract<PartRange, { kind: 'csv' }>;
      realigned = { kind: 'csv', range: { ...next.range, start: range.range.end - partial.carryBytes } };
      moved++;
    }
  }
  return { parts, places, ranges: finalRanges, workers: file ? ranges.length - 1 : 0, moved };
}

/** Raw values of `columns` at the given rows (1-based within the part) of one part, read again. */
export async function readRows(
  source: PartSource,
  part: PartRange,
  columns: string[],
  wanted: number[],
  read: number[],
): Promise<Map<number, unknown[]>> {
  const need = new Set(wanted);
  const last = Math.max(...wanted);
  const out = new Map<number, unknown[]>();
  const stats: CsvRangeStats = { lines: 0, carryBytes: 0 };
  const names = read.map((c) => columns[c]);
  const batches = partBatches(source, part, columns, names, stats);
  for await (const batch of batches) {
    for (let i = 0; i < batch.length; i++) {
      const row = batch.rowStart + i;
      if (need.has(row))
        out.set(
          row,
          read.map((c) => batch.values[c][i]),
        );
    }
    if (batch.rowStart + batch.length > last) break;
  }
  return out;
}
