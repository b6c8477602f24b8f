import { inputError } from '@mlci/core';
import { utf8Chunks } from './decode';
import type { RecordBatch, Table } from './table';

/** Splits text chunks into lines with their 1-based numbers, skipping blank lines. */
async function* lines(path: string): AsyncGenerator<[string, number]> {
  let carry = '';
  let lineNo = 0;
  for await (const text of utf8Chunks(path)) {
    const s = carry + text;
    let start = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
      lineNo++;
      const line = s.slice(start, nl).trim();
      if (line) yield [line, lineNo];
      start = nl + 1;
    }
    carry = s.slice(start);
  }
  if (carry.trim()) yield [carry.trim(), lineNo + 1];
}

function parseObject(path: string, text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw inputError(`not valid JSON: ${(error as Error).message}`, { file: path, line, hint: 'JSON Lines holds one JSON object per line' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(`expected a JSON object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, { file: path, line, hint: 'JSON Lines holds one JSON object per line' });
  }
  return value as Record<string, unknown>;
}

/** Columns are the keys of the first batch's records, in order of appearance; keys first seen later are appended. */
async function headerOf(path: string, sample: number): Promise<string[]> {
  const columns = new Set<string>();
  let n = 0;
  for await (const [text, line] of lines(path)) {
    for (const key of Object.keys(parseObject(path, text, line))) columns.add(key);
    if (++n >= sample) break;
  }
  if (n === 0) throw inputError('the file is empty: no records', { file: path, hint: 'JSON Lines holds one JSON object per line' });
  return [...columns];
}

export async function openJsonl(path: string, batchSize: number): Promise<Table> {
  const columns = await headerOf(path, batchSize);
  return {
    path,
    format: 'jsonl',
    columns,
    async *batches() {
      const known = [...columns];
      const index = new Map(known.map((c, i) => [c, i]));
      let batch: RecordBatch | undefined;
      let row = 1;
      for await (const [text, line] of lines(path)) {
        const record = parseObject(path, text, line);
        for (const key in record) {
          if (!index.has(key)) {
            index.set(key, known.length);
            known.push(key);
            batch?.values.push(new Array(batch.length).fill(null));
          }
        }
        batch ??= { columns: [...known], values: known.map(() => []), rowStart: row, lines: [], length: 0 };
        batch.columns = known.length === batch.columns.length ? batch.columns : [...known];
        for (let c = 0; c < known.length; c++) batch.values[c].push(record[known[c]] ?? null);
        batch.lines.push(line);
        batch.length++;
        row++;
        if (batch.length >= batchSize) {
          yield batch;
          batch = undefined;
        }
      }
      if (batch) yield batch;
    },
  };
}
