import { createReadStream } from 'node:fs';
import { inputError } from '@mlci/core';
import { CsvRecordParser } from './csv-parser';
import { quoteForDisplay } from './display';
import type { Limits } from './limits';
import { utf8Chunks } from './decode';
import type { TextInput } from './source';
import { lineAtOffset } from './utf8';
import type { RecordBatch, Table } from './table';

function checkHeader(file: string, header: string[]): void {
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name.trim() === '')
      throw inputError(`header column ${index + 1} has no name`, { file, line: 1, hint: 'give every column a name in the first line' });
    if (seen.has(name))
      throw inputError(`header names column ${quoteForDisplay(name)} twice`, { file, line: 1, hint: 'column names must be unique' });
    seen.add(name);
  });
}

/** Hint for a file whose header is one column although it holds another likely delimiter. */
export function delimiterHint(header: string[], delimiter: string): string | undefined {
  if (header.length !== 1) return undefined;
  for (const candidate of [';', '\t', '|', ',']) {
    if (candidate !== delimiter && header[0].includes(candidate)) {
      return `the header looks ${candidate === '\t' ? 'tab' : `"${candidate}"`}-separated: pass --delimiter ${candidate === '\t' ? "$'\\t'" : `'${candidate}'`} (input \`delimiter\` in the action)`;
    }
  }
  return undefined;
}

class BatchBuilder {
  batches: RecordBatch[] = [];
  private current: RecordBatch | undefined;
  private nextRow = 1;
  constructor(
    private readonly columns: string[],
    private readonly size: number,
  ) {}

  add(fields: string[], line: number): void {
    let batch = this.current;
    if (!batch) {
      // Arrays sized up front and written by index: no growth copies per batch.
      const size = this.size;
      batch = this.current = {
        columns: this.columns,
        values: this.columns.map(() => new Array<unknown>(size)),
        rowStart: this.nextRow,
        lines: new Array<number>(size),
        length: 0,
      };
    }
    const i = batch.length;
    const values = batch.values;
    for (let c = 0; c < fields.length; c++) values[c][i] = fields[c];
    batch.lines[i] = line;
    batch.length = i + 1;
    this.nextRow++;
    if (batch.length >= this.size) this.flush();
  }

  flush(): void {
    const batch = this.current;
    if (batch && batch.length > 0) {
      if (batch.length < this.size) {
        for (const column of batch.values) column.length = batch.length;
        batch.lines.length = batch.length;
      }
      this.batches.push(batch);
    }
    this.current = undefined;
  }
}

/** Reads the header only: the first record, from chunks the first pass over the records replays. */
async function readHeader(input: TextInput, delimiter: string, limits: Limits): Promise<string[]> {
  let header: string[] | undefined;
  const parser = new CsvRecordParser(
    input.name,
    delimiter,
    (fields) => {
      header ??= [...fields];
    },
    limits,
  );
  for (let text = await input.peek(); text !== undefined; text = await input.peek()) {
    parser.push(text, false);
    if (header) return header;
  }
  parser.push('', true);
  if (!header)
    throw inputError('the file is empty: no header line', {
      file: input.name,
      hint: 'a CSV file starts with a header line naming its columns',
    });
  return header;
}

export async function openCsv(
  path: string,
  input: TextInput,
  delimiter: string,
  batchSize: number,
  limits: Limits,
  regular = false,
): Promise<Table> {
  let columns: string[];
  try {
    columns = await readHeader(input, delimiter, limits);
    checkHeader(input.name, columns);
  } catch (error) {
    await input.close();
    throw error;
  }
  const hint = delimiterHint(columns, delimiter);
  const file = input.name;
  return {
    path,
    format: 'csv',
    columns,
    close: () => input.close(),
    batches: () => csvBatches(input.text(), { file, columns, delimiter, batchSize, limits, hint, skipHeader: true, final: true }),
    ...(regular ? { parts: { kind: 'csv' as const, path, delimiter, batchSize, limits } } : {}),
  };
}

interface CsvBatchOptions {
  file: string;
  columns: string[];
  delimiter: string;
  batchSize: number;
  limits: Limits;
  hint: string | undefined;
  /** The text starts with the header record (skip it). */
  skipHeader: boolean;
  /** The text ends the file: its tail is a record. Otherwise the tail must end on a record boundary (see `stats`). */
  final: boolean;
  /** Filled at the end: line ends consumed, and the incomplete record left at the end of a non-final text. */
  stats?: { lines: number; carry: string };
}

/** Record batches of CSV text chunks; rows and lines count from 1 at the start of the text. */
async function* csvBatches(text: AsyncIterable<string>, o: CsvBatchOptions): AsyncGenerator<RecordBatch> {
  const { file, columns, hint } = o;
  const builder = new BatchBuilder(columns, o.batchSize);
  let seenHeader = !o.skipHeader;
  const parser = new CsvRecordParser(
    file,
    o.delimiter,
    (fields, line) => {
      if (!seenHeader) {
        seenHeader = true;
        return;
      }
      if (fields.length !== columns.length) {
        throw inputError(
          `row has ${fields.length.toLocaleString('en-US')} field${fields.length === 1 ? '' : 's'}, the header has ${columns.length.toLocaleString('en-US')}`,
          {
            file,
            line,
            hint: hint ?? 'every row needs one field per header column; quote fields that contain the delimiter or a newline',
          },
        );
      }
      builder.add(fields, line);
    },
    o.limits,
  );
  for await (const chunk of text) {
    parser.push(chunk, false);
    yield* builder.batches;
    builder.batches = [];
  }
  if (o.final) parser.push('', true);
  builder.flush();
  yield* builder.batches;
  if (o.stats) {
    o.stats.lines = parser.nextLine - 1;
    o.stats.carry = o.final ? '' : parser.carried;
  }
}

/** A byte range of a CSV file that starts on a record boundary (or at 0, with the header). */
export interface CsvRange {
  start: number;
  end: number;
  /** The range ends the file. */
  final: boolean;
}

/** What reading a range found: line ends consumed and the bytes of an incomplete last record (0 when aligned). */
export interface CsvRangeStats {
  lines: number;
  carryBytes: number;
}

/** Marks an error whose line is the file's (not counted from the start of a range): invalid UTF-8. */
export const ABSOLUTE_LINE = Symbol('absolute line');

/**
 * Batches of the records that start in `range` of a CSV file: rows and lines count from 1 at the range's start
 * (the caller adds the lines and rows of the ranges before). A non-final range that ends inside a record (a
 * quoted field with a line break across the split) leaves that record's bytes in `stats.carryBytes`: the next
 * range must then be read again from `range.end - carryBytes`.
 */
export async function* csvRangeBatches(
  path: string,
  columns: string[],
  delimiter: string,
  batchSize: number,
  limits: Limits,
  range: CsvRange,
  stats: CsvRangeStats,
): AsyncGenerator<RecordBatch> {
  const bytes: AsyncIterable<Uint8Array> =
    range.end > range.start
      ? createReadStream(path, { start: range.start, end: range.end - 1, highWaterMark: 1 << 20 })
      : (async function* () {})();
  async function* text(): AsyncGenerator<string> {
    try {
      yield* utf8Chunks(bytes, path, (offset) => lineAtOffset(path, offset), range.start);
    } catch (error) {
      throw Object.assign(error as Error, { [ABSOLUTE_LINE]: true });
    }
  }
  const inner = { lines: 0, carry: '' };
  yield* csvBatches(text(), {
    file: path,
    columns,
    delimiter,
    batchSize,
    limits,
    hint: delimiterHint(columns, delimiter),
    skipHeader: range.start === 0,
    final: range.final,
    stats: inner,
  });
  stats.lines = inner.lines;
  stats.carryBytes = Buffer.byteLength(inner.carry);
}
