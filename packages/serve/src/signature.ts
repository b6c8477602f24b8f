import { inputError } from '@mlci/core';
import { HttpError } from './http-error';
import type { Batch, ColumnSpec, Signature, TensorSpec } from './types';

/** Parses MLmodel `signature.inputs` (a JSON string, as MLflow writes it). Null when absent. */
export function parseSignature(field: unknown, file: string): Signature | null {
  if (field === undefined || field === null) return null;
  let specs: unknown;
  try {
    specs = typeof field === 'string' ? JSON.parse(field) : field;
  } catch (error) {
    throw inputError(`signature.inputs is not valid JSON: ${(error as Error).message}`, { file });
  }
  if (!Array.isArray(specs) || specs.length === 0) throw inputError('signature.inputs must be a non-empty list', { file });
  if (specs.every((s) => s?.type === 'tensor')) {
    return {
      kind: 'tensors',
      tensors: specs.map((s): TensorSpec => ({
        ...(s.name ? { name: String(s.name) } : {}),
        dtype: String(s['tensor-spec']?.dtype ?? 'float64'),
        shape: (s['tensor-spec']?.shape ?? [-1]).map(Number),
      })),
    };
  }
  return {
    kind: 'columns',
    columns: specs.map((s, i): ColumnSpec => {
      if (typeof s?.type !== 'string') throw inputError(`signature.inputs[${i}] has no type`, { file });
      return { name: typeof s.name === 'string' ? s.name : String(i), type: s.type, required: s.required !== false };
    }),
  };
}

const NUMERIC = new Set(['double', 'float', 'long', 'integer']);

/**
 * Checks a batch against the signature and returns it as the model should see it: table columns in signature
 * order with extra columns dropped (as MLflow's schema enforcement does), and an array of row arrays turned
 * into a table when the signature names columns. Throws a 400 naming the column, row and expected type.
 */
export function enforceSignature(batch: Batch, signature: Signature | null): Batch {
  if (!signature) return batch;
  if (signature.kind === 'tensors') {
    if (batch.kind === 'table') return batch; // a frame fed to a tensor model: the model decides
    checkTensor(batch.data, signature.tensors[0]);
    return batch;
  }
  const specs = signature.columns;
  if (batch.kind === 'tensor') {
    const rows = batch.data;
    if (!rows.every(Array.isArray))
      throw badRequest(`this model takes named columns (${names(specs)}); send dataframe_split, dataframe_records or a list of objects`);
    const bad = (rows as unknown[][]).findIndex((r) => r.length !== specs.length);
    if (bad >= 0)
      throw badRequest(
        `row ${bad} has ${(rows[bad] as unknown[]).length} values; the model's signature has ${specs.length} columns (${names(specs)})`,
      );
    batch = { kind: 'table', columns: specs.map((s) => s.name), rows: rows as unknown[][] };
  }
  const index = new Map(batch.columns.map((c, i) => [c, i]));
  const kept = specs.filter((s) => index.has(s.name));
  const missing = specs.filter((s) => s.required && !index.has(s.name));
  if (missing.length)
    throw badRequest(
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((s) => `'${s.name}'`).join(', ')} (the model's signature requires: ${names(specs.filter((s) => s.required))})`,
    );
  const rows = batch.rows.map((row, r) =>
    kept.map((spec) => {
      const value = row[index.get(spec.name)!];
      checkValue(value, spec, r);
      return value;
    }),
  );
  return { kind: 'table', columns: kept.map((s) => s.name), rows };
}

function checkValue(value: unknown, spec: ColumnSpec, row: number): void {
  const at = `column '${spec.name}' row ${row}`;
  if (value === null || value === undefined) {
    // MLflow reads a missing float as NaN; integers, booleans and strings have no missing value.
    if (spec.type === 'double' || spec.type === 'float' || !spec.required) return;
    throw badRequest(`${at}: missing value; the signature says ${spec.type} and required`);
  }
  const got = describe(value);
  if (NUMERIC.has(spec.type)) {
    if (typeof value !== 'number') throw badRequest(`${at}: expected ${spec.type}, got ${got}`);
    if ((spec.type === 'long' || spec.type === 'integer') && !Number.isInteger(value))
      throw badRequest(`${at}: expected ${spec.type} (a whole number), got ${got}`);
    return;
  }
  if (spec.type === 'boolean' && typeof value !== 'boolean') throw badRequest(`${at}: expected boolean, got ${got}`);
  if ((spec.type === 'string' || spec.type === 'binary') && typeof value !== 'string')
    throw badRequest(`${at}: expected ${spec.type}, got ${got}`);
  if (spec.type === 'datetime' && (typeof value !== 'string' || Number.isNaN(Date.parse(value))))
    throw badRequest(`${at}: expected a datetime (ISO 8601 text), got ${got}`);
}

function checkTensor(data: unknown[], spec: TensorSpec | undefined): void {
  if (!spec) return;
  const shape = [data.length];
  for (let v: unknown = data[0]; Array.isArray(v); v = v[0]) shape.push(v.length);
  if (shape.length !== spec.shape.length)
    throw badRequest(
      `input has shape [${shape.join(', ')}]; the model's signature expects ${spec.shape.length} dimensions [${spec.shape.join(', ')}]`,
    );
  spec.shape.forEach((d, i) => {
    if (d >= 0 && shape[i] !== d)
      throw badRequest(`input dimension ${i} is ${shape[i]}; the model's signature expects ${d} (shape [${spec.shape.join(', ')}])`);
  });
  if (/^(float|int|uint)/.test(spec.dtype)) {
    const flat = (data as unknown[]).flat(spec.shape.length) as unknown[];
    const bad = flat.findIndex((v) => typeof v !== 'number');
    if (bad >= 0)
      throw badRequest(`input element ${bad} (flattened) is ${describe(flat[bad])}; the model's signature expects ${spec.dtype}`);
  }
}

const names = (specs: ColumnSpec[]) => specs.map((s) => s.name).join(', ');

function describe(value: unknown): string {
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number') return `${Number.isInteger(value) ? 'integer' : 'number'} ${value}`;
  if (Array.isArray(value)) return 'a list';
  if (value && typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const badRequest = (message: string) => new HttpError(400, message);
