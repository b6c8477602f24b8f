import { inputError } from '@mlci/core';
import { CsvRecordParser } from './csv-parser';
import { quoteForDisplay } from './display';
import type { Limits } from './limits';
import type { TextInput } from './source';
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

export async function openCsv(path: string, input: TextInput, delimiter: string, batchSize: number, limits: Limits): Promise<Table> {
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
    async *batches() {
      const builder = new BatchBuilder(columns, batchSize);
      let seenHeader = false;
      const parser = new CsvRecordParser(
        file,
        delimiter,
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
        limits,
      );
      for await (const text of input.text()) {
        parser.push(text, false);
        yield* builder.batches;
        builder.batches = [];
      }
      parser.push('', true);
      builder.flush();
      yield* builder.batches;
    },
  };
}
