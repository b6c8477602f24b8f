/**
 * Shards and their merge (validate-shards.ts): files validated one by one, each result kept as a shard, then
 * merged into one verdict that equals validating the files' rows together: totals, table checks over all rows,
 * repeats across files (named by file and row), violations in file order with each file's own rows and lines.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { mergeShards, validateShard, validateTable, validationMarkdown } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mlci-shards-'));
const schemaPath = join(dir, 'schema.json');
writeFileSync(
  schemaPath,
  JSON.stringify({
    fields: [
      { name: 'id', type: 'integer', constraints: { unique: true } },
      { name: 'x', type: 'number', constraints: { minimum: 0 } },
      { name: 'kind', type: 'string', constraints: { enum: ['a', 'b'] } },
    ],
    mlci: { minRows: 10 },
  }),
);

/** Rows i in [from, to): id i (or a repeat of an id from an earlier file), x, kind. */
function rowsOf(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++)
    out.push(`${i % 700 === 699 ? i - 650 : i},${i % 301 === 2 ? -1 : i / 3},${i % 450 === 7 ? 'zz' : 'ab'[i % 2]}`);
  return out;
}

describe('validation shards', () => {
  it('merges CSV shards into the verdict of the rows together, repeats across files named by file and row', async () => {
    const bounds = [0, 400, 1000, 1800];
    const files = bounds.slice(1).map((to, k) => {
      const path = join(dir, `part-${k}.csv`);
      writeFileSync(path, ['id,x,kind', ...rowsOf(bounds[k], to)].join('\n') + '\n');
      return path;
    });
    const whole = join(dir, 'whole.csv');
    writeFileSync(whole, ['id,x,kind', ...rowsOf(0, 1800)].join('\n') + '\n');
    const together = await validateTable(whole, schemaPath, { sampleSize: 1000 });
    const shards = await Promise.all(files.map((f) => validateShard(f, schemaPath, { sampleSize: 1000 })));
    // Shards in any order: the merge takes them in the order of their files' names.
    const merged = await mergeShards([shards[2], shards[0], shards[1]], [files[2], files[0], files[1]]);
    expect(merged.rows).toBe(1800);
    expect(merged.totals).toEqual(together.totals);
    expect(merged.fields).toEqual(together.fields);
    expect(merged.outcome).toBe(together.outcome);
    expect(merged.file).toBe(`${dir}/ (3 files)`);
    // Each violation in its own file's rows and lines.
    const fileRow = (row: number) => {
      const k = bounds.findIndex((b, i) => row > b && row <= bounds[i + 1]);
      return [files[k], row - bounds[k], row - bounds[k] + 1];
    };
    expect(merged.violations.map((v) => [v.file, v.row, v.line, v.field, v.constraint, v.value])).toEqual(
      together.violations.map((v) => [...fileRow(v.row), v.field, v.constraint, v.value]),
    );
    // id 699 - 650 = 49 was first seen in part-0 (row 50, line 51); i = 699 is row 300 of part-1.
    const repeat = merged.violations.find((v) => v.constraint === 'unique')!;
    expect(repeat).toMatchObject({ file: files[1], row: 300, value: '49' });
    expect(repeat.message).toBe(`"49" appears more than once: same as row 50, line 51 of ${files[0]}`);
    expect(validationMarkdown(merged)).toContain('| file | line | row | field | constraint | detail |');
  });

  it('counts table checks over all rows, and names the value of a repeat it cannot read as unknown', async () => {
    const a = join(dir, 'few-a.csv');
    const b = join(dir, 'few-b.csv');
    writeFileSync(a, 'id,x,kind\n1,1,a\n2,1,a\n');
    writeFileSync(b, 'id,x,kind\n3,1,b\n1,1,b\n');
    const shards = [await validateShard(a, schemaPath), await validateShard(b, schemaPath)];
    // Each shard alone fails minRows 10; so does the whole (4 rows), with one repeat across the files.
    // The merge job has the shard results, not the data: the repeating row's value cannot be read again.
    rmSync(b);
    const merged = await mergeShards(shards, [`${a}.json`, `${b}.json`]);
    expect(merged.tableChecks.filter((t) => t.check === 'minRows').map((t) => t.message)).toEqual(['4 rows, fewer than the minimum 10']);
    expect(merged.violations).toEqual([
      expect.objectContaining({
        file: b,
        row: 2,
        line: 3,
        constraint: 'unique',
        value: null,
        message: 'the value appears more than once: same as row 1, line 2 of ' + a,
      }),
    ]);
  });

  it('merges Parquet parts, and refuses shards checked against another schema', async () => {
    const part = (k: number) => {
      const n = 500;
      const path = join(dir, `p-${k}.parquet`);
      const buffer = parquetWriteBuffer({
        columnData: [
          { name: 'id', data: Array.from({ length: n }, (_, i) => BigInt(k === 1 && i === 10 ? 3 : k * n + i)), type: 'INT64' },
          { name: 'x', data: Array.from({ length: n }, (_, i) => (i === 4 ? -2 : i)), type: 'DOUBLE' },
          { name: 'kind', data: Array.from({ length: n }, () => 'a'), type: 'STRING' },
        ],
        rowGroupSize: 200,
      });
      writeFileSync(path, new Uint8Array(buffer));
      return path;
    };
    const files = [part(0), part(1)];
    const shards = await Promise.all(files.map((f) => validateShard(f, schemaPath)));
    const merged = await mergeShards(shards, files);
    expect(merged.rows).toBe(1000);
    expect(merged.violations.map((v) => [v.file, v.row, v.constraint, v.message])).toEqual([
      [files[0], 5, 'minimum', '-2 is below the minimum 0'],
      [files[1], 5, 'minimum', '-2 is below the minimum 0'],
      [files[1], 11, 'unique', `3 appears more than once: same as row 4 of ${files[0]}`],
    ]);
    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ fields: [{ name: 'id', type: 'integer' }] }));
    const odd = await validateShard(files[1], other);
    const error = await mergeShards([shards[0], odd], ['a.json', 'b.json']).catch((e: MlciError) => e);
    expect(error).toBeInstanceOf(MlciError);
    expect((error as MlciError).describe()).toBe(
      'b.json: was checked against another schema than a.json\n  hint: run every shard with the same --schema',
    );
  });
});
