import { inputError, readTextFile } from '@mlci/core';
import { quoteForDisplay, truncateForDisplay } from './display';
import { compileWholeValuePattern } from './pattern';
import { closest, lintTableSchema } from './schema-lint';

/** Field types of Frictionless Table Schema that mlci checks (others are read as `any`). */
export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'time' | 'year' | 'any';

export interface FieldConstraints {
  required?: boolean;
  unique?: boolean;
  minimum?: number | string;
  maximum?: number | string;
  enum?: unknown[];
  /** A regular expression the WHOLE value must match (Table Schema semantics: anchored). */
  pattern?: string;
  minLength?: number;
  maxLength?: number;
}

/** mlci's own per-field checks, kept under `mlci` so the rest stays a plain Table Schema. */
export interface FieldTolerance {
  /** Pass when at least this share of non-missing values pass (Great Expectations' `mostly`), 0 to 1. */
  mostly?: number;
  /** Fail when the share of missing values exceeds this, 0 to 1. */
  maxMissingShare?: number;
}

export interface SchemaField {
  name: string;
  type?: FieldType;
  format?: string;
  constraints?: FieldConstraints;
  trueValues?: string[];
  falseValues?: string[];
  mlci?: FieldTolerance;
}

/** Table-level checks, under the schema's `mlci` key. */
export interface TableChecks {
  minRows?: number;
  maxRows?: number;
  /** A JSON Schema every typed row must satisfy (compiled with ajv). */
  rowSchema?: Record<string, unknown>;
  /** Longest CSV record or JSON Lines line, in characters (see ReadLimits); a flag overrides it. */
  maxRecordLength?: number;
  /** Longest CSV field, in characters (see ReadLimits); a flag overrides it. */
  maxFieldLength?: number;
}

export interface TableSchema {
  fields: SchemaField[];
  missingValues: string[];
  primaryKey: string[];
  mlci: TableChecks;
}

const TYPES: FieldType[] = ['string', 'integer', 'number', 'boolean', 'date', 'datetime', 'time', 'year', 'any'];
const CONSTRAINTS = new Set([
  'required',
  'unique',
  'minimum',
  'maximum',
  'enum',
  'pattern',
  'minLength',
  'maxLength',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'jsonSchema',
]);

/** Checks a parsed document is a Table Schema mlci can apply, naming the property at fault. */
export function parseTableSchema(doc: unknown, file: string): TableSchema {
  const bad = (where: string, what: string) =>
    inputError(`not a valid Table Schema: ${where} ${what}`, {
      file,
      hint: 'see https://specs.frictionlessdata.io/table-schema/ for the format',
    });
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw bad('the document', 'must be a JSON object with a "fields" list');
  const d = doc as Record<string, unknown>;
  if (!Array.isArray(d.fields)) throw bad('"fields"', 'must be a list of field descriptors');
  const names = new Set<string>();
  const fields = d.fields.map((raw, i) => {
    const where = `fields[${i}]`;
    if (!raw || typeof raw !== 'object') throw bad(where, 'must be an object');
    const f = raw as SchemaField;
    if (typeof f.name !== 'string' || !f.name) throw bad(`${where}.name`, 'must be a non-empty string');
    if (names.has(f.name)) throw bad(`${where}.name`, `repeats ${quoteForDisplay(f.name)}`);
    names.add(f.name);
    if (f.type !== undefined && !TYPES.includes(f.type))
      throw bad(`${where}.type`, `${quoteForDisplay(String(f.type))} is not one of ${TYPES.join(', ')}`);
    const c = f.constraints ?? {};
    if (typeof c !== 'object') throw bad(`${where}.constraints`, 'must be an object');
    for (const key of Object.keys(c)) {
      if (!CONSTRAINTS.has(key)) {
        const near = closest(key, CONSTRAINTS);
        throw inputError(`not a valid Table Schema: ${where}.constraints.${truncateForDisplay(key, 60)} is not a Table Schema constraint`, {
          file,
          hint: near ? `did you mean "${near}"?` : `the constraints are ${[...CONSTRAINTS].join(', ')}`,
        });
      }
    }
    if (c.enum !== undefined && !Array.isArray(c.enum)) throw bad(`${where}.constraints.enum`, 'must be a list');
    if (c.pattern !== undefined) {
      try {
        compileWholeValuePattern(c.pattern);
      } catch (error) {
        throw bad(`${where}.constraints.pattern`, `is not a valid regular expression (${(error as Error).message})`);
      }
    }
    for (const key of ['minLength', 'maxLength'] as const) {
      if (c[key] !== undefined && (!Number.isInteger(c[key]) || (c[key] as number) < 0))
        throw bad(`${where}.constraints.${key}`, 'must be a non-negative integer');
    }
    for (const key of ['mostly', 'maxMissingShare'] as const) {
      const v = f.mlci?.[key];
      if (v !== undefined && (typeof v !== 'number' || v < 0 || v > 1)) throw bad(`${where}.mlci.${key}`, 'must be a number from 0 to 1');
    }
    return f;
  });
  const missingValues = d.missingValues === undefined ? [''] : d.missingValues;
  if (!Array.isArray(missingValues) || missingValues.some((v) => typeof v !== 'string'))
    throw bad('"missingValues"', 'must be a list of strings');
  const primaryKey = d.primaryKey === undefined ? [] : typeof d.primaryKey === 'string' ? [d.primaryKey] : d.primaryKey;
  if (!Array.isArray(primaryKey)) throw bad('"primaryKey"', 'must be a field name or a list of them');
  for (const key of primaryKey)
    if (!names.has(key as string)) throw bad('"primaryKey"', `names ${quoteForDisplay(String(key))}, which is not a field`);
  const mlci = (d.mlci ?? {}) as TableChecks;
  if (typeof mlci !== 'object') throw bad('"mlci"', 'must be an object');
  for (const key of ['minRows', 'maxRows'] as const) {
    if (mlci[key] !== undefined && (!Number.isInteger(mlci[key]) || (mlci[key] as number) < 0))
      throw bad(`"mlci.${key}"`, 'must be a non-negative integer');
  }
  for (const key of ['maxRecordLength', 'maxFieldLength'] as const) {
    if (mlci[key] !== undefined && (!Number.isInteger(mlci[key]) || (mlci[key] as number) < 1))
      throw bad(`"mlci.${key}"`, 'must be a positive integer (characters)');
  }
  return { fields, missingValues: missingValues as string[], primaryKey: primaryKey as string[], mlci };
}

/** Reads a Table Schema file; a JSON syntax error names its line. */
export async function loadTableSchema(file: string): Promise<TableSchema> {
  return (await readTableSchema(file)).schema;
}

/** Reads a Table Schema file with warnings for the keys mlci does not know or does not apply. */
export async function readTableSchema(file: string): Promise<{ schema: TableSchema; warnings: string[] }> {
  const text = await readTextFile(file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1]);
    const line = Number.isFinite(position) ? text.slice(0, position).split('\n').length : undefined;
    throw inputError(`the schema is not valid JSON: ${message}`, {
      file,
      line,
      hint: 'check for a trailing comma or a missing quote near that line',
    });
  }
  return { schema: parseTableSchema(doc, file), warnings: lintTableSchema(doc, file) };
}
