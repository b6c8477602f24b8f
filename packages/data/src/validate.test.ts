import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { loadTableSchema, validateTable } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mlci-validate-'));
let counter = 0;
function file(content: string, ext = '.csv'): string {
  const path = join(dir, `f${counter++}${ext}`);
  writeFileSync(path, content);
  return path;
}
const schemaFile = (schema: unknown) => file(JSON.stringify(schema), '.json');

describe('validateTable', () => {
  it('passes clean data and counts rows', async () => {
    const result = await validateTable(
      file('id,x\n1,0.5\n2,1.5\n'),
      schemaFile({
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'x', type: 'number' },
        ],
      }),
    );
    expect(result.outcome).toBe('pass');
    expect(result.rows).toBe(2);
    expect(result.violations).toEqual([]);
  });

  it('reports each constraint with row, line, field, constraint and value', async () => {
    const schema = schemaFile({
      fields: [
        { name: 'id', type: 'integer', constraints: { unique: true } },
        { name: 'age', type: 'integer', constraints: { required: true, minimum: 0, maximum: 120 } },
        { name: 'kind', type: 'string', constraints: { enum: ['a', 'b'] } },
        { name: 'code', type: 'string', constraints: { pattern: '[A-Z]{3}', minLength: 3, maxLength: 3 } },
        { name: 'score', type: 'number' },
      ],
    });
    const data = file('id,age,kind,code,score\n1,30,a,ABC,0.1\n1,,c,"AB\nC",x\n3,130,b,ABCD,NaN\n4,-1,a,XYZ,Infinity\n');
    const result = await validateTable(data, schema);
    expect(result.outcome).toBe('fail');
    const got = result.violations.map((v) => [v.row, v.line, v.field, v.constraint, v.value]);
    // File order: by row, then by field within a row.
    expect(got).toEqual([
      [2, 3, 'id', 'unique', '1'],
      [2, 3, 'age', 'required', ''],
      [2, 3, 'kind', 'enum', 'c'],
      [2, 3, 'code', 'pattern', 'AB\nC'],
      [2, 3, 'code', 'maxLength', 'AB\nC'],
      [2, 3, 'score', 'type', 'x'],
      [3, 5, 'age', 'maximum', '130'],
      [3, 5, 'code', 'pattern', 'ABCD'],
      [3, 5, 'code', 'maxLength', 'ABCD'],
      [3, 5, 'score', 'finite', 'NaN'],
      [4, 6, 'age', 'minimum', '-1'],
      [4, 6, 'score', 'finite', 'Infinity'],
    ]);
    expect(result.totals.total).toBe(12);
    expect(result.totals.byField.code).toEqual({ pattern: 2, maxLength: 2 });
  });

  it('anchors patterns to the whole value', async () => {
    const schema = schemaFile({ fields: [{ name: 'c', constraints: { pattern: '[0-9]+' } }] });
    const result = await validateTable(file('c\n123\na123b\n'), schema);
    expect(result.violations.map((v) => v.value)).toEqual(['a123b']);
  });

  it('treats missingValues as null and primaryKey as required and unique, composite keys too', async () => {
    const schema = schemaFile({
      fields: [
        { name: 'a', type: 'integer' },
        { name: 'b', type: 'string' },
        { name: 'v', type: 'number' },
      ],
      missingValues: ['', 'NA'],
      primaryKey: ['a', 'b'],
    });
    const result = await validateTable(file('a,b,v\n1,x,NA\n1,y,2\n1,x,3\nNA,z,4\n'), schema);
    const got = result.violations.map((v) => [v.row, v.field, v.constraint]);
    // Row 4's key is [null, "z"]: missing is a required failure, and the key is still new.
    expect(got).toEqual([
      [3, 'a,b', 'primaryKey'],
      [4, 'a', 'required'],
    ]);
    expect(result.fields.find((f) => f.name === 'v')?.missing).toBe(1);
  });

  it('keeps totals exact past the sample size', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `${i},bad`).join('\n');
    const result = await validateTable(
      file(`id,x\n${rows}\n`),
      schemaFile({
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'x', type: 'number' },
        ],
      }),
      { sampleSize: 10 },
    );
    expect(result.violations).toHaveLength(10);
    expect(result.violationsTruncated).toBe(true);
    expect(result.totals.total).toBe(500);
  });

  it('passes a field under its mostly tolerance and fails it below', async () => {
    const data = file(`x\n${[...Array(95).fill('1'), ...Array(5).fill('bad'), ...Array(20).fill('')].join('\n')}\n`);
    const at = (mostly: number) => schemaFile({ fields: [{ name: 'x', type: 'integer', mlci: { mostly } }] });
    const tolerant = await validateTable(data, at(0.95));
    expect(tolerant.outcome).toBe('pass');
    expect(tolerant.fields[0].passShare).toBeCloseTo(0.95, 10);
    expect(tolerant.violations.every((v) => v.tolerated)).toBe(true);
    expect((await validateTable(data, at(0.96))).outcome).toBe('fail');
  });

  it('checks the missing share and the row count bounds', async () => {
    const data = file('x\n1\n\n\n2\n', '.csv');
    // Blank CSV lines are skipped, so use an explicit missing marker.
    const data2 = file('x\n1\nNA\nNA\n2\n');
    const schema = schemaFile({
      fields: [{ name: 'x', mlci: { maxMissingShare: 0.25 } }],
      missingValues: ['NA'],
      mlci: { minRows: 5, maxRows: 10 },
    });
    const result = await validateTable(data2, schema);
    expect(result.outcome).toBe('fail');
    expect(result.tableChecks.map((t) => t.check).sort()).toEqual(['maxMissingShare', 'minRows']);
    expect((await validateTable(data, schemaFile({ fields: [{ name: 'x' }] }))).rows).toBe(2);
  });

  it('applies a row-level JSON Schema through ajv to typed rows', async () => {
    const schema = schemaFile({
      fields: [
        { name: 'lo', type: 'number' },
        { name: 'hi', type: 'number' },
        { name: 'email', type: 'string' },
      ],
      mlci: { rowSchema: { type: 'object', properties: { email: { format: 'email' }, lo: { maximum: 10 } }, required: ['hi'] } },
    });
    const result = await validateTable(file('lo,hi,email\n1,2,a@b.co\n11,,not-an-email\n'), schema);
    expect(result.violations.map((v) => [v.row, v.field, v.constraint]).sort()).toEqual([
      [2, 'email', 'jsonSchema:format'],
      [2, 'hi', 'jsonSchema:required'],
      [2, 'lo', 'jsonSchema:maximum'],
    ]);
  });

  it('matches untrusted patterns in linear time: (a+)+$ against a long value finishes and reports the row (ReDoS, issue #12)', async () => {
    // A backtracking engine takes minutes on this value; RE2 answers at once.
    const evil = 'a'.repeat(5000) + '!';
    const schema = schemaFile({
      fields: [{ name: 'code', type: 'string', constraints: { pattern: '(a+)+' } }],
      mlci: { rowSchema: { type: 'object', properties: { code: { pattern: '^(a|aa)+$' } } } },
    });
    const result = await validateTable(file(`code\naaa\n${evil}\n`), schema);
    expect(result.violations.map((v) => [v.row, v.constraint])).toEqual([
      [2, 'pattern'],
      [2, 'jsonSchema:pattern'],
    ]);
    // XML Schema semantics: the whole value must match; JSON Schema's match anywhere.
    const partial = await validateTable(
      file('code\nxaay\n'),
      schemaFile({
        fields: [{ name: 'code', constraints: { pattern: 'a+' } }],
        mlci: { rowSchema: { properties: { code: { pattern: 'a+' } } } },
      }),
    );
    expect(partial.violations.map((v) => v.constraint)).toEqual(['pattern']);
  });

  it('refuses a pattern that needs a backtracking engine, naming the field and why', async () => {
    await expect(loadTableSchema(schemaFile({ fields: [{ name: 'x', constraints: { pattern: '(\\w)\\1' } }] }))).rejects.toThrow(
      /fields\[0\]\.constraints\.pattern.*RE2 \(linear time, safe on untrusted schemas\)/,
    );
  });

  it('validates JSON Lines with native values', async () => {
    const schema = schemaFile({
      fields: [
        { name: 'n', type: 'integer', constraints: { maximum: 5 } },
        { name: 's', type: 'string' },
      ],
    });
    const result = await validateTable(file('{"n":1,"s":"a"}\n{"n":9,"s":"b"}\n{"n":2.5,"s":{"x":1}}\n', '.jsonl'), schema);
    expect(result.violations.map((v) => [v.line, v.field, v.constraint])).toEqual([
      [2, 'n', 'maximum'],
      [3, 'n', 'type'],
      [3, 's', 'type'],
    ]);
  });

  it('refuses a file read with the wrong delimiter as unusable input, naming line 1 and --delimiter', async () => {
    const path = file('a;b\n1;2\n');
    const schema = schemaFile({ fields: [{ name: 'a' }, { name: 'b' }] });
    const error = await validateTable(path, schema).then(
      () => undefined,
      (e: unknown) => e as MlciError,
    );
    expect(error).toBeInstanceOf(MlciError);
    expect(error!.kind).toBe('input');
    expect(error!.location).toMatchObject({ file: path, line: 1 });
    expect(error!.hint).toContain("--delimiter ';'");
    expect((await validateTable(path, schema, { delimiter: ';' })).outcome).toBe('pass');
  });

  it('fails on a column the schema names but the data lacks', async () => {
    const result = await validateTable(file('a,c\n1,2\n'), schemaFile({ fields: [{ name: 'a' }, { name: 'b' }] }));
    expect(result.outcome).toBe('fail');
    expect(result.tableChecks[0]).toMatchObject({ check: 'columns', outcome: 'fail' });
    expect(result.tableChecks[0].message).toContain('"b"');
  });

  it('checks minLength, booleans, dates, datetimes, years, integer enums and NaN in an integer column', async () => {
    const schema = schemaFile({
      fields: [
        { name: 's', constraints: { minLength: 2 } },
        { name: 'b', type: 'boolean' },
        { name: 'd', type: 'date', constraints: { minimum: '2024-01-01' } },
        { name: 't', type: 'datetime' },
        { name: 'y', type: 'year', constraints: { maximum: 2030 } },
        { name: 'k', type: 'integer', constraints: { enum: [1, 2] } },
      ],
    });
    const data = file(
      's,b,d,t,y,k\nab,true,2024-02-29,2024-01-01T10:00:00Z,2024,1\na,yes,2023-02-29,yesterday,2031,NaN\nabc,0,2023-12-31,2024-01-01 10:00,99999,3\n',
    );
    const result = await validateTable(data, schema);
    expect(result.violations.map((v) => [v.row, v.field, v.constraint])).toEqual([
      [2, 's', 'minLength'],
      [2, 'b', 'type'],
      [2, 'd', 'type'],
      [2, 't', 'type'],
      [2, 'y', 'maximum'],
      [2, 'k', 'type'],
      [3, 'd', 'minimum'],
      [3, 'y', 'type'],
      [3, 'k', 'enum'],
    ]);
    expect(result.violations.find((v) => v.field === 'd' && v.row === 3)?.message).toContain('2024-01-01');
  });

  it('makes a single-field primaryKey required and unique, and keeps long unique strings exact', async () => {
    const long = (i: number) => `user-${i}-${'x'.repeat(40)}@example.com`;
    const rows = Array.from({ length: 3000 }, (_, i) => `${i % 2999},${long(i % 2998)}`);
    rows.push(',' + long(1));
    const schema = schemaFile({
      fields: [
        { name: 'id', type: 'integer' },
        { name: 'email', constraints: { unique: true } },
      ],
      primaryKey: 'id',
    });
    const result = await validateTable(file(`id,email\n${rows.join('\n')}\n`), schema, { batchSize: 128 });
    expect(result.totals.byField.id).toEqual({ unique: 1, required: 1 });
    // 2998 distinct emails over 3001 rows: rows 2999, 3000 and 3001 repeat one.
    expect(result.totals.byField.email).toEqual({ unique: 3 });
    expect(result.violations.filter((v) => v.field === 'email').map((v) => v.row)).toEqual([2999, 3000, 3001]);
  });

  it('says a header-only file has no rows, and passes it unless minRows asks for some', async () => {
    const path = file('a,b\n');
    const result = await validateTable(path, schemaFile({ fields: [{ name: 'a', constraints: { required: true } }, { name: 'b' }] }));
    expect(result).toMatchObject({ outcome: 'pass', rows: 0 });
    expect(result.tableChecks).toEqual([{ check: 'rows', outcome: 'warn', message: 'the file has a header but no data rows' }]);
    expect((await validateTable(path, schemaFile({ fields: [{ name: 'a' }], mlci: { minRows: 1 } }))).outcome).toBe('fail');
  });

  it('validates Parquet, reporting NaN and infinity in a double column by row', async () => {
    const n = 1200;
    const x = Float64Array.from({ length: n }, (_, i) => (i === 10 ? NaN : i === 1100 ? Infinity : i / 100));
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => BigInt(i)), type: 'INT64' },
        { name: 'x', data: x, type: 'DOUBLE' },
        { name: 'label', data: Array.from({ length: n }, (_, i) => (i === 500 ? null : i % 2 ? 'odd' : 'even')), type: 'STRING' },
      ],
      rowGroupSize: 400,
    });
    const path = join(dir, 'table.parquet');
    writeFileSync(path, new Uint8Array(buffer));
    const schema = schemaFile({
      fields: [
        { name: 'id', type: 'integer', constraints: { unique: true, maximum: 1199 } },
        { name: 'x', type: 'number', constraints: { maximum: 11.5 } },
        { name: 'label', constraints: { required: true, enum: ['odd', 'even'] } },
      ],
    });
    const result = await validateTable(path, schema, { batchSize: 256 });
    expect(result.rows).toBe(n);
    expect(result.format).toBe('parquet');
    expect(result.violations.map((v) => [v.row, v.line, v.field, v.constraint])).toEqual([
      [11, 11, 'x', 'finite'],
      [501, 501, 'label', 'required'],
      [1101, 1101, 'x', 'finite'],
      [1101, 1101, 'x', 'maximum'],
      ...Array.from({ length: 49 }, (_, k) => [1152 + k, 1152 + k, 'x', 'maximum']),
    ]);
    expect(result.violations.slice(0, 3).map((v) => v.value)).toEqual(['NaN', null, 'Infinity']);
  });
});

describe('loadTableSchema', () => {
  async function schemaError(text: string): Promise<MlciError> {
    try {
      await loadTableSchema(file(text, '.json'));
    } catch (error) {
      return error as MlciError;
    }
    throw new Error('expected a schema error');
  }
  it('names the line of a JSON syntax error', async () => {
    const error = await schemaError('{\n  "fields": [\n    {"name": "a",}\n  ]\n}');
    expect(error.message).toContain('not valid JSON');
    expect(error.location.line).toBe(3);
  });
  it('names the property that makes it no Table Schema', async () => {
    expect((await schemaError('{"fields": [{"name": "a", "type": "float"}]}')).message).toContain('fields[0].type');
    expect((await schemaError('{"fields": [{"name": "a", "constraints": {"minimun": 1}}]}')).message).toContain('constraints.minimun');
    expect((await schemaError('{"fields": [{"name": "a"}], "primaryKey": ["b"]}')).message).toContain('"primaryKey"');
    expect((await schemaError('[1,2]')).message).toContain('"fields"');
  });
});
