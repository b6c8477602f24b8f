import { HttpError } from './http-error';
import type { Batch, Signature } from './types';

/** The JSON keys of MLflow's scoring protocol; a body names exactly one. */
export const INPUT_FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const CONTENT_TYPES = ['application/json', 'text/csv'];

/**
 * Parses an /invocations body the way MLflow's scoring server does: JSON with one of `dataframe_split`,
 * `dataframe_records`, `instances`, `inputs` (plus an ignored `params`), or CSV with a header row.
 * Errors are 400 (unusable body) or 415 (content type), with MLflow's wording where it has one.
 */
export function parseInvocation(body: Buffer, contentType: string | undefined, signature: Signature | null): Batch {
  const [mime, ...parameters] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  for (const p of parameters) {
    const [key, value] = p.split('=').map((s) => s.trim());
    if (key !== 'charset') throw new HttpError(415, `Unrecognized content type parameters: ${key}`);
    if (value.replace(/"/g, '') !== 'utf-8') throw new HttpError(415, 'The scoring server only supports UTF-8');
  }
  if (!CONTENT_TYPES.includes(mime))
    throw new HttpError(
      415,
      `This predictor only supports the following content types: ${CONTENT_TYPES.join(', ')}. Got '${contentType ?? ''}'.`,
    );
  const text = decodeUtf8(body);
  return mime === 'text/csv' ? parseCsvBatch(text, signature) : parseJsonBatch(text, signature);
}

function decodeUtf8(body: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new HttpError(400, 'Ensure that input is a valid UTF-8 encoded string');
  }
}

function parseJsonBatch(text: string, signature: Signature | null): Batch {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `Ensure that input is a valid JSON formatted string. Error: ${(error as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new HttpError(
      400,
      `The input must be a JSON dictionary with exactly one of the input fields {${INPUT_FORMATS.map((f) => `'${f}'`).join(', ')}}. Received ${Array.isArray(json) ? 'a list' : typeof json}.`,
    );
  const keys = Object.keys(json).filter((k) => (INPUT_FORMATS as readonly string[]).includes(k));
  if (keys.length !== 1)
    throw new HttpError(
      400,
      `The input must be a JSON dictionary with exactly one of the input fields {${INPUT_FORMATS.map((f) => `'${f}'`).join(', ')}}. Received dictionary with input fields: [${Object.keys(
        json,
      )
        .map((k) => `'${k}'`)
        .join(', ')}].`,
    );
  const format = keys[0];
  const value = (json as Record<string, unknown>)[format];
  switch (format) {
    case 'dataframe_split':
      return fromSplit(value, signature);
    case 'dataframe_records':
      if (!Array.isArray(value) || !value.every(isRecord))
        throw new HttpError(400, 'dataframe_records must be a list of objects, one per row');
      return fromRecords(value);
    default:
      return fromTensorInput(format, value);
  }
}

function fromSplit(value: unknown, signature: Signature | null): Batch {
  if (!isRecord(value) || !Array.isArray(value.data))
    throw new HttpError(400, 'dataframe_split must be an object with "data" (a list of rows) and usually "columns"');
  const rows = value.data as unknown[];
  const bad = rows.findIndex((r) => !Array.isArray(r));
  if (bad >= 0) throw new HttpError(400, `dataframe_split.data[${bad}] is not a list of values`);
  let columns: string[];
  if (value.columns === undefined) {
    // pandas names unnamed columns 0, 1, ...; with a column signature MLflow matches them by position.
    const width = rows.length ? (rows[0] as unknown[]).length : 0;
    columns =
      signature?.kind === 'columns' && signature.columns.length === width
        ? signature.columns.map((c) => c.name)
        : Array.from({ length: width }, (_, i) => String(i));
  } else if (Array.isArray(value.columns)) {
    columns = value.columns.map(String);
  } else {
    throw new HttpError(400, 'dataframe_split.columns must be a list of column names');
  }
  const wrong = rows.findIndex((r) => (r as unknown[]).length !== columns.length);
  if (wrong >= 0)
    throw new HttpError(
      400,
      `dataframe_split.data[${wrong}] has ${(rows[wrong] as unknown[]).length} values for ${columns.length} columns`,
    );
  return { kind: 'table', columns, rows: rows as unknown[][] };
}

function fromRecords(records: Record<string, unknown>[]): Batch {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of records)
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  return { kind: 'table', columns, rows: records.map((r) => columns.map((c) => (c in r ? r[c] : null))) };
}

/** `instances` / `inputs` (TF-serving style): a list of records, a column -> values object, or an array. */
function fromTensorInput(format: string, value: unknown): Batch {
  if (Array.isArray(value)) {
    if (value.length && value.every(isRecord)) return fromRecords(value as Record<string, unknown>[]);
    return { kind: 'tensor', data: value };
  }
  if (isRecord(value)) {
    const columns = Object.keys(value);
    const lists = columns.map((c) => (Array.isArray(value[c]) ? (value[c] as unknown[]) : [value[c]]));
    const n = lists[0]?.length ?? 0;
    if (lists.some((l) => l.length !== n)) throw new HttpError(400, `${format}: every column must hold the same number of values`);
    return { kind: 'table', columns, rows: Array.from({ length: n }, (_, i) => lists.map((l) => l[i])) };
  }
  throw new HttpError(400, `${format} must be a list (rows or an array) or an object of column -> values`);
}

/** CSV with a header row (pandas' to_csv). Cells become numbers where the signature (or the text) says so. */
function parseCsvBatch(text: string, signature: Signature | null): Batch {
  const records = parseCsv(text);
  if (records.length === 0) throw new HttpError(400, 'Failed to parse input as a CSV table: the body is empty (a header row is required)');
  const [header, ...rows] = records;
  const types = new Map(signature?.kind === 'columns' ? signature.columns.map((c) => [c.name, c.type]) : []);
  const converted = rows.map((row, r) => {
    if (row.length !== header.length)
      throw new HttpError(400, `CSV row ${r + 2} has ${row.length} fields; the header has ${header.length}`);
    return row.map((cell, c) => csvValue(cell, types.get(header[c])));
  });
  return { kind: 'table', columns: header, rows: converted };
}

function csvValue(cell: string, type: string | undefined): unknown {
  if (type === 'string' || type === 'binary' || type === 'datetime') return cell;
  if (cell === '') return null;
  if (type === 'boolean') return cell === 'True' || cell === 'true' ? true : cell === 'False' || cell === 'false' ? false : cell;
  const n = Number(cell);
  if (type) return Number.isNaN(n) && !/^nan$/i.test(cell) ? cell : n; // a non-number stays text: the signature check names it
  return cell.trim() !== '' && !Number.isNaN(n) ? n : cell;
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (quoted) throw new HttpError(400, 'Failed to parse input as a CSV table: a quoted field is not closed');
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
