import { extname } from 'node:path';
import { inputError, usageError } from '@mlci/core';
import { openCsv } from './csv';
import { openJsonl } from './jsonl';
import { resolveLimits } from './limits';
import { openParquet } from './parquet';
import { inspectInput, STDIN, TextInput } from './source';
import type { OpenTableOptions, Table, TableFormat } from './table';

const EXTENSIONS: Record<string, TableFormat> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

export function formatOf(path: string, format?: TableFormat): TableFormat {
  if (format) {
    if (!['csv', 'jsonl', 'parquet'].includes(format)) throw usageError(`unknown format "${format}"`, 'use csv, jsonl or parquet');
    return format;
  }
  if (path === STDIN)
    throw usageError('cannot tell the format of stdin', 'pass --format csv or --format jsonl (input `format` in the action)');
  const found = EXTENSIONS[extname(path).toLowerCase()];
  if (!found)
    throw inputError(`cannot tell the format from the extension "${extname(path)}"`, {
      file: path,
      hint: 'name the file .csv, .tsv, .jsonl or .parquet, or pass --format (a pipe such as <(zcat data.csv.gz) needs --format csv)',
    });
  return found;
}

/**
 * Opens a CSV, JSON Lines or Parquet file for streaming in column batches; see Table. `-` reads stdin; a FIFO
 * or `/dev/fd/N` works too (CSV and JSON Lines), each opened once.
 */
export async function openTable(path: string, options: OpenTableOptions = {}): Promise<Table> {
  const format = formatOf(path, options.format);
  const batchSize = options.batchSize ?? 2048;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1_000_000)
    throw usageError(`batch size must be an integer from 1 to 1,000,000, got ${batchSize}`);
  const limits = resolveLimits(options);
  const encoding = (options.encoding ?? 'utf-8').toLowerCase();
  if (encoding !== 'utf-8' && encoding !== 'utf8')
    throw usageError(
      `only UTF-8 is read, got encoding "${options.encoding}"`,
      'convert the file first, e.g. `iconv -f latin1 -t utf-8 in.csv > out.csv`',
    );
  const delimiter = options.delimiter ?? (extname(path).toLowerCase() === '.tsv' ? '\t' : ',');
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw usageError(`the delimiter must be one character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
  }
  const info = await inspectInput(path);
  switch (format) {
    case 'csv':
      return openCsv(path, new TextInput(path, info), delimiter, batchSize, limits, info.regular);
    case 'jsonl':
      return openJsonl(path, new TextInput(path, info), batchSize, limits);
    case 'parquet':
      return openParquet(path, info, batchSize);
  }
}
