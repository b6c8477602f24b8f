/**
 * Validation in parts (validate-parallel.ts, validate-merge.ts) from sources: the file is cut into byte
 * ranges or row-group runs and the parts run one after another on this thread (the bundle runs them on
 * worker threads: test/data/validate-threads.test.ts). Whatever the cuts, the result must equal the one pass.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { validateTable, type ValidationResult } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mlci-parts-'));
let counter = 0;
function file(content: string | Uint8Array, ext = '.csv'): string {
  const path = join(dir, `f${counter++}${ext}`);
  writeFileSync(path, content);
  return path;
}
const schemaFile = (schema: unknown) => file(JSON.stringify(schema), '.json');
const withoutTime = (r: ValidationResult) => ({ ...r, durationMs: 0 });

/** A deterministic pseudo-random sequence (no Math.random: a failure must replay). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const schema = {
  fields: [
    { name: 'id', type: 'integer', constraints: { required: true, unique: true } },
    { name: 'kind', type: 'string', constraints: { enum: ['a', 'b', 'c'] } },
    { name: 'note', type: 'string', constraints: { maxLength: 30 } },
    { name: 'x', type: 'number', constraints: { minimum: 0 } },
    { name: 'k1', type: 'integer' },
    { name: 'k2', type: 'string' },
  ],
  primaryKey: ['k1', 'k2'],
};

/**
 * Rows with quoted fields holding commas, quotes and line breaks (LF, CRLF), blank lines, repeated ids far
 * apart (so across any cut), repeated composite keys, bad numbers and enum values.
 */
function messyCsv(rows: number, seed: number, eol = '\n'): string {
  const next = lcg(seed);
  const out = ['id,kind,note,x,k1,k2'];
  for (let i = 0; i < rows; i++) {
    const r = next();
    const id = r < 0.02 ? Math.floor(next() * i) : i; // a repeat of an earlier id
    const kind = r > 0.97 ? 'zz' : ['a', 'b', 'c'][i % 3];
    const note = i % 5 === 0 ? `"line one${eol}line ""two""${eol}and three, with a comma"` : i % 7 === 0 ? `"quoted, ${i}"` : `plain ${i}`;
    const x = r > 0.5 && r < 0.52 ? 'x' : r > 0.6 && r < 0.61 ? '-1' : (next() * 10).toFixed(3);
    out.push(`${id},${kind},${note},${x},${i % 50},${Math.floor(i / 50) % 3 === 0 ? 'same' : `k${i}`}`);
    if (i % 97 === 0) out.push('');
  }
  return out.join(eol) + eol;
}

describe('validation in parts', () => {
  it('gives the one-pass result for every number of cuts, cuts inside quoted line breaks included (LF and CRLF)', async () => {
    for (const eol of ['\n', '\r\n']) {
      const data = file(messyCsv(3000, 7, eol));
      const schemaPath = schemaFile(schema);
      const whole = await validateTable(data, schemaPath, { threads: 1, sampleSize: 500 });
      expect(whole.totals.byField.id.unique).toBeGreaterThan(20);
      expect(whole.totals.byField['k1,k2'].primaryKey).toBeGreaterThan(100);
      for (const parts of [2, 3, 5, 8, 13]) {
        const cut = await validateTable(data, schemaPath, { threads: 1, parts, sampleSize: 500 });
        expect(withoutTime(cut), `${parts} parts, ${JSON.stringify(eol)}`).toEqual(withoutTime(whole));
      }
    }
  });

  it('fills the sample with repeats across parts in file order when the parts have few violations of their own', async () => {
    // Clean rows, then the same ids again: every repeat is in the second half, the first occurrences in the first.
    const n = 2000;
    const rows = ['id,v'];
    for (let i = 0; i < n; i++) rows.push(`${i},"v${i}\nsecond line"`);
    for (let i = 0; i < 50; i++) rows.push(`${i * 3},tail`);
    const data = file(rows.join('\n') + '\n');
    const s = schemaFile({ fields: [{ name: 'id', type: 'integer', constraints: { unique: true } }, { name: 'v' }] });
    const whole = await validateTable(data, s, { threads: 1, sampleSize: 20 });
    const cut = await validateTable(data, s, { threads: 1, parts: 4, sampleSize: 20 });
    expect(withoutTime(cut)).toEqual(withoutTime(whole));
    expect(whole.violations[0]).toMatchObject({
      row: 2001,
      line: 4002,
      value: '0',
      message: '"0" appears more than once: same as row 1, line 2',
    });
    expect(whole.violations[1].message).toBe('"3" appears more than once: same as row 4, line 8');
    expect(whole.totals.total).toBe(50);
  });

  it('throws the first error in file order with its line in the whole file', async () => {
    const good = messyCsv(2000, 3);
    const lines = good.split('\n');
    // A ragged row late in the file, and another one later still.
    lines.splice(lines.length - 300, 0, '1,2,3');
    lines.splice(lines.length - 100, 0, '4,5');
    const text = lines.join('\n');
    const data = file(text);
    const s = schemaFile(schema);
    const whole = await validateTable(data, s, { threads: 1 }).catch((e: MlciError) => e);
    expect(whole).toBeInstanceOf(MlciError);
    for (const parts of [2, 4, 7]) {
      const cut = await validateTable(data, s, { threads: 1, parts }).catch((e: MlciError) => e);
      expect(cut).toBeInstanceOf(MlciError);
      expect((cut as MlciError).describe(), `${parts} parts`).toBe((whole as MlciError).describe());
    }
    expect((whole as MlciError).describe()).toMatch(/:\d+: row has 3 fields, the header has 6/);
  });

  it('names invalid UTF-8 in a later part by its line and byte offset in the file', async () => {
    const text = Buffer.from(messyCsv(1500, 5));
    const at = text.length - 2000;
    const bytes = Buffer.concat([text.subarray(0, at), Buffer.from([0xff]), text.subarray(at)]);
    const data = file(bytes);
    const s = schemaFile(schema);
    const whole = (await validateTable(data, s, { threads: 1 }).catch((e) => e)) as MlciError;
    const cut = (await validateTable(data, s, { threads: 1, parts: 3 }).catch((e) => e)) as MlciError;
    expect(whole.describe()).toContain(`at offset ${at}`);
    expect(cut.describe()).toBe(whole.describe());
  });

  it('cuts Parquet between row groups with the same result, repeats across groups named by row', async () => {
    const n = 3000;
    const ids = Array.from({ length: n }, (_, i) => BigInt(i % 1100 === 1099 ? 5 : i));
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids, type: 'INT64' },
        { name: 'x', data: Array.from({ length: n }, (_, i) => (i % 400 === 3 ? -1 : i / 10)), type: 'DOUBLE' },
        { name: 'kind', data: Array.from({ length: n }, (_, i) => (i % 900 === 0 ? 'zz' : 'a')), type: 'STRING' },
        { name: 'unused', data: Array.from({ length: n }, (_, i) => `u${i}`), type: 'STRING' },
      ],
      rowGroupSize: 500,
    });
    const data = file(new Uint8Array(buffer), '.parquet');
    const s = schemaFile({
      fields: [
        { name: 'id', type: 'integer', constraints: { unique: true } },
        { name: 'x', type: 'number', constraints: { minimum: 0 } },
        { name: 'kind', type: 'string', constraints: { enum: ['a', 'b'] } },
      ],
    });
    const whole = await validateTable(data, s, { threads: 1 });
    expect(whole.violations.filter((v) => v.constraint === 'unique').map((v) => [v.row, v.message])).toEqual([
      [1100, '5 appears more than once: same as row 6'],
      [2200, '5 appears more than once: same as row 6'],
    ]);
    expect(whole.violations.find((v) => v.constraint === 'enum')?.message).toBe('"zz" is not one of the allowed values "a", "b"');
    for (const parts of [2, 3, 6]) expect(withoutTime(await validateTable(data, s, { threads: 1, parts }))).toEqual(withoutTime(whole));
  });
});
