import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { fileError, inputError } from '@mlci/core';
import { inputName, type InputInfo } from './source';
import type { RecordBatch, Table } from './table';

/** Parquet ints may decode as BigInt and timestamps as Date; numbers and ISO strings are what checks expect. */
const plain = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : (v ?? null));

/** A decoded run of one column: `data[k]` is file row `rowStart + k` (0-based). */
interface Piece {
  rowStart: number;
  data: ArrayLike<unknown>;
}

/** Decodes one whole row group, column-major, without assembling row arrays. */
async function readRowGroup(
  path: string,
  file: Awaited<ReturnType<typeof asyncBufferFromFile>>,
  metadata: FileMetaData,
  columns: string[],
  start: number,
  end: number,
): Promise<Map<string, Piece[]>> {
  const pieces = new Map<string, Piece[]>(columns.map((c) => [c, []]));
  try {
    await parquetRead({
      file,
      metadata,
      rowStart: start,
      rowEnd: end,
      compressors,
      onChunk: (chunk) => pieces.get(chunk.columnName)?.push({ rowStart: chunk.rowStart, data: chunk.columnData }),
    });
  } catch (error) {
    throw inputError(`cannot decode Parquet rows ${start + 1}–${end}: ${(error as Error).message}`, {
      file: path,
      hint: 'the file may be truncated or use an encoding hyparquet does not support',
    });
  }
  return pieces;
}

/** Values of file rows [from, to) of one column, gathered from its decoded pieces. */
function gather(pieces: Piece[], from: number, to: number): unknown[] {
  const out = new Array<unknown>(to - from).fill(null);
  for (const piece of pieces) {
    const lo = Math.max(from, piece.rowStart);
    const hi = Math.min(to, piece.rowStart + piece.data.length);
    for (let r = lo; r < hi; r++) out[r - from] = plain(piece.data[r - piece.rowStart]);
  }
  return out;
}

/**
 * Reads Parquet one row group at a time, decoding each group once and handing it out in batches, so memory
 * is bounded by the largest row group (the writer's choice, typically 64–128 MiB of data), never by the
 * file. (Asking hyparquet for each batch's row range separately re-decodes the whole group every time.)
 * Parquet has no lines: a record's `line` is its 1-based row number, the same as `rowStart + i`.
 */
export async function openParquet(path: string, info: InputInfo, batchSize: number): Promise<Table> {
  if (!info.regular) {
    throw inputError('Parquet is read by seeking to its footer, and this input is a stream (a pipe or stdin)', {
      file: inputName(path),
      hint: 'save it to a file first, then pass that file',
    });
  }
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
  return {
    path,
    format: 'parquet',
    columns,
    close: async () => {},
    async *batches() {
      let groupStart = 0;
      for (const group of metadata.row_groups) {
        const groupRows = Number(group.num_rows);
        const groupEnd = groupStart + groupRows;
        const pieces = groupRows > 0 ? await readRowGroup(path, file, metadata, columns, groupStart, groupEnd) : new Map<string, Piece[]>();
        for (let start = groupStart; start < groupEnd; start += batchSize) {
          const end = Math.min(groupEnd, start + batchSize);
          const length = end - start;
          const lines = new Array<number>(length);
          for (let i = 0; i < length; i++) lines[i] = start + i + 1;
          yield {
            columns,
            values: columns.map((c) => gather(pieces.get(c) ?? [], start, end)),
            rowStart: start + 1,
            lines,
            length,
          } satisfies RecordBatch;
        }
        groupStart = groupEnd;
      }
    },
  };
}
