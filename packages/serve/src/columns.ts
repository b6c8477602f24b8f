import type { Batch, Signature } from './types';

/** One column of a table batch, typed for the runtimes: numbers in a Float64Array, anything else as values. */
export type TypedColumn =
  | {
      name: string;
      kind: 'number';
      values: Float64Array;
      /** Every value is a whole number (or the signature says long/integer): the Python worker casts to int64. */
      integer: boolean;
      /** The signature says float (float32). */
      float32: boolean;
      /** Some value was null (read as NaN, as MLflow reads a missing double). */
      hasNaN: boolean;
    }
  | { name: string; kind: 'values'; values: unknown[] };

type Table = Extract<Batch, { kind: 'table' }>;

/**
 * A table's columns in one pass over its rows: a column whose values are all numbers (null counted as NaN)
 * becomes a Float64Array, others (text, booleans, mixed) keep their values. The signature's types decide
 * integer/float32 where it has the column. Memoised on the batch, so both the parity check and the runtime use one copy.
 */
export function typedColumns(batch: Table, signature: Signature | null): TypedColumn[] {
  const cached = memo.get(batch);
  if (cached) return cached;
  const types = signature?.kind === 'columns' ? new Map(signature.columns.map((c) => [c.name, c.type])) : null;
  const n = batch.rows.length;
  const out = batch.columns.map((name, c): TypedColumn => {
    const type = types?.get(name);
    if (type === 'string' || type === 'boolean' || type === 'binary' || type === 'datetime')
      return { name, kind: 'values', values: batch.rows.map((r) => r[c]) };
    const values = new Float64Array(n);
    let integer = type === 'long' || type === 'integer' || type === undefined;
    let hasNaN = false;
    for (let i = 0; i < n; i++) {
      const v = batch.rows[i][c];
      if (typeof v === 'number') {
        values[i] = v;
        if (integer && !Number.isInteger(v)) integer = false;
      } else if (v === null || v === undefined) {
        values[i] = NaN;
        hasNaN = true;
        integer = false;
      } else return { name, kind: 'values', values: batch.rows.map((r) => r[c]) };
    }
    if (type === 'double' || type === 'float') integer = false;
    return { name, kind: 'number', values, integer, float32: type === 'float', hasNaN };
  });
  memo.set(batch, out);
  return out;
}

const memo = new WeakMap<Table, TypedColumn[]>();
