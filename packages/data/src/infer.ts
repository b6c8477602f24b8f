import { inputError } from '@mlci/core';
import { castFor, INVALID } from './cast';
import { delimiterHint } from './csv';
import { openTable } from './open';
import type { FieldType, SchemaField, TableSchema } from './schema';
import { quoteForDisplay } from './display';
import { inputName } from './source';
import type { OpenTableOptions, Table } from './table';

/** Longest column name an inferred schema takes. */
const MAX_NAME_LENGTH = 1000;
/** Longest string value an inferred enum lists. */
const MAX_ENUM_VALUE_LENGTH = 200;

export interface InferOptions extends OpenTableOptions {
  /**
   * Records read to infer from (the first ones). 1 or more.
   * @default 10,000
   */
  sampleRows?: number;
  /**
   * A string column with at most this many distinct values (and repeats) gets an `enum` constraint.
   * @default 20
   */
  maxEnumValues?: number;
  /** Told how many records were read, and whether the file had more than `sampleRows` (then the schema describes a sample). */
  onSample?: (sample: { rows: number; more: boolean }) => void;
}

// Narrowest first: a column takes the first type every present value casts to.
const CANDIDATES: FieldType[] = ['integer', 'number', 'boolean', 'date', 'datetime', 'string'];
const casts = Object.fromEntries(
  CANDIDATES.map((t) => [
    t,
    castFor({ name: '', type: t, trueValues: ['true', 'True', 'TRUE'], falseValues: ['false', 'False', 'FALSE'] }),
  ]),
);

interface ColumnState {
  types: Set<FieldType>;
  missing: number;
  present: number;
  /** Distinct present values by their text: the first raw value of each and how often it was seen. */
  distinct: Map<string, { raw: unknown; count: number }> | null;
  min: number;
  max: number;
  rawMin?: string;
  rawMax?: string;
}

/**
 * A starting Table Schema from the first records, as TFDV's infer_schema gives one: the narrowest type
 * every value fits, `required` where nothing was missing, an `enum` for low-cardinality strings, and
 * the observed range as minimum and maximum. Meant to be reviewed and committed, then tightened by hand.
 */
export async function inferSchema(path: string, options: InferOptions = {}): Promise<TableSchema & { $comment: string }> {
  const sampleRows = options.sampleRows ?? 10_000;
  const maxEnum = options.maxEnumValues ?? 20;
  const table = await openTable(path, options);
  try {
    return await infer(path, table, sampleRows, maxEnum, options);
  } finally {
    await table.close();
  }
}

async function infer(
  path: string,
  table: Table,
  sampleRows: number,
  maxEnum: number,
  options: InferOptions,
): Promise<TableSchema & { $comment: string }> {
  // A schema copies the names whole: one of megabytes is no header (a headerless file, no line breaks).
  const long = table.columns.findIndex((name) => name.length > MAX_NAME_LENGTH);
  if (long !== -1) {
    throw inputError(
      `column ${long + 1}'s name is ${table.columns[long].length.toLocaleString('en-US')} characters long (${quoteForDisplay(table.columns[long], 60)}): not a header`,
      {
        file: inputName(path),
        line: table.format === 'parquet' ? undefined : 1,
        hint: `names in an inferred schema are at most ${MAX_NAME_LENGTH} characters; the first line must name the columns (check the delimiter and the line endings)`,
      },
    );
  }
  // One column whose name holds another delimiter: inferring from it would describe the wrong file.
  const hint =
    table.format === 'csv' && options.delimiter === undefined
      ? delimiterHint(table.columns, path.toLowerCase().endsWith('.tsv') ? '\t' : ',')
      : undefined;
  if (hint)
    throw inputError(`the header reads as one column ${quoteForDisplay(table.columns[0], 60)}: the delimiter looks wrong`, {
      file: inputName(path),
      line: 1,
      hint,
    });
  const state: ColumnState[] = table.columns.map(() => ({
    types: new Set(CANDIDATES),
    missing: 0,
    present: 0,
    distinct: new Map(),
    min: Infinity,
    max: -Infinity,
  }));
  let rows = 0;
  let more = false;
  outer: for await (const batch of table.batches()) {
    for (let i = 0; i < batch.length; i++) {
      if (rows >= sampleRows) {
        more = true;
        break outer;
      }
      rows++;
      for (let c = 0; c < batch.columns.length && c < state.length; c++) {
        const raw = batch.values[c][i];
        const s = state[c];
        if (raw === null || raw === undefined || raw === '') {
          s.missing++;
          continue;
        }
        s.present++;
        for (const type of [...s.types]) {
          const value = casts[type](raw);
          if (value === INVALID || (type !== 'string' && typeof value === 'number' && !Number.isFinite(value))) s.types.delete(type);
          else if ((type === 'integer' || type === 'number') && typeof value === 'number') {
            s.min = Math.min(s.min, value);
            s.max = Math.max(s.max, value);
          }
        }
        if (s.distinct) {
          const key = String(raw);
          // A long text is no category: an enum of it would copy the data into the schema.
          if (key.length > MAX_ENUM_VALUE_LENGTH) {
            s.distinct = null;
            continue;
          }
          const seen = s.distinct.get(key);
          if (seen) seen.count++;
          else s.distinct.set(key, { raw, count: 1 });
          if (s.distinct.size > maxEnum) s.distinct = null;
        }
      }
    }
  }
  const fields: SchemaField[] = table.columns.map((name, c) => {
    const s = state[c];
    // No candidate fits every value (JSON objects or arrays in a JSON Lines column): `any`, which checks no type.
    const type: FieldType = s.present === 0 ? 'string' : (CANDIDATES.find((t) => s.types.has(t)) ?? 'any');
    const constraints: NonNullable<SchemaField['constraints']> = {};
    if (s.missing === 0 && s.present > 0) constraints.required = true;
    if ((type === 'integer' || type === 'number') && Number.isFinite(s.min)) {
      constraints.minimum = s.min;
      constraints.maximum = s.max;
    }
    // An enum lists values as the validator compares them (cast by the type), and only values the type accepts:
    // a value that fails the type would make the schema contradict itself.
    if (type === 'string' && s.distinct && s.distinct.size > 0 && s.present >= 2 * s.distinct.size) {
      const cast = casts[type];
      const values = [...s.distinct.values()].map((d) => cast(d.raw));
      if (values.every((v) => v !== INVALID && typeof v === 'string')) constraints.enum = [...new Set(values as string[])].sort();
    }
    return { name, type, ...(Object.keys(constraints).length ? { constraints } : {}) };
  });
  options.onSample?.({ rows, more });
  const sampled = more
    ? `the first ${rows.toLocaleString('en-US')} rows of ${inputName(path)} (the file has more: raise --sample-rows to read more)`
    : `all ${rows.toLocaleString('en-US')} rows of ${inputName(path)}`;
  return {
    $comment: `Inferred by mlci infer-schema from ${sampled}; review before use.`,
    fields,
    missingValues: [''],
    primaryKey: [],
    mlci: {},
  };
}
