import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData, type SchemaTree } from 'hyparquet';
import { getTreePath } from 'hyparquet/src/schema.js';
import { compressors as jsCompressors } from 'hyparquet-compressors';
import zlib from 'node:zlib';
import { fileError, inputError } from '@mlci/core';
import { inputName, type InputInfo } from './source';
import { columnDecoder, decodeColumnChunk, isDirectColumn, normalize } from './parquet-columns';
import type { RecordBatch, Table } from './table';

/**
 * Node's own zstd (zlib, from Node 22.15 / 23.8: the actions' node24 runtime) where it has one, about 5× faster
 * than hyparquet-compressors' JavaScript zstd, which stays for older Node; the other codecs as they are.
 */
const nativeZstd = (zlib as { zstdDecompressSync?: (input: Uint8Array) => Uint8Array }).zstdDecompressSync;
const compressors = nativeZstd ? { ...jsCompressors, ZSTD: (input: Uint8Array) => nativeZstd(input) } : jsCompressors;

const iso = (ms: number) => new Date(ms).toISOString();
/** Dates as Table Schema writes them (YYYY-MM-DD) and timestamps as ISO 8601 strings, decoded once per value. */
export const PARSERS = {
  dateFromDays: (days: number) => iso(days * 86_400_000).slice(0, 10),
  timestampFromMilliseconds: (ms: bigint) => iso(Number(ms)),
  timestampFromMicroseconds: (us: bigint) => iso(Number(us / 1000n)),
  timestampFromNanoseconds: (ns: bigint) => iso(Number(ns / 1_000_000n)),
};

/** A decoded run of one column: `data[k]` is file row `rowStart + k` (0-based); absent where `nulls[k]` is 1. */
interface Piece {
  rowStart: number;
  data: ArrayLike<unknown>;
  nulls?: Uint8Array | null;
}

/**
 * Decodes file rows [start, end) of one row group (which starts at file row `groupStart`), column-major,
 * without assembling row arrays; only `read` columns. Flat columns (all that polars, pyarrow and DuckDB write
 * for a table of scalars) go through the direct decoder (parquet-columns.ts); nested ones through parquetRead.
 */
async function readRowGroup(
  pq: ParquetFile,
  group: number,
  groupStart: number,
  read: string[],
  start: number,
  end: number,
): Promise<Map<string, Piece[]>> {
  const { path, file, metadata } = pq;
  const pieces = new Map<string, Piece[]>(read.map((c) => [c, []]));
  const rowGroup = metadata.row_groups[group];
  const groupRows = Number(rowGroup.num_rows);
  const rest: string[] = [];
  try {
    const direct: Promise<void>[] = [];
    for (const name of read) {
      const schemaPath = pq.paths.get(name);
      const chunk = rowGroup.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name);
      const meta = chunk?.meta_data;
      if (!schemaPath || !meta || chunk.file_path || !isDirectColumn(schemaPath)) {
        rest.push(name);
        continue;
      }
      const offset = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const decoder = columnDecoder(schemaPath, meta, compressors, PARSERS);
      direct.push(
        Promise.resolve(file.slice(offset, offset + Number(meta.total_compressed_size))).then((buffer) => {
          const { data, nulls } = decodeColumnChunk(new Uint8Array(buffer), decoder, groupRows, start - groupStart, end - groupStart);
          pieces.get(name)!.push({ rowStart: start, data, nulls });
        }),
      );
    }
    await Promise.all(direct);
    if (rest.length > 0) {
      await parquetRead({
        file,
        metadata,
        columns: rest,
        rowStart: start,
        rowEnd: end,
        compressors,
        parsers: PARSERS,
        onChunk: (chunk) => pieces.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: normalize(chunk.columnData) }),
      });
    }
  } catch (error) {
    throw inputError(`cannot decode Parquet rows ${start + 1}–${end}: ${(error as Error).message}`, {
      file: path,
      hint: 'the file may be truncated or use an encoding hyparquet does not support',
    });
  }
  return pieces;
}

/** Whether any of nulls[a..b) is set. */
function anyNull(nulls: Uint8Array, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (nulls[i] !== 0) return true;
  return false;
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
      if (piece.nulls && anyNull(piece.nulls, a, b)) {
        const out = new Array<unknown>(b - a);
        for (let i = a; i < b; i++) out[i - a] = piece.nulls[i] ? null : data[i];
        return out;
      }
      return data.subarray ? data.subarray(a, b) : data.slice!(a, b);
    }
  }
  const out = new Array<unknown>(to - from).fill(null);
  for (const piece of pieces) {
    const lo = Math.max(from, piece.rowStart);
    const hi = Math.min(to, piece.rowStart + piece.data.length);
    for (let r = lo; r < hi; r++) out[r - from] = piece.nulls?.[r - piece.rowStart] ? null : piece.data[r - piece.rowStart];
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
  /** Each top-level column's schema path (the direct decoder's input). */
  paths: Map<string, SchemaTree[]>;
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
  const tree = parquetSchema(metadata);
  const columns = tree.children.map((child) => child.element.name);
  const paths = new Map(tree.children.map((child) => [child.element.name, getTreePath(tree, [child.element.name])]));
  return { path, file, metadata, columns, groups: metadata.row_groups.map((g) => Number(g.num_rows)), paths };
}

/**
 * Batches of row groups [fromGroup, toGroup) of a Parquet file, decoding each group once and handing it out in
 * batches, so memory is bounded by the largest row group (the writer's choice, typically 64–128 MiB of data),
 * never by the file. Only the columns named in `read` are decoded (projection); the others are empty in every
 * batch. Rows count from 1 at the first row read; `line` is that row number (Parquet has no lines). With
 * `rowFrom` / `rowTo` (0-based file rows, within those groups) only that window is read: a part of a row group,
 * whose pages outside the window are skipped undecoded.
 */
export async function* parquetBatches(
  pq: ParquetFile,
  batchSize: number,
  read: string[] = pq.columns,
  fromGroup = 0,
  toGroup = pq.groups.length,
  rowFrom?: number,
  rowTo?: number,
): AsyncGenerator<RecordBatch> {
  const { columns } = pq;
  let groupStart = 0;
  for (let g = 0; g < fromGroup; g++) groupStart += pq.groups[g];
  const base = rowFrom ?? groupStart;
  const wanted = new Set(read);
  const empty: unknown[] = [];
  for (let g = fromGroup; g < toGroup; g++) {
    const groupRows = pq.groups[g];
    const groupEnd = groupStart + groupRows;
    const lo = Math.max(groupStart, rowFrom ?? groupStart);
    const hi = Math.min(groupEnd, rowTo ?? groupEnd);
    const pieces = hi > lo ? await readRowGroup(pq, g, groupStart, read, lo, hi) : new Map<string, Piece[]>();
    for (let start = lo; start < hi; start += batchSize) {
      const end = Math.min(hi, start + batchSize);
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
