/**
 * Issue #12 rows 8 and 9 and the CR-only row: long records are read in linear time and refused past a limit
 * with file:line and a hint; a stream is opened once; CR-only line endings are lines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { CsvRecordParser } from './csv-parser';
import { listForDisplay, truncateForDisplay } from './display';
import { lines } from './jsonl';
import { resolveLimits } from './limits';
import { inferSchema, openTable, validateTable, validationMarkdown, validationText } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mlci-long-'));
let counter = 0;
function file(content: string, ext = '.csv'): string {
  const path = join(dir, `f${counter++}${ext}`);
  writeFileSync(path, content);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<MlciError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MlciError);
  return error as MlciError;
}

async function readAll(path: string, options = {}) {
  const table = await openTable(path, options);
  const rows: unknown[][] = [];
  const at: number[] = [];
  for await (const batch of table.batches()) {
    for (let i = 0; i < batch.length; i++) {
      rows.push(batch.values.map((c) => c[i]));
      at.push(batch.lines[i]);
    }
  }
  return { columns: table.columns, rows, lines: at };
}

const big = { maxRecordLength: 1 << 28, maxFieldLength: 1 << 28 };

describe('long records', () => {
  // 1 KiB chunks make a quadratic parser re-scan the record 8,192 times (about 34 GB of scanning for 8 MiB):
  // minutes before the fix, milliseconds after.
  it('parses an 8 MiB record fed in 1 KiB chunks in linear time (CSV, quoted and not, and JSON Lines)', async () => {
    const n = 8 << 20;
    const chunk = 1024;
    for (const record of ['a'.repeat(n), `"${'b,'.repeat(n / 2)}"`, 'c,'.repeat(n / 2) + 'c']) {
      let seen = 0;
      const parser = new CsvRecordParser('x.csv', ',', (fields) => (seen += fields.length), resolveLimits(big));
      const started = performance.now();
      for (let i = 0; i < record.length; i += chunk) parser.push(record.slice(i, i + chunk), false);
      parser.push('\n', false);
      parser.push('', true);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(seen).toBe(record.startsWith('"') ? 1 : record.startsWith('c') ? n / 2 + 1 : 1);
    }
    const json = `{"k":"${'d'.repeat(n)}"}`;
    async function* chunks() {
      for (let i = 0; i < json.length; i += chunk) yield json.slice(i, i + chunk);
      yield '\n{"k":1}\n';
    }
    const started = performance.now();
    const got: number[] = [];
    for await (const [text, line] of lines(chunks(), 'x.jsonl', 1 << 28)) got.push(text.length, line);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(got).toEqual([json.length, 1, 7, 2]);
  });

  // A one-column file has no delimiter: searching for one to the end of the chunk per record was quadratic in
  // the chunk (2 million rows took 65 s, now 3.5 s; this case: 40 s before, 0.3 s after).
  it('parses a one-column 2 MiB chunk of short records without rescanning it per record', () => {
    const text = 'v\n' + Array.from({ length: 400_000 }, (_, i) => String(i % 100_000)).join('\n') + '\n';
    let rows = 0;
    const parser = new CsvRecordParser('x.csv', ',', () => rows++, resolveLimits());
    const started = performance.now();
    parser.push(text, true);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(rows).toBe(400_001);
  });

  it('refuses a field or a record over the limit with file:line and a hint naming the flag', async () => {
    const field = await rejection(readAll(file(`a,b\n1,2\n3,${'x'.repeat(3000)}\n`), { maxFieldLength: 2000 }));
    expect(field.location).toMatchObject({ line: 3 });
    expect(field.message).toBe('a field longer than 2,000 characters (the limit)');
    expect(field.hint).toContain('--max-field-length');
    const record = await rejection(readAll(file(`a,b\n1,2\n${'x,'.repeat(3000)}\n`), { maxRecordLength: 4000 }));
    expect(record.location).toMatchObject({ line: 3 });
    expect(record.hint).toContain('--max-record-length');
    const unclosed = await rejection(readAll(file(`a,b\n1,"${'y\n'.repeat(3000)}`), { maxRecordLength: 4000, maxFieldLength: 100_000 }));
    expect(unclosed.message).toContain('record longer than 4,000');
    expect(unclosed.location).toMatchObject({ line: 2 });
    const json = await rejection(readAll(file(`{"a":1}\n{"a":"${'z'.repeat(5000)}"}\n`, '.jsonl'), { maxRecordLength: 4000 }));
    expect(json.message).toContain('line longer than 4,000');
    expect(json.location).toMatchObject({ line: 2 });
    // Within the limits the same files read.
    expect((await readAll(file(`a,b\n3,${'x'.repeat(3000)}\n`), { maxFieldLength: 3000 })).rows).toHaveLength(1);
  });

  it('refuses a 20 MiB line with the default limits after reading about 2 MiB', async () => {
    const path = file('q'.repeat(20 << 20));
    const started = performance.now();
    const error = await rejection(readAll(path));
    expect(error.message).toBe('a field longer than 1,048,576 characters (the limit)');
    expect(error.location).toMatchObject({ file: path, line: 1 });
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('takes the limits from the schema, and a flag over the schema', async () => {
    const data = file(`a\n${'x'.repeat(3000)}\n`);
    const schema = file(JSON.stringify({ fields: [{ name: 'a' }], mlci: { maxFieldLength: 2000 } }), '.json');
    expect((await rejection(validateTable(data, schema))).message).toContain('2,000');
    expect((await validateTable(data, schema, { maxFieldLength: 5000 })).outcome).toBe('pass');
  });
});

describe('CR-only line endings', () => {
  it('reads lone CRs as line ends, with line numbers, inside quotes too', async () => {
    const { columns, rows, lines: at } = await readAll(file('id,name\r1,a\r\r2,"b\rc"\r3,d\r'));
    expect(columns).toEqual(['id', 'name']);
    expect(rows).toEqual([
      ['1', 'a'],
      ['2', 'b\rc'],
      ['3', 'd'],
    ]);
    expect(at).toEqual([2, 4, 6]);
  });

  it('names the CR-only line of invalid UTF-8', async () => {
    const path = join(dir, `f${counter++}.csv`);
    writeFileSync(path, Buffer.concat([Buffer.from('a\r1\r\n2\r'), Buffer.from([0xff]), Buffer.from('\r')]));
    expect((await rejection(readAll(path))).location).toMatchObject({ line: 4 });
  });

  it('validates an old-Mac CSV instead of reporting a missing column', async () => {
    const schema = file(JSON.stringify({ fields: [{ name: 'id', type: 'integer' }, { name: 'name' }] }), '.json');
    const result = await validateTable(file('id,name\r1,a\r2,b\r'), schema);
    expect(result).toMatchObject({ outcome: 'pass', rows: 2, columns: ['id', 'name'] });
  });
});

describe('streams', () => {
  it('reads a FIFO once: the header and the records come from the one open', async () => {
    const fifo = join(dir, `pipe${counter++}.csv`);
    const made = spawn('mkfifo', [fifo]);
    await new Promise((done) => made.on('close', done));
    // The writer opens the FIFO once; a reader that opened it twice would wait for a second writer forever.
    const writer = spawn('sh', ['-c', `printf 'id,x\\n1,2\\n3,4\\n' > '${fifo}'`]);
    const written = new Promise((done) => writer.on('close', done));
    const table = await openTable(fifo);
    const rows: unknown[] = [];
    for await (const batch of table.batches()) rows.push(...batch.values[0]);
    expect(rows).toEqual(['1', '3']);
    expect(await written).toBe(0);
    const again = (async () => {
      for await (const _ of table.batches());
    })();
    expect((await rejection(again)).message).toContain('read only once');
  });

  it('reads a regular file more than once, each pass from the start', async () => {
    const table = await openTable(file('a\n1\n2\n'));
    for (let pass = 0; pass < 2; pass++) {
      const rows: unknown[] = [];
      for await (const batch of table.batches()) rows.push(...batch.values[0]);
      expect(rows).toEqual(['1', '2']);
    }
  });

  it('needs a format for stdin and refuses Parquet from a stream', async () => {
    expect((await rejection(openTable('-'))).hint).toContain('--format');
    const fifo = join(dir, `pipe${counter++}.parquet`);
    await new Promise((done) => spawn('mkfifo', [fifo]).on('close', done));
    const error = await rejection(openTable(fifo));
    expect(error.message).toContain('stream');
    expect(error.hint).toContain('save it to a file');
  });
});

describe('display', () => {
  it('cuts long names, says how much is left out, and never splits a surrogate pair', () => {
    expect(truncateForDisplay('abc', 5)).toBe('abc');
    expect(truncateForDisplay('a'.repeat(1000), 10)).toBe('aaaaaaaaaa… (990 more characters)');
    expect(truncateForDisplay('aaaa😀b', 5)).toBe('aaaa… (3 more characters)');
    expect(listForDisplay(['x', 'y', 'z'], 2)).toBe('"x", "y" and 1 more');
  });

  it('keeps a 2 MiB header name and a 2 MiB value out of the result whole', async () => {
    const name = 'n'.repeat(2 << 20);
    const data = file(`id,${name}\nzz,${'v'.repeat(2 << 20)}\n`);
    const schema = file(JSON.stringify({ fields: [{ name: 'id', type: 'integer' }] }), '.json');
    const result = await validateTable(data, schema, big);
    expect(JSON.stringify(result).length).toBeLessThan(5000);
    expect(result.columns[1]).toMatch(/^n{200}… \(2,096,952 more characters\)$/);
    expect(result.tableChecks.find((t) => t.check === 'columns')!.message.length).toBeLessThan(300);
    expect(result.violations[0]).toMatchObject({ field: 'id', constraint: 'type', value: 'zz' });
    expect(validationText(result).length).toBeLessThan(5000);
    expect(validationMarkdown(result).length).toBeLessThan(10_000);
    // A schema naming the huge column: the violation's field, its totals and its message are cut too.
    const named = file(JSON.stringify({ fields: [{ name: 'id' }, { name, type: 'integer' }] }), '.json');
    const typed = await validateTable(data, named, big);
    expect(typed.violations[0].field.length).toBeLessThan(300);
    expect(typed.violations[0].value).toMatch(/^v{1000}… /);
    expect(JSON.stringify(typed).length).toBeLessThan(5000);
    expect(validationMarkdown(typed).length).toBeLessThan(10_000);
  });
});

describe('inferred schemas', () => {
  it('refuse a header name of thousands of characters, and list no long text as an enum', async () => {
    const error = await rejection(inferSchema(file(`id,${'h'.repeat(5000)}\n1,2\n`)));
    expect(error.message).toMatch(/^column 2's name is 5,000 characters long \("h{60}… \(4,940 more characters\)"\): not a header$/);
    expect(error.location).toMatchObject({ line: 1 });
    const long = 'w'.repeat(300);
    const schema = await inferSchema(file(`kind,text\n${['a', 'b', 'a', 'b'].map((k) => `${k},${long}`).join('\n')}\n`));
    expect(schema.fields.map((f) => f.constraints?.enum)).toEqual([['a', 'b'], undefined]);
  });
});
