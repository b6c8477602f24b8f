import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { usageError, writeJsonAtomic } from '@mlci/core';
import {
  mergeShards,
  readShard,
  validateShard,
  validateTable,
  validationMarkdown,
  type TableFormat,
  type ValidationResult,
} from '@mlci/data';
import type { ActionContext } from './context';

/** GitHub shows at most 10 error annotations per step; the rest are listed in the job summary. */
export const GITHUB_ANNOTATION_LIMIT = 10;

/**
 * Error annotations on the offending lines of `data` (at most `max`), plus one per failed table check.
 * Returns how many violations were left unannotated (the summary lists them).
 */
export function annotateValidation(
  ctx: ActionContext,
  result: ValidationResult,
  data: string,
  max = GITHUB_ANNOTATION_LIMIT,
  title = 'mlci data-schema-validate',
): number {
  const file = ctx.workspacePath(data);
  const failing = result.violations.filter((v) => !v.tolerated);
  const limit = Math.min(max, GITHUB_ANNOTATION_LIMIT);
  for (const v of failing.slice(0, limit)) {
    // Parquet has no lines to point at (its `line` is the row number): annotate the file, name the row.
    ctx.error(`row ${v.row}, ${v.field}: ${v.message} [${v.constraint}]`, {
      title,
      // Merged from shards: each violation names its own file.
      file: v.file !== undefined ? ctx.workspacePath(v.file) : file,
      startLine: result.format === 'parquet' ? undefined : v.line,
    });
  }
  for (const t of result.tableChecks.filter((c) => c.outcome === 'fail')) ctx.error(`${t.check}: ${t.message}`, { title, file });
  return Math.max(0, result.totals.total - Math.min(failing.length, limit));
}

/** The shard files an input names: files, and directories (every .json file under them), in name order. */
async function shardFiles(entries: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const info = await stat(path).catch(() => null);
    if (!info) throw usageError(`merge: ${path} does not exist`, 'download the shard results (actions/download-artifact) into it first');
    if (!info.isDirectory()) {
      out.push(path);
      return;
    }
    for (const name of (await readdir(path)).sort()) {
      const child = join(path, name);
      if ((await stat(child)).isDirectory()) await walk(child);
      else if (name.endsWith('.json')) out.push(child);
    }
  };
  for (const entry of entries) await walk(entry);
  return out;
}

/**
 * data-schema-validate: validate, annotate the offending lines, summarise, set outputs. With `shard-out`, one
 * shard of a larger validation (no annotations, no failure: the merge judges); with `merge`, the verdict over
 * the shards' results.
 */
export async function validateAction(ctx: ActionContext): Promise<void> {
  const { input } = ctx;
  const merge = input.list('merge').flatMap((l) =>
    l
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
  const maxAnnotations = Math.min(input.number('max-annotations', GITHUB_ANNOTATION_LIMIT), GITHUB_ANNOTATION_LIMIT);
  const sampleSize = input.number('sample-size', 100);
  let data: string;
  let result: ValidationResult;
  if (merge.length > 0) {
    const files = await shardFiles(merge);
    if (files.length === 0)
      throw usageError(`merge: no shard results (.json) in ${merge.join(', ')}`, 'each shard job writes one with `shard-out`');
    const shards = [];
    for (const file of files) shards.push(await readShard(file));
    result = await mergeShards(shards, files, { sampleSize });
    data = result.file;
  } else {
    data = input.required('data');
    const schema = input.required('schema');
    const options = { sampleSize, delimiter: input.optional('delimiter'), format: input.optional('format') as TableFormat | undefined };
    const shardOut = input.optional('shard-out');
    if (shardOut) {
      const shard = await validateShard(data, schema, options);
      await writeJsonAtomic(shardOut, shard);
      await ctx.summary(`${validationMarkdown(shard.result)}\n_One shard of a validation: the merge step gives the verdict._\n`);
      ctx.output('outcome', shard.result.outcome);
      ctx.output('rows', shard.result.rows);
      ctx.output('violations', shard.result.totals.total);
      ctx.output('result-file', shardOut);
      return;
    }
    result = await validateTable(data, schema, options);
  }
  const notAnnotated = annotateValidation(ctx, result, data, maxAnnotations);
  await ctx.summary(validationMarkdown(result, { notAnnotated }));
  const resultFile = await ctx.writeResult('validate', result);
  ctx.output('outcome', result.outcome);
  ctx.output('rows', result.rows);
  ctx.output('violations', result.totals.total);
  ctx.output('result-file', resultFile);
  if (result.outcome === 'fail') {
    const message = `${result.totals.total} violation(s) in ${data}; see the annotations and the job summary`;
    if (input.boolean('fail-on-violation', true)) ctx.fail(message);
    else ctx.warning(message);
  }
}
