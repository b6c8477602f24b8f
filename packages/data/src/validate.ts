import { inputError, stderrLogger, worstOutcome, type Outcome } from '@mlci/core';
import { delimiterHint } from './csv';
import { DISPLAY_LENGTH, listForDisplay, quoteForDisplay, truncateForDisplay } from './display';
import { openTable } from './open';
import { readTableSchema, type TableSchema } from './schema';
import { lintTableSchema } from './schema-lint';
import { inputName } from './source';
import type { OpenTableOptions, Table, TableFormat } from './table';
import { mergeParts, type MergedValidation, type PartPlace } from './validate-merge';
import { planParts, readRows, threadCount, validateParts, type PartRange } from './validate-parallel';
import {
  checkedFields,
  compositeKeyOf,
  compositeKeyText,
  keptValue,
  quoteValue,
  typedFor,
  validatePart,
  type PartialValidation,
  type PartSpec,
  type Violation,
} from './validate-part';

export type { Violation } from './validate-part';

/** Column names listed in a result; a header of a million columns is counted, not listed. */
const MAX_COLUMNS_LISTED = 10_000;

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
  /**
   * Threads to validate a large regular file on (CSV cut into byte ranges, Parquet between row groups).
   * @default MLCI_THREADS, else the cores (at most 4); 1 reads the file whole on this thread
   */
  threads?: number;
  /**
   * Parts to cut the file into, whatever its size (tests: the cutting and merging without threads).
   * @default one per thread, each at least 8 MiB (CSV) or 100,000 rows (Parquet)
   */
  parts?: number;
}

/** Validates a data file against a Table Schema (a file path or a parsed schema), streaming. */
export async function validateTable(
  data: string,
  schemaOrFile: string | TableSchema,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const { merged, context } = await validateToMerged(data, schemaOrFile, options);
  return finishValidation(merged, context);
}

/** What `finishValidation` needs besides the merged counts. */
export interface ValidationContext {
  file: string;
  format: TableFormat;
  columns: string[];
  schema: TableSchema;
  tableChecks: TableCheckResult[];
  started: number;
}

/** Validates a file up to the merged counts (before summaries and the verdict): a shard result is made of this. */
export async function validateToMerged(
  data: string,
  schemaOrFile: string | TableSchema,
  options: ValidateOptions = {},
): Promise<{ merged: MergedValidation; context: ValidationContext; spec: PartSpec }> {
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
    const tableChecks = headerChecks(data, table, schema, warnings, options);
    const spec: PartSpec = {
      schema,
      schemaFile,
      columns: table.columns,
      sampleSize: options.sampleSize ?? 100,
      ...(options.rowSchema ? { rowSchema: options.rowSchema, rowSchemaFile: options.rowSchemaFile } : {}),
    };
    const merged = await validateWhole(table, spec, options);
    return { merged, context: { file: inputName(data), format: table.format, columns: table.columns, schema, tableChecks, started }, spec };
  } finally {
    await table.close();
  }
}

/** The schema's columns against the header: missing columns fail, extra ones warn; a wrong delimiter is refused. */
function headerChecks(data: string, table: Table, schema: TableSchema, warnings: string[], options: ValidateOptions): TableCheckResult[] {
  const tableChecks: TableCheckResult[] = warnings.map((message) => ({ check: 'schema', outcome: 'warn', message }));
  const names = new Set(table.columns);
  const missingColumns = schema.fields.filter((f) => !names.has(f.name)).map((f) => f.name);
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
  return tableChecks;
}

/** The names the merge counts each hash set's repeats under: a unique field, or the composite key. */
function setNamesOf(spec: PartSpec): Record<number, { field: string; constraint: string; order: number }> {
  const fields = checkedFields(spec.schema, spec.columns);
  const out: Record<number, { field: string; constraint: string; order: number }> = {};
  const pk = spec.schema.primaryKey;
  fields.forEach((f, i) => {
    if (f.constraints?.unique || (pk.length === 1 && pk[0] === f.name)) out[i] = { field: f.name, constraint: 'unique', order: i };
  });
  const composite = compositeKeyOf(spec.schema, spec.columns);
  if (composite) out[fields.length] = { field: composite.join(','), constraint: 'primaryKey', order: fields.length };
  return out;
}

/** Reads and checks the whole table: in parts on several threads when it is large enough, else in one pass. */
async function validateWhole(table: Table, spec: PartSpec, options: ValidateOptions): Promise<MergedValidation> {
  const threads = options.threads ?? threadCount();
  // MLCI_VALIDATE_PARTS forces the cutting on small files (tests of the bundle's worker threads, benchmarks).
  const forced = Number(process.env.MLCI_VALIDATE_PARTS);
  options = Number.isInteger(forced) && forced >= 2 && options.parts === undefined ? { ...options, parts: forced } : options;
  const fields = checkedFields(spec.schema, spec.columns);
  const setNames = setNamesOf(spec);
  const ranges = table.parts && (threads > 1 || options.parts) ? await planParts(table.parts, threads, options.parts) : null;
  if (!ranges || !table.parts) {
    const partial = await validatePart(spec, table.batches());
    return mergeParts([partial], [{ rowOffset: 0, lineOffset: 0 }], spec.sampleSize, setNames, fields.length);
  }
  // The header was read from the stream the first pass would continue: the parts read the file themselves.
  await table.close();
  const source = table.parts;
  const read = fields.map((f) => f.name);
  const { parts, places, ranges: finalRanges, workers, moved } = await validateParts(source, ranges, spec, read, threads);
  stderrLogger.debug(
    `validated ${inputName(table.path)} in ${parts.length} parts, ${workers} on worker threads; ${moved} cut${moved === 1 ? '' : 's'} moved to a record start`,
  );
  const merged = mergeParts(parts, places, spec.sampleSize, setNames, fields.length);
  if (merged.unfilled.length > 0) await fillRepeats(merged, spec, source, finalRanges, places, parts);
  return merged;
}

/** Repeats across parts that entered the sample: their values, read again from their parts. */
async function fillRepeats(
  merged: MergedValidation,
  spec: PartSpec,
  source: NonNullable<Table['parts']>,
  ranges: PartRange[],
  places: PartPlace[],
  parts: PartialValidation[],
): Promise<void> {
  const fields = checkedFields(spec.schema, spec.columns);
  const columnOf = (name: string) => spec.columns.indexOf(name);
  const composite = compositeKeyOf(spec.schema, spec.columns);
  const missing = new Set(spec.schema.missingValues);
  const byPart = new Map<number, MergedValidation['unfilled']>();
  for (const u of merged.unfilled) byPart.set(u.repeat.part, [...(byPart.get(u.repeat.part) ?? []), u]);
  for (const [k, list] of byPart) {
    const keyFields = composite ? composite.map((name) => fields.find((f) => f.name === name)!) : [];
    const columns = [...new Set(list.flatMap((u) => (u.repeat.set < fields.length ? [fields[u.repeat.set].name] : composite!)))].map(
      columnOf,
    );
    const rows = await readRows(
      source,
      ranges[k],
      spec.columns,
      list.map((u) => u.repeat.row - places[k].rowOffset),
      columns,
    );
    void parts;
    for (const { violation, repeat } of list) {
      const values = rows.get(repeat.row - places[k].rowOffset);
      if (!values) continue;
      if (repeat.set < fields.length) {
        const raw = values[columns.indexOf(columnOf(fields[repeat.set].name))];
        violation.value = keptValue(raw);
        violation.message = `${quoteValue(raw)} appears more than once`;
      } else {
        const key = compositeKeyText(keyFields.map((f) => typedFor(f, values[columns.indexOf(columnOf(f.name))], missing)));
        violation.value = key;
        violation.message = `primary key ${truncateForDisplay(key, 80)} appears more than once`;
      }
    }
  }
}

/**
 * Where a repeated value was first seen, for its message: "same as row 116, line 120" (Parquet: rows only),
 * "same as row 6 of data/part-0.parquet" when it was in another file.
 */
function firstSeenText(format: TableFormat, row?: number, line?: number, otherFile?: string): string {
  if (!row) return '';
  const where = format === 'parquet' || !line ? `row ${row}` : `row ${row}, line ${line}`;
  return otherFile ? `: same as ${where} of ${truncateForDisplay(otherFile)}` : `: same as ${where}`;
}

/** A merged validation as the result a caller reads: summaries, table checks, the outcome, display-safe names. */
export function finishValidation(merged: MergedValidation, context: ValidationContext): ValidationResult {
  const { schema, format, columns } = context;
  const tableChecks = [...context.tableChecks];
  const rows = merged.rows;
  const fields = checkedFields(schema, columns);
  const { minRows, maxRows } = schema.mlci;
  if (rows === 0)
    tableChecks.push({ check: 'rows', outcome: minRows === 0 ? 'pass' : 'warn', message: 'the file has a header but no data rows' });
  if (minRows !== undefined && rows < minRows)
    tableChecks.push({ check: 'minRows', outcome: 'fail', message: `${rows} rows, fewer than the minimum ${minRows}` });
  if (maxRows !== undefined && rows > maxRows)
    tableChecks.push({ check: 'maxRows', outcome: 'fail', message: `${rows} rows, more than the maximum ${maxRows}` });

  const toleratedFields = new Set<string>();
  const summaries: FieldSummary[] = fields.map((field, i) => {
    const f = merged.fields[i];
    const counts = merged.byField[field.name] ?? {};
    const required = counts.required ?? 0;
    const passShare = f.present === 0 ? 1 : (f.present - f.failedRows) / f.present;
    const mostly = field.mlci?.mostly;
    let outcome: Outcome = f.failedRows === 0 && required === 0 ? 'pass' : 'fail';
    if (outcome === 'fail' && required === 0 && mostly !== undefined && passShare >= mostly) {
      outcome = 'pass';
      toleratedFields.add(field.name);
    }
    const maxMissingShare = field.mlci?.maxMissingShare;
    if (maxMissingShare !== undefined && rows > 0 && f.missing / rows > maxMissingShare) {
      tableChecks.push({
        check: 'maxMissingShare',
        outcome: 'fail',
        message: `${quoteForDisplay(field.name)} is missing in ${((100 * f.missing) / rows).toFixed(2)}% of rows, more than the allowed ${(100 * maxMissingShare).toFixed(2)}%`,
      });
    }
    return {
      name: field.name,
      present: f.present,
      missing: f.missing,
      failedRows: f.failedRows,
      passShare,
      ...(mostly !== undefined ? { mostly } : {}),
      outcome,
    };
  });
  const violations: Violation[] = merged.sample.map((v) => {
    const out: Violation = {
      row: v.row,
      line: v.line,
      field: v.field,
      constraint: v.constraint,
      value: v.value,
      message:
        v.firstRow !== undefined
          ? v.message + firstSeenText(format, v.firstRow, v.firstLine, v.firstFile !== v.file ? v.firstFile : undefined)
          : v.message,
      ...(v.file !== undefined ? { file: v.file } : {}),
    };
    if (toleratedFields.has(v.field)) out.tolerated = true;
    return out;
  });
  const otherFieldFailures = Object.keys(merged.byField).some((name) => !fields.some((f) => f.name === name));
  const outcome =
    worstOutcome([...summaries.map((s) => s.outcome), ...tableChecks.map((t) => t.outcome), otherFieldFailures ? 'fail' : 'pass']) ===
    'fail'
      ? 'fail'
      : 'pass';
  // Names in the result are for display (terminal, --json, summary, annotations): none is echoed whole.
  const name = (n: string) => truncateForDisplay(n);
  const byField: Record<string, Record<string, number>> = {};
  for (const [field, counts] of Object.entries(merged.byField)) byField[name(field)] = counts;
  return {
    outcome,
    file: context.file,
    format,
    rows,
    columns: columns.slice(0, MAX_COLUMNS_LISTED).map(name),
    ...(columns.length > MAX_COLUMNS_LISTED ? { columnCount: columns.length } : {}),
    violations: violations.map((v) => (v.field.length > DISPLAY_LENGTH ? { ...v, field: name(v.field) } : v)),
    violationsTruncated: merged.total > violations.length,
    totals: { total: merged.total, byField },
    fields: summaries.map((f) => (f.name.length > DISPLAY_LENGTH ? { ...f, name: name(f.name) } : f)),
    tableChecks,
    durationMs: Math.round(performance.now() - context.started),
  };
}
