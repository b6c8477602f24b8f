import { stat } from 'node:fs/promises';
import { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { inputError } from '@mlci/core';
import type { RecordBatch, Table } from './table';

/** Parquet ints may decode as BigInt; numbers are what every check downstream expects. */
const plain = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v);

/**
 * Reads Parquet one row group at a time (then in batches), so memory is bounded by the largest row group,
 * never by the file. Parquet has no lines: a record's `line` is its 1-based row number plus one (the
 * header line a CSV would have), so annotations point at the same place an exported CSV would.
 */
export async function openParquet(path: string, batchSize: number): Promise<Table> {
  let file;
  let metadata;
  try {
    await stat(path);
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code) throw error;
    throw inputError(`not a readable Parquet file: ${(error as Error).message}`, { file: path, hint: 'check that the file is Parquet (it starts and ends with "PAR1")' });
  }
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  return {
    path,
    format: 'parquet',
    columns,
    async *batches() {
      let rowStart = 0;
      for (const group of metadata.row_groups) {
        const groupRows = Number(group.num_rows);
        for (let offset = 0; offset < groupRows; offset += batchSize) {
          const start = rowStart + offset;
          const end = Math.min(rowStart + groupRows, start + batchSize);
          let rows: unknown[][] = [];
          await parquetRead({ file, metadata, rowStart: start, rowEnd: end, compressors, onComplete: (r: unknown[][]) => (rows = r) });
          const batch: RecordBatch = { columns, values: columns.map(() => new Array(rows.length)), rowStart: start + 1, lines: new Array(rows.length), length: rows.length };
          for (let i = 0; i < rows.length; i++) {
            const row = rows[i];
            for (let c = 0; c < columns.length; c++) batch.values[c][i] = plain(row[c]) ?? null;
            batch.lines[i] = start + i + 2;
          }
          yield batch;
        }
        rowStart += groupRows;
      }
    },
  };
}
