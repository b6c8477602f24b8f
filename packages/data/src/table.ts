/**
 * The reader interface every format implements: a table is its header plus record batches, column-major,
 * so validation and drift touch each column as one array and nothing allocates an object per row.
 */
import type { Limits, ReadLimits } from './limits';

export type TableFormat = 'csv' | 'jsonl' | 'parquet';

export interface RecordBatch {
  /** Header names, in file order. */
  columns: string[];
  /**
   * `values[c][i]` is column `c` of record `i`. CSV gives raw strings exactly as in the file after
   * unquoting ('' for an empty field); JSONL and Parquet give native JS values (null when absent; Parquet
   * INT64 as number, timestamps as ISO strings). CSV strings may share memory with the 1 MiB chunk they
   * were read from: pass any value kept beyond the batch through `detachString`. Index a column, do not call
   * array methods on it: a Parquet column of numbers may be a typed-array view (Float64Array, Int32Array …).
   */
  values: unknown[][];
  /** 1-based data-record number of record 0 of this batch. */
  rowStart: number;
  /**
   * `lines[i]`: 1-based physical line where record `i` starts (a CSV header is line 1, so the first record
   * is line 2 or later; blank lines and newlines inside quoted fields count). Parquet has no lines:
   * `lines[i]` is the record's 1-based row number, `rowStart + i`.
   */
  lines: number[];
  /** Records in this batch. */
  length: number;
}

export interface OpenTableOptions extends ReadLimits {
  /**
   * File format.
   * @default from the extension: .csv and .tsv → csv, .jsonl and .ndjson → jsonl, .parquet → parquet
   */
  format?: TableFormat;
  /**
   * CSV field delimiter, one character.
   * @default "," (tab for .tsv)
   */
  delimiter?: string;
  /**
   * Text encoding of CSV and JSONL. Only UTF-8 is read; invalid bytes stop the read with an error naming
   * the line (a leading BOM is skipped).
   * @default 'utf-8'
   */
  encoding?: 'utf-8';
  /**
   * Records per batch; bounds memory together with the widest record (Parquet: together with the largest
   * row group, which is decoded whole). 1 to 1,000,000.
   * @default 2048 (measured: larger batches outlive V8's young generation and cost more in GC)
   */
  batchSize?: number;
}

export interface Table {
  /** The path as given. */
  path: string;
  format: TableFormat;
  /** Header names (JSONL: keys seen in the first records; later new keys are added to batches' columns). */
  columns: string[];
  /**
   * Streams the records from the start of the file. The first call continues the stream the header was read
   * from (each input is opened once); a regular file may be read again, a stream (stdin, a FIFO) may not.
   */
  batches(): AsyncIterable<RecordBatch>;
  /** Stops reading an input whose records will not be read (a refusal after the header); idempotent. */
  close(): Promise<void>;
  /** How to read the table in parts (worker threads): a regular CSV file or a Parquet file; absent for a stream. */
  parts?: PartSource;
}

/** What reading a part of a table needs: plain data (a worker thread gets it), plus main-thread handles. */
export type PartSource =
  | { kind: 'csv'; path: string; delimiter: string; batchSize: number; limits: Limits }
  | {
      kind: 'parquet';
      path: string;
      batchSize: number;
      /** Rows per row group. */
      groups: number[];
      /** The open file (this thread only: not sent to a worker). */
      parquet?: unknown;
    };
