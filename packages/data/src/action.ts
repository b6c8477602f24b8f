import * as core from '@actions/core';
import { relative, isAbsolute } from 'node:path';
import { booleanInput, numberInput, requiredInput, writeStepResult } from '@mlci/core/action';
import { validationMarkdown } from './render';
import { validateTable, type ValidationResult } from './validate';
import type { TableFormat } from './table';

/** GitHub shows at most 10 error annotations per step; the rest are listed in the job summary. */
const GITHUB_ANNOTATION_LIMIT = 10;

/**
 * Error annotations on the offending lines of `data` (at most `max`; GitHub shows 10 per step), plus one per
 * failed table check. Returns how many violations were left unannotated (the summary lists them).
 */
export function annotateValidation(result: ValidationResult, data: string, max = GITHUB_ANNOTATION_LIMIT, title = 'mlci data-schema-validate'): number {
  // Annotations name the file relative to the workspace, as GitHub needs to place them on the diff.
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const file = isAbsolute(data) ? relative(workspace, data) : data;
  const failing = result.violations.filter((v) => !v.tolerated);
  const limit = Math.min(max, GITHUB_ANNOTATION_LIMIT);
  for (const v of failing.slice(0, limit)) {
    // Parquet has no lines to point at (its `line` is the row number): annotate the file, name the row.
    core.error(`row ${v.row}, ${v.field}: ${v.message} [${v.constraint}]`, { title, file, startLine: result.format === 'parquet' ? undefined : v.line });
  }
  for (const t of result.tableChecks.filter((c) => c.outcome === 'fail')) core.error(`${t.check}: ${t.message}`, { title, file });
  return Math.max(0, result.totals.total - Math.min(failing.length, limit));
}

/** The data-schema-validate action: validate, annotate the offending lines, summarise, set outputs. */
export async function runValidateAction(): Promise<void> {
  const data = requiredInput('data');
  const schema = requiredInput('schema');
  const maxAnnotations = Math.min(numberInput('max-annotations', GITHUB_ANNOTATION_LIMIT), GITHUB_ANNOTATION_LIMIT);
  const result = await validateTable(data, schema, {
    sampleSize: numberInput('sample-size', 100),
    delimiter: core.getInput('delimiter') || undefined,
    format: (core.getInput('format') || undefined) as TableFormat | undefined,
  });
  const notAnnotated = annotateValidation(result, data, maxAnnotations);
  await core.summary.addRaw(validationMarkdown(result, { notAnnotated })).write();
  const resultFile = await writeStepResult('validate', result);
  core.setOutput('outcome', result.outcome);
  core.setOutput('rows', String(result.rows));
  core.setOutput('violations', String(result.totals.total));
  core.setOutput('result-file', resultFile);
  if (result.outcome === 'fail') {
    const message = `${result.totals.total} violation(s) in ${data}; see the annotations and the job summary`;
    if (booleanInput('fail-on-violation', true)) core.setFailed(message);
    else core.warning(message);
  }
}
