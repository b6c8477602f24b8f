import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { openTable } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mlci-readers-'));
let counter = 0;
function file(content: string | Uint8Array, ext = '.csv'): string {
  const path = join(dir, `f${counter++}${ext}`);
  writeFileSync(path, content);
  return path;
}

async function readAll(path: string, options = {}) {
  const table = await openTable(path, options);
  const rows: unknown[][] = [];
  const lines: number[] = [];
  const rowNumbers: number[] = [];
  for await (const batch of table.batches()) {
    for (let i = 0; i < batch.length; i++) {
      rows.push(batch.values.map((column) => column[i]));
      lines.push(batch.lines[i]);
      rowNumbers.push(batch.rowStart + i);
    }
  }
  return { columns: table.columns, rows, lines, rowNumbers };
}

async function failure(path: string, options = {}): Promise<MlciError> {
  try {
    await readAll(path, options);
  } catch (error) {
    expect(error).toBeInstanceOf(MlciError);
    return error as MlciError;
  }
  throw new Error('expected the read to fail');
}

describe('CSV reader', () => {
  it('reads quotes, doubled quotes, embedded commas and newlines, and counts physical lines', async () => {
    const { columns, rows, lines, rowNumbers } = await readAll(file('a,b\n1,"x, y"\n2,"line1\nline2"\n3,"say ""hi"""\n4,\n'));
    expect(columns).toEqual(['a', 'b']);
    expect(rows).toEqual([
      ['1', 'x, y'],
      ['2', 'line1\nline2'],
      ['3', 'say "hi"'],
      ['4', ''],
    ]);
    expect(lines).toEqual([2, 3, 5, 6]);
    expect(rowNumbers).toEqual([1, 2, 3, 4]);
  });

  it('handles CRLF, a BOM, blank lines and a missing final newline', async () => {
    const { columns, rows, lines } = await readAll(file('\uFEFFid,name\r\n1,a\r\n\r\n2,"b\r\nc"\r\n3,d'));
    expect(columns).toEqual(['id', 'name']);
    expect(rows).toEqual([
      ['1', 'a'],
      ['2', 'b\r\nc'],
      ['3', 'd'],
    ]);
    expect(lines).toEqual([2, 4, 6]);
  });

  it('takes a custom delimiter and reads .tsv as tab-separated', async () => {
    expect((await readAll(file('a;b\n1;2\n'), { delimiter: ';' })).rows).toEqual([['1', '2']]);
    expect((await readAll(file('a\tb\n1\t2\n', '.tsv'))).rows).toEqual([['1', '2']]);
  });

  it('keeps records whole across chunk and batch boundaries', async () => {
    const long = 'x'.repeat(70_000);
    const body = ['id,text', ...Array.from({ length: 300 }, (_, i) => `${i},"${i % 7 === 0 ? `${long}\n${i}` : 'q""' + i}"`)].join('\n');
    const { rows, lines } = await readAll(file(body), { batchSize: 16 });
    expect(rows).toHaveLength(300);
    expect(rows[7]).toEqual(['7', `${long}\n7`]);
    expect(rows[8]).toEqual(['8', 'q"8']);
    // Records 0 and 7 hold one newline each, so record 8 starts two lines past its number.
    expect(lines[8]).toBe(8 + 2 + 2);
  });

  it('reads a header-only file as zero rows', async () => {
    const { columns, rows } = await readAll(file('a,b\n'));
    expect(columns).toEqual(['a', 'b']);
    expect(rows).toEqual([]);
  });

  it('refuses an empty file, naming it', async () => {
    const path = file('');
    const error = await failure(path);
    expect(error.message).toContain('empty');
    expect(error.location.file).toBe(path);
  });

  it('names the line of a ragged row', async () => {
    const error = await failure(file('a,b\n1,2\n3\n'));
    expect(error.message).toBe('row has 1 field, the header has 2');
    expect(error.location.line).toBe(3);
  });

  it('suggests the delimiter when the header is one column holding semicolons', async () => {
    const error = await failure(file('a;b\n1;2\n3,5;4\n'));
    expect(error.hint).toContain('--delimiter');
  });

  it('names the line where an unterminated quote opened', async () => {
    const error = await failure(file('a,b\n1,2\n3,"open\nmore\n'));
    expect(error.message).toContain('unterminated');
    expect(error.location.line).toBe(3);
  });

  it('refuses text after a closing quote', async () => {
    const error = await failure(file('a,b\n1,"x"y\n'));
    expect(error.location.line).toBe(2);
  });

  it('names the line of invalid UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,ok\n2,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const error = await failure(file(bytes));
    expect(error.message).toContain('invalid UTF-8');
    expect(error.location.line).toBe(3);
  });

  it('refuses duplicate header names', async () => {
    expect((await failure(file('a,a\n1,2\n'))).message).toContain('twice');
  });

  it('says a missing file is missing', async () => {
    const error = await failure(join(dir, 'nope.csv'));
    expect(error.message).toBe('file not found');
  });
});

describe('JSON Lines reader', () => {
  it('reads objects into columns, with null for absent keys and new keys appended', async () => {
    const { columns, rows, lines } = await readAll(file('{"a":1,"b":"x"}\n\n{"a":2}\n{"a":3,"b":"z","c":true}\n', '.jsonl'));
    expect(columns).toEqual(['a', 'b', 'c']);
    expect(rows).toEqual([
      [1, 'x', null],
      [2, null, null],
      [3, 'z', true],
    ]);
    expect(lines).toEqual([1, 3, 4]);
  });

  it("takes the first batch's keys as the columns and appends keys first seen in a later batch", async () => {
    const table = await openTable(file('{"a":1}\n{"b":2}\n{"a":3,"c":"new"}\n{"c":"again"}\n', '.jsonl'), { batchSize: 2 });
    expect(table.columns).toEqual(['a', 'b']);
    const batches = [];
    for await (const batch of table.batches()) batches.push({ columns: batch.columns, values: batch.values, rowStart: batch.rowStart });
    expect(batches).toEqual([
      {
        columns: ['a', 'b'],
        values: [
          [1, null],
          [null, 2],
        ],
        rowStart: 1,
      },
      {
        columns: ['a', 'b', 'c'],
        values: [
          [3, null],
          [null, null],
          ['new', 'again'],
        ],
        rowStart: 3,
      },
    ]);
  });

  it('names the line of malformed JSON and of a non-object', async () => {
    expect((await failure(file('{"a":1}\n{"a":\n', '.jsonl'))).location.line).toBe(2);
    const error = await failure(file('{"a":1}\n[1,2]\n', '.jsonl'));
    expect(error.message).toContain('expected a JSON object, found an array');
  });
});

describe('Parquet reader', () => {
  it('reads row groups in batches with row-based line numbers', async () => {
    const n = 2500;
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Int32Array.from({ length: n }, (_, i) => i), type: 'INT32' },
        { name: 'score', data: Float64Array.from({ length: n }, (_, i) => i / 10), type: 'DOUBLE' },
        { name: 'label', data: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : `c${i % 3}`)), type: 'STRING' },
      ],
      rowGroupSize: 1000,
    });
    const { columns, rows, lines } = await readAll(file(new Uint8Array(buffer), '.parquet'), { batchSize: 300 });
    expect(columns).toEqual(['id', 'score', 'label']);
    expect(rows).toHaveLength(n);
    expect(rows[1001]).toEqual([1001, 100.1, 'c2']);
    expect(rows[999]).toEqual([999, 99.9, null]);
    expect(lines[0]).toBe(1);
    expect(lines[2499]).toBe(2500);
  });

  it('refuses a file that is not Parquet', async () => {
    const error = await failure(file('not parquet at all', '.parquet'));
    expect(error.message).toContain('not a readable Parquet file');
  });
});
