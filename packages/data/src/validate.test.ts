import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const result = await validateTable(file('id,x\n1,0.5\n2,1.5\n'), schemaFile({ fields: [{ name: 'id', type: 'integer' }, { name: 'x', type: 'number' }] }));
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
      fields: [{ name: 'a', type: 'integer' }, { name: 'b', type: 'string' }, { name: 'v', type: 'number' }],
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
    const result = await validateTable(file(`id,x\n${rows}\n`), schemaFile({ fields: [{ name: 'id', type: 'integer' }, { name: 'x', type: 'number' }] }), { sampleSize: 10 });
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
    const schema = schemaFile({ fields: [{ name: 'x', mlci: { maxMissingShare: 0.25 } }], missingValues: ['NA'], mlci: { minRows: 5, maxRows: 10 } });
    const result = await validateTable(data2, schema);
    expect(result.outcome).toBe('fail');
    expect(result.tableChecks.map((t) => t.check).sort()).toEqual(['maxMissingShare', 'minRows']);
    expect((await validateTable(data, schemaFile({ fields: [{ name: 'x' }] }))).rows).toBe(2);
  });

  it('applies a row-level JSON Schema through ajv to typed rows', async () => {
    const schema = schemaFile({
      fields: [{ name: 'lo', type: 'number' }, { name: 'hi', type: 'number' }, { name: 'email', type: 'string' }],
      mlci: { rowSchema: { type: 'object', properties: { email: { format: 'email' }, lo: { maximum: 10 } }, required: ['hi'] } },
    });
    const result = await validateTable(file('lo,hi,email\n1,2,a@b.co\n11,,not-an-email\n'), schema);
    expect(result.violations.map((v) => [v.row, v.field, v.constraint]).sort()).toEqual([
      [2, 'email', 'jsonSchema:format'],
      [2, 'hi', 'jsonSchema:required'],
      [2, 'lo', 'jsonSchema:maximum'],
    ]);
  });

  it('validates JSON Lines with native values', async () => {
    const schema = schemaFile({ fields: [{ name: 'n', type: 'integer', constraints: { maximum: 5 } }, { name: 's', type: 'string' }] });
    const result = await validateTable(file('{"n":1,"s":"a"}\n{"n":9,"s":"b"}\n{"n":2.5,"s":{"x":1}}\n', '.jsonl'), schema);
    expect(result.violations.map((v) => [v.line, v.field, v.constraint])).toEqual([
      [2, 'n', 'maximum'],
      [3, 'n', 'type'],
      [3, 's', 'type'],
    ]);
  });

  it('fails on a column the schema names but the data lacks, with a delimiter hint', async () => {
    const result = await validateTable(file('a;b\n1;2\n'), schemaFile({ fields: [{ name: 'a' }, { name: 'b' }] }));
    expect(result.outcome).toBe('fail');
    expect(result.tableChecks[0].message).toContain('--delimiter');
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
