import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { inputError, worstOutcome, type Outcome } from '@mlci/core';
import { castFor, display, INVALID, type Cast } from './cast';
import { delimiterHint } from './csv';
import { detachString } from './detach';
import { DISPLAY_LENGTH, listForDisplay, quoteForDisplay, truncateForDisplay } from './display';
import { HashSet64 } from './hash-set';
import { openTable } from './open';
import { readTableSchema, type SchemaField, type TableSchema } from './schema';
import { lintTableSchema } from './schema-lint';
import { inputName } from './source';
import type { OpenTableOptions, Table, TableFormat } from './table';

/** Column names listed in a result; a header of a million columns is counted, not listed. */
const MAX_COLUMNS_LISTED = 10_000;
import { compileWholeValuePattern, re2RegExp, type WholeValuePattern } from './pattern';

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
}

export interface FieldSummary {
  name: string;
  /** Non-missing values. */
  present: number;
  missing: number;
  /** Records with at least one failed constraint on this field (missing values excluded). */
  failedRows: number;
  /** Share of present values that passed: (present − failedRows) / present. */
  passShare: number;
  mostly?: number;
  outcome: Outcome;
}

export interface TableCheckResult {
  check: string;
  outcome: Outcome;
  message: string;
}

export interface ValidationResult {
  outcome: 'pass' | 'fail';
  file: string;
  format: TableFormat;
  /** Data records read. */
  rows: number;
  /** The header's names (each cut to a display length; at most 10,000 of them, see `columnCount`). */
  columns: string[];
  /** How many columns the file has, when `columns` lists only the first 10,000. */
  columnCount?: number;
  /** The first `sampleSize` violations in file order. */
  violations: Violation[];
  /** True when more violations exist than the sample holds (totals are exact either way). */
  violationsTruncated: boolean;
  totals: { total: number; byField: Record<string, Record<string, number>> };
  fields: FieldSummary[];
  tableChecks: TableCheckResult[];
  durationMs: number;
}

export interface ValidateOptions extends OpenTableOptions {
  /**
   * How many violations to keep in `violations`; totals stay exact beyond it. 0 to 100,000.
   * @default 100
   */
  sampleSize?: number;
  /**
   * A JSON Schema every typed row must satisfy, in addition to the Table Schema's own `mlci.rowSchema`.
   * @default none
   */
  rowSchema?: Record<string, unknown>;
  /** The file `rowSchema` was read from, named when it does not compile. */
  rowSchemaFile?: string;
}

interface CompiledField {
  field: SchemaField;
  column: number;
  cast: Cast;
  required: boolean;
  /** Hashes of the values seen, for `unique` (see HashSet64 for memory and exactness). */
  unique: HashSet64 | null;
  minimum: unknown;
  maximum: unknown;
  exclusiveMinimum: unknown;
  exclusiveMaximum: unknown;
  enumValues: Set<unknown> | null;
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

function compileField(field: SchemaField, column: number, schema: TableSchema, file: string): CompiledField {
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
    field,
    column,
    cast,
    required: Boolean(c.required) || schema.primaryKey.includes(field.name),
    unique: c.unique || (schema.primaryKey.length === 1 && schema.primaryKey[0] === field.name) ? new HashSet64() : null,
    minimum: bound('minimum', c.minimum),
    maximum: bound('maximum', c.maximum),
    exclusiveMinimum: bound('exclusiveMinimum', anyC.exclusiveMinimum),
    exclusiveMaximum: bound('exclusiveMaximum', anyC.exclusiveMaximum),
    enumValues: c.enum ? new Set(c.enum.map((v) => (typeof v === 'string' ? cast1(cast, v) : v))) : null,
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

const quote = (v: unknown) => (typeof v === 'string' ? quoteForDisplay(v, 80) : truncateForDisplay(String(v), 80));

/** The message for a failed field constraint: built only for violations that go into the sample. */
function describeViolation(f: CompiledField, constraint: string, raw: unknown): string {
  const type = f.field.type;
  const v = quote(raw);
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
      return `${v} is not one of the allowed values`;
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

/**
 * Exact totals plus the first `sampleSize` violations in file order. Checks run column by column within a
 * batch, so a batch's violations wait in `pending` and are sorted by row when the batch ends.
 */
class ViolationLog {
  readonly sample: Violation[] = [];
  private pending: Violation[] = [];
  total = 0;
  readonly byField: Record<string, Record<string, number>> = {};
  constructor(private readonly sampleSize: number) {}

  /** `message` is the text, or the compiled field to describe the violation from if it is kept. */
  add(row: number, line: number, field: string, constraint: string, value: unknown, message: string | CompiledField): void {
    this.total++;
    const counts = (this.byField[field] ??= {});
    counts[constraint] = (counts[constraint] ?? 0) + 1;
    if (this.sample.length < this.sampleSize) {
      // Kept values must survive JSON: a non-finite number (Parquet NaN) is written as its name, not as null.
      // A kept string is cut to a display length: a sample of 100 megabyte cells must not become the report.
      const kept =
        typeof value === 'string'
          ? detachString(truncateForDisplay(value, VALUE_LENGTH))
          : typeof value === 'number' && !Number.isFinite(value)
            ? String(value)
            : value;
      this.pending.push({
        row,
        line,
        field,
        constraint,
        value: kept,
        message: typeof message === 'string' ? message : describeViolation(message, constraint, value),
      });
    }
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
  const value = f.cast(raw);
  if (value === INVALID) {
    log.add(row, line, name, 'type', raw, f);
    return INVALID;
  }
  // No closures or arrays per value: this runs once per cell, millions of times.
  const before = log.total;
  if (f.finiteOnly && !Number.isFinite(value as number)) log.add(row, line, name, 'finite', raw, f);
  if (f.minimum !== undefined && (value as number) < (f.minimum as number)) log.add(row, line, name, 'minimum', raw, f);
  if (f.maximum !== undefined && (value as number) > (f.maximum as number)) log.add(row, line, name, 'maximum', raw, f);
  if (f.exclusiveMinimum !== undefined && (value as number) <= (f.exclusiveMinimum as number))
    log.add(row, line, name, 'exclusiveMinimum', raw, f);
  if (f.exclusiveMaximum !== undefined && (value as number) >= (f.exclusiveMaximum as number))
    log.add(row, line, name, 'exclusiveMaximum', raw, f);
  if (f.enumValues !== null && !f.enumValues.has(value)) log.add(row, line, name, 'enum', raw, f);
  if (f.pattern !== null || f.minLength !== undefined || f.maxLength !== undefined) {
    const text = typeof raw === 'string' ? raw : String(raw);
    if (f.pattern !== null && !f.pattern.test(text)) log.add(row, line, name, 'pattern', raw, f);
    // Code points lie between ceil(length / 2) and length: count them only when the bounds cannot decide.
    const length =
      (f.minLength === undefined || text.length >= 2 * f.minLength) && (f.maxLength === undefined || text.length <= f.maxLength)
        ? text.length
        : codePoints(text);
    if (f.minLength !== undefined && length < f.minLength) log.add(row, line, name, 'minLength', raw, f);
    if (f.maxLength !== undefined && length > f.maxLength) log.add(row, line, name, 'maxLength', raw, f);
  }
  if (f.unique !== null) {
    if (!f.unique.add(value)) log.add(row, line, name, 'unique', raw, f);
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

function compileRowSchema(schema: Record<string, unknown>, file: string, what: string): ValidateFunction {
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

/** Validates a data file against a Table Schema (a file path or a parsed schema), streaming. */
export async function validateTable(
  data: string,
  schemaOrFile: string | TableSchema,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const started = performance.now();
  const schemaFile = typeof schemaOrFile === 'string' ? schemaOrFile : '(schema)';
  const { schema, warnings } =
    typeof schemaOrFile === 'string'
      ? await readTableSchema(schemaOrFile)
      : { schema: schemaOrFile, warnings: lintTableSchema(schemaOrFile, schemaFile) };
  // A flag's limit wins over the schema's.
  const table = await openTable(data, {
    ...options,
    maxRecordLength: options.maxRecordLength ?? schema.mlci.maxRecordLength,
    maxFieldLength: options.maxFieldLength ?? schema.mlci.maxFieldLength,
  });
  try {
    return await check(data, table, schema, schemaFile, warnings, options, started);
  } finally {
    await table.close();
  }
}

async function check(
  data: string,
  table: Table,
  schema: TableSchema,
  schemaFile: string,
  warnings: string[],
  options: ValidateOptions,
  started: number,
): Promise<ValidationResult> {
  const sampleSize = options.sampleSize ?? 100;
  const log = new ViolationLog(sampleSize);
  const tableChecks: TableCheckResult[] = warnings.map((message) => ({ check: 'schema', outcome: 'warn', message }));

  const columnIndex = new Map(table.columns.map((c, i) => [c, i]));
  const missingColumns = schema.fields.filter((f) => !columnIndex.has(f.name)).map((f) => f.name);
  if (missingColumns.length > 0) {
    // One column whose name holds another delimiter: the file was read with the wrong one, nothing to check.
    const hint =
      table.format === 'csv'
        ? delimiterHint(table.columns, options.delimiter ?? (data.toLowerCase().endsWith('.tsv') ? '\t' : ','))
        : undefined;
    if (hint)
      throw inputError(`the header reads as one column ${quoteForDisplay(table.columns[0], 60)}: the delimiter looks wrong`, {
        file: inputName(data),
        line: 1,
        hint,
      });
    tableChecks.push({
      check: 'columns',
      outcome: 'fail',
      message: `missing column${missingColumns.length > 1 ? 's' : ''} ${listForDisplay(missingColumns)} named in the schema`,
    });
  }
  const schemaNames = new Set(schema.fields.map((f) => f.name));
  const extra = table.columns.filter((c) => !schemaNames.has(c));
  if (extra.length > 0)
    tableChecks.push({
      check: 'columns',
      outcome: 'warn',
      message: `column${extra.length > 1 ? 's' : ''} not in the schema: ${listForDisplay(extra)}`,
    });

  const fields = schema.fields
    .filter((f) => columnIndex.has(f.name))
    .map((f) => compileField(f, columnIndex.get(f.name)!, schema, schemaFile));
  const missing = new Set(schema.missingValues);
  // The default missingValues [""]: a length test instead of hashing every cell for a Set lookup.
  const onlyEmptyMissing = missing.size === 1 && missing.has('');
  const rowSchemas = [
    ...(schema.mlci.rowSchema ? [compileRowSchema(schema.mlci.rowSchema, schemaFile, 'the row JSON Schema under "mlci.rowSchema"')] : []),
    ...(options.rowSchema ? [compileRowSchema(options.rowSchema, options.rowSchemaFile ?? '(row schema)', 'the row JSON Schema')] : []),
  ];
  const compositeKey = schema.primaryKey.length > 1 && schema.primaryKey.every((k) => columnIndex.has(k)) ? schema.primaryKey : null;
  const keysSeen = compositeKey ? new HashSet64() : null;
  const keyColumns = compositeKey ? compositeKey.map((k) => fields.findIndex((f) => f.field.name === k)) : [];
  const needTyped = rowSchemas.length > 0 || compositeKey !== null;

  let rows = 0;
  for await (const batch of table.batches()) {
    const typed: unknown[][] | null = needTyped ? fields.map(() => new Array(batch.length)) : null;
    for (let fi = 0; fi < fields.length; fi++) {
      const f = fields[fi];
      const column = batch.values[f.column];
      for (let i = 0; i < batch.length; i++) {
        const raw = column[i];
        if (raw === null || raw === undefined || (typeof raw === 'string' && (onlyEmptyMissing ? raw.length === 0 : missing.has(raw)))) {
          f.missing++;
          if (f.required) log.add(batch.rowStart + i, batch.lines[i], f.field.name, 'required', raw ?? null, 'a value is required');
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
          const key = JSON.stringify(keyColumns.map((fi) => typed[fi][i]));
          if (!keysSeen.add(key))
            log.add(
              row,
              line,
              compositeKey.join(','),
              'primaryKey',
              key,
              `primary key ${truncateForDisplay(key, 80)} appears more than once`,
            );
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
              );
            }
          }
        }
      }
    }
    log.endBatch();
    rows += batch.length;
  }

  const { minRows, maxRows } = schema.mlci;
  if (rows === 0)
    tableChecks.push({ check: 'rows', outcome: minRows === 0 ? 'pass' : 'warn', message: 'the file has a header but no data rows' });
  if (minRows !== undefined && rows < minRows)
    tableChecks.push({ check: 'minRows', outcome: 'fail', message: `${rows} rows, fewer than the minimum ${minRows}` });
  if (maxRows !== undefined && rows > maxRows)
    tableChecks.push({ check: 'maxRows', outcome: 'fail', message: `${rows} rows, more than the maximum ${maxRows}` });

  const toleratedFields = new Set<string>();
  const summaries: FieldSummary[] = fields.map((f) => {
    const counts = log.byField[f.field.name] ?? {};
    const required = counts.required ?? 0;
    const passShare = f.present === 0 ? 1 : (f.present - f.failedRows) / f.present;
    const mostly = f.field.mlci?.mostly;
    let outcome: Outcome = f.failedRows === 0 && required === 0 ? 'pass' : 'fail';
    if (outcome === 'fail' && required === 0 && mostly !== undefined && passShare >= mostly) {
      outcome = 'pass';
      toleratedFields.add(f.field.name);
    }
    const maxMissingShare = f.field.mlci?.maxMissingShare;
    if (maxMissingShare !== undefined && rows > 0 && f.missing / rows > maxMissingShare) {
      tableChecks.push({
        check: 'maxMissingShare',
        outcome: 'fail',
        message: `${quoteForDisplay(f.field.name)} is missing in ${((100 * f.missing) / rows).toFixed(2)}% of rows, more than the allowed ${(100 * maxMissingShare).toFixed(2)}%`,
      });
    }
    return {
      name: f.field.name,
      present: f.present,
      missing: f.missing,
      failedRows: f.failedRows,
      passShare,
      ...(mostly !== undefined ? { mostly } : {}),
      outcome,
    };
  });
  for (const v of log.sample) if (toleratedFields.has(v.field)) v.tolerated = true;
  const otherFieldFailures = Object.keys(log.byField).some((name) => !fields.some((f) => f.field.name === name));
  const outcome =
    worstOutcome([...summaries.map((s) => s.outcome), ...tableChecks.map((t) => t.outcome), otherFieldFailures ? 'fail' : 'pass']) ===
    'fail'
      ? 'fail'
      : 'pass';
  // Names in the result are for display (terminal, --json, summary, annotations): none is echoed whole.
  const name = (n: string) => truncateForDisplay(n);
  const byField: Record<string, Record<string, number>> = {};
  for (const [field, counts] of Object.entries(log.byField)) byField[name(field)] = counts;
  return {
    outcome,
    file: inputName(data),
    format: table.format,
    rows,
    columns: table.columns.slice(0, MAX_COLUMNS_LISTED).map(name),
    ...(table.columns.length > MAX_COLUMNS_LISTED ? { columnCount: table.columns.length } : {}),
    violations: log.sample.map((v) => (v.field.length > DISPLAY_LENGTH ? { ...v, field: name(v.field) } : v)),
    violationsTruncated: log.total > log.sample.length,
    totals: { total: log.total, byField },
    fields: summaries.map((f) => (f.name.length > DISPLAY_LENGTH ? { ...f, name: name(f.name) } : f)),
    tableChecks,
    durationMs: Math.round(performance.now() - started),
  };
}
