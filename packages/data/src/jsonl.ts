import { inputError } from '@mlci/core';
import { truncateForDisplay } from './display';
import { recordTooLong, type Limits } from './limits';
import type { TextInput } from './source';
import type { RecordBatch, Table } from './table';

/**
 * Splits text chunks into lines with their 1-based numbers, skipping blank lines. Only the new chunk is
 * searched for a line feed; a line spanning chunks waits as a list joined once (`carry + text` per chunk
 * rescanned the whole carry every time: quadratic on a file with no line feed).
 */
export async function* lines(chunks: AsyncIterable<string>, file: string, maxLength: number): AsyncGenerator<[string, number]> {
  let pending: string[] = [];
  let pendingLength = 0;
  let lineNo = 0;
  for await (const text of chunks) {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      lineNo++;
      let raw = text.slice(start, nl);
      if (pendingLength > 0) {
        pending.push(raw);
        pendingLength += raw.length;
        if (pendingLength > maxLength) throw recordTooLong(file, lineNo, maxLength, 'line');
        raw = pending.join('');
        pending = [];
        pendingLength = 0;
      } else if (raw.length > maxLength) throw recordTooLong(file, lineNo, maxLength, 'line');
      const line = raw.trim();
      if (line) yield [line, lineNo];
      start = nl + 1;
    }
    if (start < text.length) {
      pending.push(start === 0 ? text : text.slice(start));
      pendingLength += text.length - start;
      if (pendingLength > maxLength) throw recordTooLong(file, lineNo + 1, maxLength, 'line');
    }
  }
  const last = pending.join('').trim();
  if (last) yield [last, lineNo + 1];
}

function parseObject(path: string, text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // A lone CR ends no JSON line: an old-Mac file reads as one line with JSON after the first record.
    const crOnly = text.includes('\r');
    throw inputError(
      `not valid JSON: ${truncateForDisplay((error as Error).message)}${crOnly ? ' (the line holds carriage returns: CR-only line endings?)' : ''}`,
      {
        file: path,
        line,
        hint: crOnly
          ? "JSON Lines ends each line with \\n (or \\r\\n): convert with `tr '\\r' '\\n' < in.jsonl > out.jsonl`"
          : 'JSON Lines holds one JSON object per line',
      },
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw inputError(`expected a JSON object, found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, {
      file: path,
      line,
      hint: 'JSON Lines holds one JSON object per line',
    });
  }
  return value as Record<string, unknown>;
}

/** Columns are the keys of the first batch's records, in order of appearance; keys first seen later are appended. */
async function headerOf(input: TextInput, sample: number, limits: Limits): Promise<string[]> {
  const columns = new Set<string>();
  let n = 0;
  // Chunks taken with peek() are replayed by the first pass over the records: the input is read once.
  const peeked = {
    async *[Symbol.asyncIterator]() {
      for (let text = await input.peek(); text !== undefined; text = await input.peek()) yield text;
    },
  };
  for await (const [text, line] of lines(peeked, input.name, limits.maxRecordLength)) {
    for (const key of Object.keys(parseObject(input.name, text, line))) columns.add(key);
    if (++n >= sample) break;
  }
  if (n === 0) throw inputError('the file is empty: no records', { file: input.name, hint: 'JSON Lines holds one JSON object per line' });
  return [...columns];
}

export async function openJsonl(path: string, input: TextInput, batchSize: number, limits: Limits): Promise<Table> {
  let columns: string[];
  try {
    columns = await headerOf(input, batchSize, limits);
  } catch (error) {
    await input.close();
    throw error;
  }
  const file = input.name;
  return {
    path,
    format: 'jsonl',
    columns,
    close: () => input.close(),
    async *batches() {
      const known = [...columns];
      const index = new Map(known.map((c, i) => [c, i]));
      let batch: RecordBatch | undefined;
      let row = 1;
      for await (const [text, line] of lines(input.text(), file, limits.maxRecordLength)) {
        const record = parseObject(file, text, line);
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
