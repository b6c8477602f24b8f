/**
 * The per-example predictions file a run logs so comparisons can tell a real change from noise.
 *
 * Format, either of:
 * - CSV, header row naming `id`, `y_true`, `y_pred` in any order, optional `score` (positive-class score, for AUC; more columns
 *   are ignored), RFC 4180 quoting, LF or CRLF;
 * - JSON Lines, one object per line: `{"id": "17", "y_true": 1, "y_pred": 0}`.
 * `id` names the evaluation example: two runs' files are paired by id, so row order does not matter and ids
 * must be unique. Labels compare as numbers when both parse as numbers (`1` = `1.0`), else as strings.
 * A run logs it as an artifact named `predictions.csv` or `predictions.jsonl` (in any directory).
 */
import { inputError } from '@mlci/core';
import type { Prediction } from './compare-noise';

/** Artifact paths recognised as a run's predictions file. */
export const PREDICTIONS_ARTIFACT = /(^|\/)predictions\.(csv|jsonl)$/;

/** CSV text as rows of fields, each with the 1-based line it starts on (RFC 4180: quotes, doubled quotes, CRLF). */
export function parseCsvRows(text: string): Array<{ line: number; fields: string[] }> {
  const rows: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      start = ++line;
    } else field += ch;
  }
  if (field !== '' || fields.length) endRow();
  return rows;
}

function collect(source: string) {
  const out: Prediction[] = [];
  const seen = new Map<string, number>();
  return {
    out,
    add(id: string, yTrue: string, yPred: string, line: number, score?: string) {
      if (id === '')
        throw inputError('a prediction has an empty id', { file: source, line, hint: 'every row needs id, y_true and y_pred' });
      const first = seen.get(id);
      if (first !== undefined)
        throw inputError(`id "${id.slice(0, 80)}" appears twice (first on line ${first})`, {
          file: source,
          line,
          hint: 'ids name evaluation examples and must be unique',
        });
      seen.set(id, line);
      out.push({ id, yTrue: yTrue.trim(), yPred: yPred.trim(), ...(score !== undefined ? { score: score.trim() } : {}) });
    },
  };
}

/** Reads a predictions CSV (see the module comment). `source` names the file in errors. */
export function parsePredictionsCsv(text: string, source: string): Prediction[] {
  const rows = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (!rows.length) throw inputError('the predictions file is empty', { file: source, hint: 'expected a header row: id,y_true,y_pred' });
  const header = rows[0].fields.map((h) => h.trim().toLowerCase());
  const index = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0)
      throw inputError(`no "${name}" column in the header`, {
        file: source,
        line: rows[0].line,
        hint: 'the header must name id, y_true and y_pred',
      });
    return i;
  };
  const [iId, iTrue, iPred] = [index('id'), index('y_true'), index('y_pred')];
  const iScore = header.indexOf('score');
  const { out, add } = collect(source);
  for (const { line, fields } of rows.slice(1)) {
    if (fields.length < header.length) throw inputError(`expected ${header.length} fields, found ${fields.length}`, { file: source, line });
    add(fields[iId], fields[iTrue], fields[iPred], line, iScore >= 0 ? fields[iScore] : undefined);
  }
  return out;
}

const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** Reads a predictions JSON Lines file (see the module comment). */
export function parsePredictionsJsonl(content: string, source: string): Prediction[] {
  const { out, add } = collect(source);
  content.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw inputError('not valid JSON', {
        file: source,
        line: i + 1,
        hint: 'one object per line: {"id": ..., "y_true": ..., "y_pred": ...}',
      });
    }
    if (!value || typeof value !== 'object' || Array.isArray(value))
      throw inputError('expected an object with id, y_true and y_pred', { file: source, line: i + 1 });
    const o = value as Record<string, unknown>;
    for (const k of ['id', 'y_true', 'y_pred']) if (!(k in o)) throw inputError(`no "${k}" field`, { file: source, line: i + 1 });
    add(text(o.id), text(o.y_true), text(o.y_pred), i + 1, 'score' in o ? text(o.score) : undefined);
  });
  return out;
}

/** Reads either format, by the file name's extension (`.jsonl` → JSON Lines, else CSV). */
export const parsePredictions = (content: string, source: string): Prediction[] =>
  /\.jsonl$/i.test(source) ? parsePredictionsJsonl(content, source) : parsePredictionsCsv(content, source);
