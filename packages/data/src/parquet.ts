import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fileError, inputError } from '@mlci/core';
import { inputName, type InputInfo } from './source';
import type { RecordBatch, Table } from './table';

const iso = (ms: number) => new Date(ms).toISOString();
/** Dates as Table Schema writes them (YYYY-MM-DD) and timestamps as ISO 8601 strings, decoded once per value. */
const PARSERS = {
  dateFromDays: (days: number) => iso(days * 86_400_000).slice(0, 10),
  timestampFromMilliseconds: (ms: bigint) => iso(Number(ms)),
  timestampFromMicroseconds: (us: bigint) => iso(Number(us / 1000n)),
  timestampFromNanoseconds: (ns: bigint) => iso(Number(ns / 1_000_000n)),
};

/** A decoded run of one column: `data[k]` is file row `rowStart + k` (0-based). */
interface Piece {
  rowStart: number;
  data: ArrayLike<unknown>;
}

/**
 * A decoded column chunk as validation and drift read it: INT64 as numbers, absent values as null. Typed arrays
 * of numbers stay as they are (batches are views into them); only BigInt and undefined are converted, once.
 */
function plainColumn(data: ArrayLike<unknown>): ArrayLike<unknown> {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return out;
  }
  if (ArrayBuffer.isView(data)) return data as unknown as ArrayLike<unknown>;
  let k = 0;
  const n = data.length;
  while (k < n) {
    const v = data[k];
    if (v === undefined || typeof v === 'bigint' || v instanceof Date) break;
    k++;
  }
  if (k === n) return data;
  const out = Array.from(data);
  for (let i = k; i < n; i++) {
    const v = out[i];
    out[i] = typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : (v ?? null);
  }
  return out;
}

/** Decodes one whole row group, column-major, without assembling row arrays; only `read` columns. */
async function readRowGroup(
  path: string,
  file: Awaited<ReturnType<typeof asyncBufferFromFile>>,
  metadata: FileMetaData,
  read: string[],
  start: number,
  end: number,
): Promise<Map<string, Piece[]>> {
  const pieces = new Map<string, Piece[]>(read.map((c) => [c, []]));
  try {
    await parquetRead({
      file,
      metadata,
      columns: read,
      rowStart: start,
      rowEnd: end,
      compressors,
      parsers: PARSERS,
      onChunk: (chunk) => pieces.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: plainColumn(chunk.columnData) }),
    });
  } catch (error) {
    throw inputError(`cannot decode Parquet rows ${start + 1}–${end}: ${(error as Error).message}`, {
      file: path,
      hint: 'the file may be truncated or use an encoding hyparquet does not support',
    });
  }
  return pieces;
}

/** Values of file rows [from, to) of one column: a view when one piece holds them all, else gathered. */
function gather(pieces: Piece[], from: number, to: number): ArrayLike<unknown> {
  for (const piece of pieces) {
    if (piece.rowStart <= from && piece.rowStart + piece.data.length >= to) {
      const data = piece.data as ArrayLike<unknown> & {
        subarray?: (a: number, b: number) => ArrayLike<unknown>;
        slice?: (a: number, b: number) => unknown[];
      };
      const a = from - piece.rowStart;
      const b = to - piece.rowStart;
      return data.subarray ? data.subarray(a, b) : data.slice!(a, b);
    }
  }
  const out = new Array<unknown>(to - from).fill(null);
  for (const piece of pieces) {
    const lo = Math.max(from, piece.rowStart);
    const hi = Math.min(to, piece.rowStart + piece.data.length);
    for (let r = lo; r < hi; r++) out[r - from] = piece.data[r - piece.rowStart];
  }
  return out;
}

/** An open Parquet file: its footer, read once. */
export interface ParquetFile {
  path: string;
  file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  metadata: FileMetaData;
  columns: string[];
  /** Rows per row group. */
  groups: number[];
}

export async function openParquetFile(path: string): Promise<ParquetFile> {
  let file;
  let metadata: FileMetaData;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw fileError(path, error);
    throw inputError(`not a readable Parquet file: ${(error as Error).message}`, {
      file: path,
      hint: 'check that the file is Parquet (it starts and ends with "PAR1")',
    });
  }
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  return { path, file, metadata, columns, groups: metadata.row_groups.map((g) => Number(g.num_rows)) };
}

/**
 * Batches of row groups [fromGroup, toGroup) of a Parquet file, decoding each group once and handing it out in
 * batches, so memory is bounded by the largest row group (the writer's choice, typically 64–128 MiB of data),
 * never by the file. Only the columns named in `read` are decoded (projection); the others are empty in every
 * batch. Rows count from 1 at the first group read; `line` is that row number (Parquet has no lines).
 */
export async function* parquetBatches(
  pq: ParquetFile,
  batchSize: number,
  read: string[] = pq.columns,
  fromGroup = 0,
  toGroup = pq.groups.length,
): AsyncGenerator<RecordBatch> {
  const { columns } = pq;
  let groupStart = 0;
  for (let g = 0; g < fromGroup; g++) groupStart += pq.groups[g];
  const base = groupStart;
  const wanted = new Set(read);
  const empty: unknown[] = [];
  for (let g = fromGroup; g < toGroup; g++) {
    const groupRows = pq.groups[g];
    const groupEnd = groupStart + groupRows;
    const pieces =
      groupRows > 0 ? await readRowGroup(pq.path, pq.file, pq.metadata, read, groupStart, groupEnd) : new Map<string, Piece[]>();
    for (let start = groupStart; start < groupEnd; start += batchSize) {
      const end = Math.min(groupEnd, start + batchSize);
      const length = end - start;
      const lines = new Array<number>(length);
      for (let i = 0; i < length; i++) lines[i] = start - base + i + 1;
      yield {
        columns,
        values: columns.map((c) => (wanted.has(c) ? gather(pieces.get(c) ?? [], start, end) : empty)) as unknown[][],
        rowStart: start - base + 1,
        lines,
        length,
      } satisfies RecordBatch;
    }
    groupStart = groupEnd;
  }
}

/**
 * Reads Parquet one row group at a time (see parquetBatches). (Asking hyparquet for each batch's row range
 * separately re-decodes the whole group every time.) Parquet has no lines: a record's `line` is its 1-based
 * row number, the same as `rowStart + i`.
 */
export async function openParquet(path: string, info: InputInfo, batchSize: number): Promise<Table> {
  if (!info.regular) {
    throw inputError('Parquet is read by seeking to its footer, and this input is a stream (a pipe or stdin)', {
      file: inputName(path),
      hint: 'save it to a file first, then pass that file',
    });
  }
  const pq = await openParquetFile(path);
  return {
    path,
    format: 'parquet',
    columns: pq.columns,
    close: async () => {},
    batches: () => parquetBatches(pq, batchSize),
    parts: { kind: 'parquet', path, batchSize, groups: pq.groups, parquet: pq },
  };
}
