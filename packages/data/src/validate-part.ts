/**
 * Validation of one part of a table (the whole file, a byte range of a CSV, a run of Parquet row groups):
 * counts, the first violations in file order and the hash sets of the `unique` / `primaryKey` checks, as a
 * structured-cloneable `PartialValidation` that `mergeParts` (validate-merge.ts) joins with the parts
 * before and after it. Rows and lines count from 1 at the part's start.
 */
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { inputError } from '@mlci/core';
import { castFor, display, INVALID, type Cast } from './cast';
import { detachString } from './detach';
import { listForDisplay, quoteForDisplay, truncateForDisplay } from './display';
import { HashSet64 } from './hash-set';
import { compileWholeValuePattern, re2RegExp, type WholeValuePattern } from './pattern';
import type { SchemaField, TableSchema } from './schema';
import type { RecordBatch } from './table';

// ajv and ajv-formats are CommonJS: their default export arrives wrapped under ESM interop.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as typeof AjvModule;
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

export interface Violation {
  /** 1-based data record. */
  row: number;
  /** 1-based physical line where the record starts. */
  line: number;
  /** Field name; a composite primary key is its fields joined by ",". */
  field: string;
  /** The constraint that failed: type, finite, required, unique, minimum, maximum, enum, pattern, minLength, maxLength, primaryKey, or jsonSchema:<keyword>. */
  constraint: string;
  /** The value as read (strings as in the file). */
  value: unknown;
  message: string;
  /** True when the field passed overall under its `mostly` tolerance: reported, not failing. */
  tolerated?: boolean;
  /** The data file, in a result merged from shards of several files (`mergeShards`); else the result's `file`. */
  file?: string;
}

/** Where a repeated value was first seen, within the part (rows and lines from the part's start; 0: unknown). */
export interface FirstSeen {
  h1: number;
  h2: number;
  row: number;
  line: number;
}

/** A sampled violation with what the merge needs: its place within a row, and for a repeat the first occurrence. */
export interface PartViolation extends Violation {
  /** Field index in check order (fields, then the composite key, then row schemas): sorts a row's violations. */
  order: number;
  /** For unique / primaryKey: the first occurrence in this part (the merge names the file's first). */
  first?: FirstSeen;
}

/** What validating one part found. Rows and lines count from 1 at the part's start. */
export interface PartialValidation {
  rows: number;
  /** Per checked field (schema order, fields present in the header): present, missing, rows failed. */
  fields: { present: number; missing: number; failedRows: number }[];
  total: number;
  byField: Record<string, Record<string, number>>;
  /** The part's first `sampleSize` violations in file order. */
  sample: PartViolation[];
  /** Per set index (a unique field's index, or fields.length for a composite key): the hash set's table. */
  sets: Record<number, { table: Uint32Array; size: number; stride: 2 | 4 }>;
  /** CSV ranges: line ends consumed, and the bytes of an incomplete last record (see csvRangeBatches). */
  lines: number;
  carryBytes: number;
}

/** Everything a part needs to check its records: plain data, so it crosses to a worker thread. */
export interface PartSpec {
  schema: TableSchema;
  schemaFile: string;
  /** The header's names. */
  columns: string[];
  sampleSize: number;
  rowSchema?: Record<string, unknown>;
  rowSchemaFile?: string;
}

interface CompiledField {
  index: number;
  field: SchemaField;
  column: number;
  cast: Cast;
  required: boolean;
  /** Hashes of the values seen with their first row, for `unique` (see HashSet64 for memory and exactness). */
  unique: HashSet64 | null;
  minimum: unknown;
  maximum: unknown;
  exclusiveMinimum: unknown;
  exclusiveMaximum: unknown;
  enumValues: Set<unknown> | null;
  /** The allowed values for the enum message: at most 10 listed, then how many more. */
  enumText: string;
  pattern: WholeValuePattern | null;
  minLength?: number;
  maxLength?: number;
  finiteOnly: boolean;
  present: number;
  missing: number;
  failedRows: number;
  lastFailedRow: number;
}

const cast1 = (cast: Cast, v: unknown) => (v === undefined ? undefined : cast(v));

/** The fields of `schema` found in `columns`, in schema order: the fields a part checks (and a result lists). */
export function checkedFields(schema: TableSchema, columns: string[]): SchemaField[] {
  const names = new Set(columns);
  return schema.fields.filter((f) => names.has(f.name));
}

function compileField(field: SchemaField, index: number, column: number, schema: TableSchema, file: string): CompiledField {
  const c = field.constraints ?? {};
  const cast = castFor(field);
  const bound = (name: string, raw: unknown) => {
    if (raw === undefined) return undefined;
    const value = cast(raw);
    if (value === INVALID)
      throw inputError(
        `not a valid Table Schema: field ${quoteForDisplay(field.name)} ${name} ${truncateForDisplay(JSON.stringify(raw))} is not a ${field.type ?? 'string'}`,
        { file, hint: `write the ${name} as a value of the field's type` },
      );
    return value;
  };
  const anyC = c as Record<string, unknown>;
  return {
    index,
    field,
    column,
    cast,
    required: Boolean(c.required) || schema.primaryKey.includes(field.name),
    unique: c.unique || (schema.primaryKey.length === 1 && schema.primaryKey[0] === field.name) ? new HashSet64(1024, true) : null,
    minimum: bound('minimum', c.minimum),
    maximum: bound('maximum', c.maximum),
    exclusiveMinimum: bound('exclusiveMinimum', anyC.exclusiveMinimum),
    exclusiveMaximum: bound('exclusiveMaximum', anyC.exclusiveMaximum),
    enumValues: c.enum ? new Set(c.enum.map((v) => (typeof v === 'string' ? cast1(cast, v) : v))) : null,
    enumText: c.enum
      ? listForDisplay(
          c.enum.map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)))),
          10,
          80,
        )
      : '',
    // Table Schema patterns match the whole value (XML Schema semantics), in linear time (pattern.ts).
    pattern: c.pattern !== undefined ? compileWholeValuePattern(c.pattern) : null,
    minLength: c.minLength,
    maxLength: c.maxLength,
    finiteOnly: field.type === 'number',
    present: 0,
    missing: 0,
    failedRows: 0,
    lastFailedRow: 0,
  };
}

/** A value quoted for a message (80 characters at most). */
export const quoteValue = (v: unknown): string => (typeof v === 'string' ? quoteForDisplay(v, 80) : truncateForDisplay(String(v), 80));

/** The message for a failed field constraint: built only for violations that go into the sample. */
function describeViolation(f: CompiledField, constraint: string, raw: unknown): string {
  const type = f.field.type;
  const v = quoteValue(raw);
  switch (constraint) {
    case 'type':
      return `${v} is not a${type === 'integer' ? 'n' : ''} ${type ?? 'string'}`;
    case 'finite':
      return `${v} is not a finite number`;
    case 'minimum':
      return `${v} is below the minimum ${display(type, f.minimum)}`;
    case 'maximum':
      return `${v} is above the maximum ${display(type, f.maximum)}`;
    case 'exclusiveMinimum':
      return `${v} is not above ${display(type, f.exclusiveMinimum)}`;
    case 'exclusiveMaximum':
      return `${v} is not below ${display(type, f.exclusiveMaximum)}`;
    case 'enum':
      return `${v} is not one of the allowed values ${f.enumText}`;
    case 'pattern':
      return `${v} does not match the pattern ${truncateForDisplay(String(f.field.constraints?.pattern))}`;
    case 'minLength':
      return `${v} is shorter than ${f.minLength} characters`;
    case 'maxLength':
      return `${v} is longer than ${f.maxLength} characters`;
    case 'unique':
      return `${v} appears more than once`;
    default:
      return `${v} fails ${constraint}`;
  }
}

/** Characters of a violating value kept in the result (its message quotes fewer). */
const VALUE_LENGTH = 1000;

/** A violating value as kept in a result: strings cut to a display length, non-finite numbers by name (JSON has none). */
export function keptValue(value: unknown): unknown {
  return typeof value === 'string'
    ? detachString(truncateForDisplay(value, VALUE_LENGTH))
    : typeof value === 'number' && !Number.isFinite(value)
      ? String(value)
      : value instanceof Date
        ? value.toISOString()
        : value;
}

/**
 * Exact totals plus the first `sampleSize` violations in file order. Checks run column by column within a
 * batch, so a batch's violations wait in `pending` and are sorted by row when the batch ends.
 */
class ViolationLog {
  readonly sample: PartViolation[] = [];
  private pending: PartViolation[] = [];
  total = 0;
  readonly byField: Record<string, Record<string, number>> = {};
  constructor(private readonly sampleSize: number) {}

  /** `message` is the text, or the compiled field to describe the violation from if it is kept. */
  add(
    row: number,
    line: number,
    field: string,
    constraint: string,
    value: unknown,
    message: string | CompiledField,
    order: number,
    first?: FirstSeen,
  ): void {
    this.total++;
    const counts = (this.byField[field] ??= {});
    counts[constraint] = (counts[constraint] ?? 0) + 1;
    if (this.sample.length < this.sampleSize) {
      // Kept values must survive JSON: a non-finite number (Parquet NaN) is written as its name, not as null.
      // A kept string is cut to a display length: a sample of 100 megabyte cells must not become the report.
      this.pending.push({
        row,
        line,
        field,
        constraint,
        value: keptValue(value),
        message: typeof message === 'string' ? message : describeViolation(message, constraint, value),
        order,
        ...(first ? { first } : {}),
      });
    }
  }

  /** Whether a violation logged now could still enter the sample (to skip building what it would carry). */
  get sampling(): boolean {
    return this.sample.length < this.sampleSize;
  }

  endBatch(): void {
    if (this.pending.length === 0) return;
    this.pending.sort((a, b) => a.row - b.row);
    for (const v of this.pending) {
      if (this.sample.length >= this.sampleSize) break;
      this.sample.push(v);
    }
    this.pending = [];
  }
}

/**
 * Checks one value against its field's type and constraints; returns whether it passed.
 * Separate from the loop so the loop stays small enough for V8 to optimise.
 */
function checkValue(f: CompiledField, raw: unknown, row: number, line: number, log: ViolationLog): unknown {
  const name = f.field.name;
  const order = f.index;
  const value = f.cast(raw);
  if (value === INVALID) {
    log.add(row, line, name, 'type', raw, f, order);
    return INVALID;
  }
  // No closures or arrays per value: this runs once per cell, millions of times.
  const before = log.total;
  if (f.finiteOnly && !Number.isFinite(value as number)) log.add(row, line, name, 'finite', raw, f, order);
  if (f.minimum !== undefined && (value as number) < (f.minimum as number)) log.add(row, line, name, 'minimum', raw, f, order);
  if (f.maximum !== undefined && (value as number) > (f.maximum as number)) log.add(row, line, name, 'maximum', raw, f, order);
  if (f.exclusiveMinimum !== undefined && (value as number) <= (f.exclusiveMinimum as number))
    log.add(row, line, name, 'exclusiveMinimum', raw, f, order);
  if (f.exclusiveMaximum !== undefined && (value as number) >= (f.exclusiveMaximum as number))
    log.add(row, line, name, 'exclusiveMaximum', raw, f, order);
  if (f.enumValues !== null && !f.enumValues.has(value)) log.add(row, line, name, 'enum', raw, f, order);
  if (f.pattern !== null || f.minLength !== undefined || f.maxLength !== undefined) {
    const text = typeof raw === 'string' ? raw : String(raw);
    if (f.pattern !== null && !f.pattern.test(text)) log.add(row, line, name, 'pattern', raw, f, order);
    // Code points lie between ceil(length / 2) and length: count them only when the bounds cannot decide.
    const length =
      (f.minLength === undefined || text.length >= 2 * f.minLength) && (f.maxLength === undefined || text.length <= f.maxLength)
        ? text.length
        : codePoints(text);
    if (f.minLength !== undefined && length < f.minLength) log.add(row, line, name, 'minLength', raw, f, order);
    if (f.maxLength !== undefined && length > f.maxLength) log.add(row, line, name, 'maxLength', raw, f, order);
  }
  if (f.unique !== null) {
    const set = f.unique;
    const slot = set.addAt(value, row, line);
    if (slot >= 0) {
      const first = log.sampling ? { h1: set.lastH1, h2: set.lastH2, row: set.rowAt(slot), line: set.lineAt(slot) } : undefined;
      log.add(row, line, name, 'unique', raw, f, order, first);
    } else if (log.total > before) set.flag(set.lastSlot); // a repeat of it elsewhere must not count this row twice
  }
  return log.total === before ? value : INVALID;
}

/** Length in Unicode code points (what Table Schema's minLength/maxLength count), without allocating. */
function codePoints(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) n--;
    }
  }
  return n;
}

export function compileRowSchema(schema: Record<string, unknown>, file: string, what: string): ValidateFunction {
  try {
    // Row schemas come from the repository too: their patterns run on RE2, never on a backtracking engine.
    const ajv = new Ajv({ allErrors: true, strict: false, code: { regExp: re2RegExp as never } });
    addFormats(ajv);
    return ajv.compile(schema);
  } catch (error) {
    throw inputError(`${what} does not compile: ${truncateForDisplay((error as Error).message, 500)}`, {
      file,
      hint: 'check it against https://json-schema.org',
    });
  }
}

/** The composite primary key of a schema when every one of its fields is in the header, else null. */
export function compositeKeyOf(schema: TableSchema, columns: string[]): string[] | null {
  const names = new Set(columns);
  return schema.primaryKey.length > 1 && schema.primaryKey.every((k) => names.has(k)) ? schema.primaryKey : null;
}

/** A composite key as its violation shows it: the typed values as JSON. */
export function compositeKeyText(typedValues: unknown[]): string {
  return JSON.stringify(typedValues);
}

/** The typed value a composite key or a row schema sees for a raw cell (null when missing). */
export function typedFor(field: SchemaField, raw: unknown, missing: Set<string>): unknown {
  if (raw === null || raw === undefined || (typeof raw === 'string' && missing.has(raw))) return null;
  return castFor(field)(raw);
}

/** Validates the records of one part. */
export async function validatePart(spec: PartSpec, batches: AsyncIterable<RecordBatch>): Promise<PartialValidation> {
  const { schema, schemaFile, columns } = spec;
  const log = new ViolationLog(spec.sampleSize);
  const columnIndex = new Map(columns.map((c, i) => [c, i]));
  const fields = checkedFields(schema, columns).map((f, index) => compileField(f, index, columnIndex.get(f.name)!, schema, schemaFile));
  const missing = new Set(schema.missingValues);
  // The default missingValues [""]: a length test instead of hashing every cell for a Set lookup.
  const onlyEmptyMissing = missing.size === 1 && missing.has('');
  const rowSchemas = [
    ...(schema.mlci.rowSchema ? [compileRowSchema(schema.mlci.rowSchema, schemaFile, 'the row JSON Schema under "mlci.rowSchema"')] : []),
    ...(spec.rowSchema ? [compileRowSchema(spec.rowSchema, spec.rowSchemaFile ?? '(row schema)', 'the row JSON Schema')] : []),
  ];
  const compositeKey = compositeKeyOf(schema, columns);
  const keysSeen = compositeKey ? new HashSet64(1024, true) : null;
  const keyColumns = compositeKey ? compositeKey.map((k) => fields.findIndex((f) => f.field.name === k)) : [];
  const needTyped = rowSchemas.length > 0 || compositeKey !== null;
  const keyOrder = fields.length;
  const rowSchemaOrder = fields.length + 1;

  let rows = 0;
  for await (const batch of batches) {
    const typed: unknown[][] | null = needTyped ? fields.map(() => new Array(batch.length)) : null;
    for (let fi = 0; fi < fields.length; fi++) {
      const f = fields[fi];
      const column = batch.values[f.column];
      for (let i = 0; i < batch.length; i++) {
        const raw = column[i];
        if (raw === null || raw === undefined || (typeof raw === 'string' && (onlyEmptyMissing ? raw.length === 0 : missing.has(raw)))) {
          f.missing++;
          if (f.required) log.add(batch.rowStart + i, batch.lines[i], f.field.name, 'required', raw ?? null, 'a value is required', fi);
          if (typed) typed[fi][i] = null;
          continue;
        }
        f.present++;
        const before = log.total;
        const value = checkValue(f, raw, batch.rowStart + i, batch.lines[i], log);
        if (log.total > before && f.lastFailedRow !== batch.rowStart + i) {
          f.failedRows++;
          f.lastFailedRow = batch.rowStart + i;
        }
        if (typed) typed[fi][i] = value === INVALID ? f.cast(raw) : value;
      }
    }
    if (typed) {
      for (let i = 0; i < batch.length; i++) {
        const row = batch.rowStart + i;
        const line = batch.lines[i];
        if (compositeKey && keysSeen) {
          const key = compositeKeyText(keyColumns.map((fi) => typed[fi][i]));
          const slot = keysSeen.addAt(key, row, line);
          if (slot >= 0) {
            const first = log.sampling
              ? { h1: keysSeen.lastH1, h2: keysSeen.lastH2, row: keysSeen.rowAt(slot), line: keysSeen.lineAt(slot) }
              : undefined;
            log.add(
              row,
              line,
              compositeKey.join(','),
              'primaryKey',
              key,
              `primary key ${truncateForDisplay(key, 80)} appears more than once`,
              keyOrder,
              first,
            );
          }
        }
        if (rowSchemas.length > 0) {
          const object: Record<string, unknown> = {};
          fields.forEach((f, fi) => {
            const v = typed[fi][i];
            if (v !== null && v !== INVALID)
              object[f.field.name] = f.field.type === 'date' || f.field.type === 'datetime' ? display(f.field.type, v) : v;
          });
          for (const validate of rowSchemas) {
            if (validate(object)) continue;
            for (const error of validate.errors ?? []) {
              const field =
                error.keyword === 'required'
                  ? String((error.params as { missingProperty: string }).missingProperty)
                  : error.instancePath.split('/')[1] || 'row';
              log.add(
                row,
                line,
                field,
                `jsonSchema:${error.keyword}`,
                object[field] ?? null,
                truncateForDisplay(`${error.instancePath || 'row'} ${error.message}`, 300),
                rowSchemaOrder,
              );
            }
          }
        }
      }
    }
    log.endBatch();
    rows += batch.length;
  }
  const sets: PartialValidation['sets'] = {};
  fields.forEach((f, fi) => {
    if (f.unique) sets[fi] = f.unique.exportTable();
  });
  if (keysSeen) sets[keyOrder] = keysSeen.exportTable();
  return {
    rows,
    fields: fields.map((f) => ({ present: f.present, missing: f.missing, failedRows: f.failedRows })),
    total: log.total,
    byField: log.byField,
    sample: log.sample,
    sets,
    lines: 0,
    carryBytes: 0,
  };
}
