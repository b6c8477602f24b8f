import { validateTable, validationMarkdown, type TableFormat, type ValidationResult } from '@mlci/data';
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
      file,
      startLine: result.format === 'parquet' ? undefined : v.line,
    });
  }
  for (const t of result.tableChecks.filter((c) => c.outcome === 'fail')) ctx.error(`${t.check}: ${t.message}`, { title, file });
  return Math.max(0, result.totals.total - Math.min(failing.length, limit));
}

/** data-schema-validate: validate, annotate the offending lines, summarise, set outputs. */
export async function validateAction(ctx: ActionContext): Promise<void> {
  const { input } = ctx;
  const data = input.required('data');
  const schema = input.required('schema');
  const maxAnnotations = Math.min(input.number('max-annotations', GITHUB_ANNOTATION_LIMIT), GITHUB_ANNOTATION_LIMIT);
  const result = await validateTable(data, schema, {
    sampleSize: input.number('sample-size', 100),
    delimiter: input.optional('delimiter'),
    format: input.optional('format') as TableFormat | undefined,
  });
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
