import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { inferSchema, parseTableSchema, validateTable } from './index';

describe('inferSchema', () => {
  it('infers types, required, ranges and enums, and the data passes what it inferred', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-infer-'));
    const data = join(dir, 'd.csv');
    const rows = Array.from(
      { length: 40 },
      (_, i) =>
        `${i},${(i * 0.5).toFixed(1)},${['a', 'b'][i % 2]},${i % 5 === 0 ? '' : 'x' + i},2024-01-${String((i % 28) + 1).padStart(2, '0')},${i % 2 === 0}`,
    );
    writeFileSync(data, `id,score,kind,note,day,flag\n${rows.join('\n')}\n`);
    const schema = await inferSchema(data);
    const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f]));
    expect(byName.id).toEqual({ name: 'id', type: 'integer', constraints: { required: true, minimum: 0, maximum: 39 } });
    expect(byName.score.type).toBe('number');
    expect(byName.kind.constraints?.enum).toEqual(['a', 'b']);
    expect(byName.note.type).toBe('string');
    expect(byName.note.constraints?.required).toBeUndefined();
    expect(byName.day.type).toBe('date');
    expect(byName.flag.type).toBe('boolean');
    const reparsed = parseTableSchema(JSON.parse(JSON.stringify(schema)), 'inferred');
    expect((await validateTable(data, reparsed)).outcome).toBe('pass');
  });

  it('refuses a header that reads as one column holding semicolons, unless the delimiter is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-infer-'));
    const data = join(dir, 'semi.csv');
    writeFileSync(data, 'a;b\n1;x\n2;y\n');
    const error = await inferSchema(data).then(
      () => undefined,
      (e: unknown) => e as MlciError,
    );
    expect(error).toBeInstanceOf(MlciError);
    expect(error!.location).toMatchObject({ file: data, line: 1 });
    expect(error!.hint).toContain("--delimiter ';'");
    const schema = await inferSchema(data, { delimiter: ';' });
    expect(schema.fields.map((f) => [f.name, f.type])).toEqual([
      ['a', 'integer'],
      ['b', 'string'],
    ]);
  });

  it('never puts a value the inferred type refuses into an enum: JSON objects make a column `any`, with no enum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-infer-'));
    const data = join(dir, 'mixed.jsonl');
    const lines = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ tag: i % 2 ? { k: 1 } : 'plain', level: ['low', 'high'][i % 2], code: i % 3 ? 7 : 'x' }),
    );
    writeFileSync(data, lines.join('\n') + '\n');
    const schema = await inferSchema(data);
    const byName = Object.fromEntries(schema.fields.map((f) => [f.name, f]));
    expect(byName.tag).toEqual({ name: 'tag', type: 'any', constraints: { required: true } });
    expect(byName.level.constraints?.enum).toEqual(['high', 'low']);
    // Numbers and strings in one column: a string column whose enum holds the values as the validator compares them.
    expect(byName.code).toMatchObject({ type: 'string', constraints: { enum: ['7', 'x'] } });
    const reparsed = parseTableSchema(JSON.parse(JSON.stringify(schema)), 'inferred');
    expect((await validateTable(data, reparsed)).outcome).toBe('pass');
  });

  it('says how many rows it read, and whether the file has more than the sample', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlci-infer-'));
    const data = join(dir, 'd.csv');
    writeFileSync(data, `x\n${Array.from({ length: 120 }, (_, i) => i).join('\n')}\n`);
    const seen: unknown[] = [];
    const sample = await inferSchema(data, { sampleRows: 50, onSample: (s) => seen.push(s) });
    expect(seen).toEqual([{ rows: 50, more: true }]);
    expect(sample.$comment).toBe(
      `Inferred by mlci infer-schema from the first 50 rows of ${data} (the file has more: raise --sample-rows to read more); review before use.`,
    );
    const all = await inferSchema(data, { onSample: (s) => seen.push(s) });
    expect(seen[1]).toEqual({ rows: 120, more: false });
    expect(all.$comment).toContain('from all 120 rows');
  });
});
