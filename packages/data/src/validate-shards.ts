/**
 * Validation past one runner: each matrix job validates one file (a shard) and writes a `ShardResult`, a
 * merge step joins them into one verdict, one violation list and one report, as validating the files one
 * after another would give: totals and table checks (minRows, maxMissingShare …) over all rows, `unique` and
 * `primaryKey` across files (each shard carries its hash set: 16 bytes per distinct value), violations in
 * file order with each file's own rows and lines, a repeat naming the file and row it repeats.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { inputError, usageError } from '@mlci/core';
import { HashSet64 } from './hash-set';
import { openTable } from './open';
import type { TableSchema } from './schema';
import type { TableFormat } from './table';
import { finishValidation, validateToMerged, type TableCheckResult, type ValidateOptions, type ValidationResult } from './validate';
import { mergeParts, type MergedValidation } from './validate-merge';
import { readRows, type PartRange } from './validate-parallel';
import {
  checkedFields,
  compositeKeyOf,
  compositeKeyText,
  keptValue,
  quoteValue,
  typedFor,
  type PartialValidation,
  type PartViolation,
} from './validate-part';
import { truncateForDisplay } from './display';

export const SHARD_FORMAT = 'mlci.validation-shard/1';

/** One file's validation, kept for a merge: JSON, written by `mlci validate --shard-out` or the action's `shard-out`. */
export interface ShardResult {
  format: typeof SHARD_FORMAT;
  /** This shard's own verdict (what validating the file alone gives). */
  result: ValidationResult;
  /** The Table Schema it was checked against (a merge refuses shards checked against different ones). */
  schema: TableSchema;
  /** The header's names, all of them. */
  columns: string[];
  dataFormat: TableFormat;
  sampleSize: number;
  tableChecks: TableCheckResult[];
  rows: number;
  fields: { present: number; missing: number; failedRows: number }[];
  total: number;
  byField: Record<string, Record<string, number>>;
  sample: (PartViolation & { firstRow?: number; firstLine?: number })[];
  /** Per set index: distinct values as base64 of (h1, h2, first row, first line | flag << 31) words. */
  sets: Record<string, { size: number; entries: string }>;
}

function packSet(set: HashSet64): { size: number; entries: string } {
  const words = new Uint32Array(4 * set.size);
  let k = 0;
  set.forEach((h1, h2, row, line, flagged) => {
    words[k++] = h1;
    words[k++] = h2;
    words[k++] = row;
    words[k++] = (line | (flagged ? 0x80000000 : 0)) >>> 0;
  });
  return { size: set.size, entries: Buffer.from(words.buffer, words.byteOffset, words.byteLength).toString('base64') };
}

function unpackSet(packed: { size: number; entries: string }, where: string): HashSet64 {
  const bytes = Buffer.from(packed.entries, 'base64');
  if (bytes.length !== 16 * packed.size)
    throw inputError('a hash set in the shard result is damaged', { file: where, hint: 'write the shard result again' });
  const words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const set = new HashSet64(2 * packed.size, true);
  for (let i = 0; i < words.length; i += 4) {
    set.insert(words[i], words[i + 1], words[i + 2], words[i + 3] & 0x7fffffff);
    if (words[i + 3] & 0x80000000) set.flag(set.lastSlot);
  }
  return set;
}

/** Validates one file as a shard of a larger validation. */
export async function validateShard(data: string, schemaOrFile: string | TableSchema, options: ValidateOptions = {}): Promise<ShardResult> {
  const { merged, context, spec } = await validateToMerged(data, schemaOrFile, options);
  const sets: ShardResult['sets'] = {};
  for (const [key, set] of merged.unions) sets[String(key)] = packSet(set);
  return {
    format: SHARD_FORMAT,
    result: finishValidation(merged, context),
    schema: context.schema,
    columns: context.columns,
    dataFormat: context.format,
    sampleSize: spec.sampleSize,
    tableChecks: context.tableChecks,
    rows: merged.rows,
    fields: merged.fields,
    total: merged.total,
    byField: merged.byField,
    sample: merged.sample.map((v) => ({
      ...v,
      ...(v.first ? { first: { ...v.first, row: v.firstRow ?? 0, line: v.firstLine ?? 0 } } : {}),
    })),
    sets,
  };
}

/** Reads a shard result file, checking that it is one. */
export async function readShard(path: string): Promise<ShardResult> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code)
      throw inputError(`cannot read the shard result: ${(error as Error).message}`, {
        file: path,
        hint: 'download the shard results (actions/download-artifact) before the merge',
      });
    throw inputError(`not JSON: ${(error as Error).message}`, {
      file: path,
      hint: 'pass the files written by --shard-out (action input shard-out)',
    });
  }
  if (!value || typeof value !== 'object' || (value as ShardResult).format !== SHARD_FORMAT)
    throw inputError(`not a shard result (format "${SHARD_FORMAT}")`, {
      file: path,
      hint: 'pass the files written by --shard-out (action input shard-out)',
    });
  return value as ShardResult;
}

/** A label for several files: their common directory and count. */
function filesLabel(files: string[]): string {
  if (files.length === 1) return files[0];
  const dirs = files.map((f) => f.split('/').slice(0, -1));
  const common: string[] = [];
  for (let i = 0; dirs.every((d) => i < d.length && d[i] === dirs[0][i]); i++) common.push(dirs[0][i]);
  return `${common.length ? `${common.join('/')}/` : ''} (${files.length} files)`.replace('/ (', '/ (');
}

/**
 * Merges shard results (`paths[i]` names shard i in errors) into one verdict. Shards are taken in the order of
 * their data files' names; all must have been checked against the same schema with the same columns.
 */
export async function mergeShards(
  shards: ShardResult[],
  paths: string[],
  options: { sampleSize?: number } = {},
): Promise<ValidationResult> {
  const started = performance.now();
  if (shards.length === 0) throw usageError('no shard results to merge', 'pass the files written by --shard-out');
  const order = shards
    .map((_, i) => i)
    .sort((a, b) => (shards[a].result.file < shards[b].result.file ? -1 : shards[a].result.file > shards[b].result.file ? 1 : a - b));
  const list = order.map((i) => shards[i]);
  const where = order.map((i) => paths[i]);
  const first = list[0];
  const schemaText = JSON.stringify(first.schema);
  list.forEach((s, i) => {
    if (JSON.stringify(s.schema) !== schemaText)
      throw inputError(`was checked against another schema than ${where[0]}`, {
        file: where[i],
        hint: 'run every shard with the same --schema',
      });
    if (s.columns.length !== first.columns.length || s.columns.some((c, j) => c !== first.columns[j]))
      throw inputError(`${s.result.file}'s columns differ from ${first.result.file}'s`, {
        file: where[i],
        hint: 'shards of one dataset have the same header',
      });
  });
  const files = list.map((s) => s.result.file);
  if (new Set(files).size !== files.length) {
    const twice = files.find((f, i) => files.indexOf(f) !== i)!;
    throw inputError(`two shard results are of the same file ${JSON.stringify(twice)}`, { hint: 'merge each shard once' });
  }
  const sampleSize = Math.min(options.sampleSize ?? Infinity, ...list.map((s) => s.sampleSize));
  const fields = checkedFields(first.schema, first.columns);
  const composite = compositeKeyOf(first.schema, first.columns);
  const setNames: Record<number, { field: string; constraint: string; order: number }> = {};
  fields.forEach((f, i) => {
    const pk = first.schema.primaryKey;
    if (f.constraints?.unique || (pk.length === 1 && pk[0] === f.name)) setNames[i] = { field: f.name, constraint: 'unique', order: i };
  });
  if (composite) setNames[fields.length] = { field: composite.join(','), constraint: 'primaryKey', order: fields.length };

  const offsets: number[] = [];
  let rows = 0;
  const partials: PartialValidation[] = list.map((s, i) => {
    offsets.push(rows);
    rows += s.rows;
    const sets: PartialValidation['sets'] = {};
    for (const [key, packed] of Object.entries(s.sets)) sets[Number(key)] = unpackSet(packed, where[i]).exportTable();
    return { rows: s.rows, fields: s.fields, total: s.total, byField: s.byField, sample: s.sample, sets, lines: 0, carryBytes: 0 };
  });
  const merged = mergeParts(
    partials,
    offsets.map((rowOffset) => ({ rowOffset, lineOffset: 0 })),
    sampleSize,
    setNames,
    fields.length,
  );
  // Rows back to each file's own.
  const fileOf = (row: number) => {
    let k = offsets.length - 1;
    while (k > 0 && offsets[k] >= row) k--;
    return k;
  };
  for (const v of merged.sample) {
    const k = fileOf(v.row);
    v.file = files[k];
    v.row -= offsets[k];
    if (v.firstRow) {
      const j = fileOf(v.firstRow);
      v.firstFile = files[j];
      v.firstRow -= offsets[j];
    }
  }
  await fillShardRepeats(merged, list, offsets, fields, composite, first.schema);
  const tableChecks: TableCheckResult[] = [];
  const seen = new Set<string>();
  list.forEach((s) => {
    for (const t of s.tableChecks) {
      // Schema warnings are the same for every shard: listed once; the others name their file.
      const message = t.check === 'schema' ? t.message : `${truncateForDisplay(s.result.file)}: ${t.message}`;
      if (seen.has(`${t.check}\n${message}`)) continue;
      seen.add(`${t.check}\n${message}`);
      tableChecks.push({ ...t, message });
    }
  });
  return finishValidation(merged, {
    file: filesLabel(files),
    format: first.dataFormat,
    columns: first.columns,
    schema: first.schema,
    tableChecks,
    started,
  });
}

/** Repeats across files that entered the sample: the value from the file when this job has it, else unnamed. */
async function fillShardRepeats(
  merged: MergedValidation,
  list: ShardResult[],
  offsets: number[],
  fields: ReturnType<typeof checkedFields>,
  composite: string[] | null,
  schema: TableSchema,
): Promise<void> {
  const missing = new Set(schema.missingValues);
  const columns = list[0].columns;
  for (const { violation, repeat } of merged.unfilled) {
    const file = list[repeat.part].result.file;
    const names = repeat.set < fields.length ? [fields[repeat.set].name] : composite!;
    let values: unknown[] | undefined;
    if (existsSync(file)) {
      try {
        const table = await openTable(file);
        await table.close();
        if (table.parts) {
          const whole: PartRange =
            table.parts.kind === 'csv'
              ? { kind: 'csv', range: { start: 0, end: Number.MAX_SAFE_INTEGER, final: true } }
              : { kind: 'parquet', fromGroup: 0, toGroup: table.parts.groups.length };
          const row = repeat.row - offsets[repeat.part];
          values = (
            await readRows(
              table.parts,
              whole,
              columns,
              [row],
              names.map((n) => columns.indexOf(n)),
            )
          ).get(row);
        }
      } catch {
        values = undefined;
      }
    }
    if (repeat.set < fields.length) {
      violation.value = values ? keptValue(values[0]) : null;
      violation.message = values ? `${quoteValue(values[0])} appears more than once` : 'the value appears more than once';
    } else {
      const key = values
        ? compositeKeyText(
            names.map((n, i) =>
              typedFor(
                fields.find((f) => f.name === n)!,
                values![i],
                missing,
              ),
            ),
          )
        : null;
      violation.value = key;
      violation.message = key
        ? `primary key ${truncateForDisplay(key, 80)} appears more than once`
        : 'the primary key appears more than once';
    }
  }
}
