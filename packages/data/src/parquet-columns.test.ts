/**
 * The direct Parquet decoder (parquet-columns.ts) against hyparquet's own parquetRead, cell by cell, on files
 * written by polars (zstd, v1 pages, five row groups), pyarrow (snappy, v1 pages, one row group of many pages)
 * and hyparquet-writer (v2 pages): nulls, NaN, INT64 beyond 2^53, dictionaries, dates and booleans. Then
 * validation in parts, including row windows inside one row group, must equal the one pass.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { validateTable, type ValidationResult } from './index';
import { openParquetFile, parquetBatches, PARSERS } from './parquet';
import { normalize } from './parquet-columns';
import { planParts } from './validate-parallel';

const fixture = (name: string) => fileURLToPath(new URL(`../../../test/data/fixtures/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlci-pq-columns-'));

function v2File(): string {
  const n = 2500;
  const path = join(dir, 'hyparquet-writer.parquet');
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Array.from({ length: n }, (_, i) => BigInt(i % 1100 === 1099 ? 5 : i)), type: 'INT64' },
      { name: 'x', data: Array.from({ length: n }, (_, i) => (i % 97 === 5 ? null : i % 1500 === 7 ? NaN : (i % 41) - 3)), type: 'DOUBLE' },
      { name: 'big', data: Array.from({ length: n }, (_, i) => (i % 250 === 3 ? null : 2n ** 53n + BigInt(2 * i + 1))), type: 'INT64' },
      // Every bit pattern of INT64 (the low word's top bit too), both signs.
      { name: 'mix', data: Array.from({ length: n }, (_, i) => BigInt.asIntN(64, BigInt(i) * 0x9e3779b97f4a7c15n)), type: 'INT64' },
      {
        name: 'kind',
        data: Array.from({ length: n }, (_, i) => (i % 333 === 4 ? null : i % 900 === 0 ? 'zz' : 'abc'[i % 3])),
        type: 'STRING',
      },
      { name: 'note', data: Array.from({ length: n }, (_, i) => `note ${i} ${'long '.repeat(i % 9)}`), type: 'STRING' },
    ],
    rowGroupSize: [700, 1800],
    pageSize: 2048,
  });
  writeFileSync(path, new Uint8Array(buffer));
  return path;
}

/** Every column of rows [from, to) as parquetRead gives it, normalised as the reader does. */
async function reference(path: string, from: number, to: number): Promise<Map<string, unknown[]>> {
  const pq = await openParquetFile(path);
  const out = new Map<string, unknown[]>(pq.columns.map((c) => [c, new Array<unknown>(to - from).fill('unset')]));
  await parquetRead({
    file: pq.file,
    metadata: pq.metadata,
    rowStart: from,
    rowEnd: to,
    compressors,
    parsers: PARSERS,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const data = normalize(columnData);
      const column = out.get(columnName)!;
      for (let i = 0; i < data.length; i++) {
        const r = rowStart + i;
        if (r >= from && r < to) column[r - from] = data[i];
      }
    },
  });
  return out;
}

/** Every column of rows [from, to) as parquetBatches gives it. */
async function decoded(path: string, batchSize: number, from?: number, to?: number): Promise<Map<string, unknown[]>> {
  const pq = await openParquetFile(path);
  const out = new Map<string, unknown[]>(pq.columns.map((c) => [c, []]));
  let first = 0;
  let last = pq.groups.length;
  if (from !== undefined && to !== undefined) {
    let start = 0;
    for (let g = 0; g < pq.groups.length; g++) {
      if (start + pq.groups[g] <= from) first = g + 1;
      if (start < to) last = g + 1;
      start += pq.groups[g];
    }
  }
  for await (const batch of parquetBatches(pq, batchSize, pq.columns, first, last, from, to)) {
    batch.columns.forEach((c, k) => {
      const column = out.get(c)!;
      for (let i = 0; i < batch.length; i++) column.push(batch.values[k][i]);
    });
  }
  return out;
}

const files = [
  ['polars, zstd, 5 row groups', fixture('polars-groups.parquet')],
  ['pyarrow, snappy, 1 row group', fixture('pyarrow-one-group.parquet')],
  ['hyparquet-writer, v2 pages', v2File()],
] as const;

describe('the direct Parquet column decoder', () => {
  for (const [name, path] of files) {
    it(`gives the cells parquetRead gives: ${name}`, async () => {
      const pq = await openParquetFile(path);
      const rows = pq.groups.reduce((a, b) => a + b, 0);
      const whole = await reference(path, 0, rows);
      const mine = await decoded(path, 512);
      expect(mine).toEqual(whole);
      // Nulls, NaN and INT64 past 2^53 are there to compare (exact doubles, as Number(bigint) rounds).
      expect(whole.get('x')).toContain(null);
      expect(whole.get('x')!.some((v) => Number.isNaN(v))).toBe(true);
      expect(whole.get('big')!.some((v) => typeof v === 'number' && v > 2 ** 53)).toBe(true);
      // A window that starts and ends inside row groups (and pages): its cells, numbered from the window.
      for (const [from, to] of [
        [650, 1901],
        [1, 2],
        [rows - 301, rows],
      ]) {
        expect(await decoded(path, 128, from, to)).toEqual(await reference(path, from, to));
      }
    });
  }

  const schema = {
    fields: [
      { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
      { name: 'x', type: 'number', constraints: { minimum: -2, maximum: 30 } },
      { name: 'big', type: 'integer', constraints: { maximum: 2 ** 53 + 3000 } },
      { name: 'kind', type: 'string', constraints: { required: true, enum: ['a', 'b', 'c'] } },
      { name: 'note', type: 'string', constraints: { maxLength: 30 } },
      { name: 'day', type: 'date', constraints: { minimum: '2024-01-01', maximum: '2024-12-31' } },
      { name: 'flag', type: 'boolean' },
    ],
  };
  const withoutTime = (r: ValidationResult) => ({ ...r, durationMs: 0 });

  for (const [name, path] of files) {
    it(`validates in parts (row windows inside a group too) as in one pass: ${name}`, async () => {
      const s = join(dir, 'schema.json');
      writeFileSync(s, JSON.stringify(schema));
      const whole = await validateTable(path, s, { threads: 1, sampleSize: 1000 });
      expect(new Set(whole.violations.map((v) => v.constraint))).toEqual(
        new Set(['unique', 'required', 'enum', 'minimum', 'maximum', 'maxLength', 'finite']),
      );
      for (const parts of [2, 3, 7]) {
        expect(withoutTime(await validateTable(path, s, { threads: 1, parts, sampleSize: 1000 }))).toEqual(withoutTime(whole));
      }
      const pq = await openParquetFile(path);
      const plan = await planParts({ kind: 'parquet', path, batchSize: 512, groups: pq.groups }, 1, 7);
      expect(plan?.length).toBe(7);
      if (pq.groups.length === 1) expect(plan!.every((p) => p.kind === 'parquet' && p.rowFrom !== undefined)).toBe(true);
    });
  }
});
