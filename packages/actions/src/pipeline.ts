import { escapeMarkdown, markdownTable } from '@mlci/core';
import type { ValidationResult } from '@mlci/data';
import { runPipeline, type PipelineResult, type StageResult } from '@mlci/pipeline';
import { sectionFor, type ReportSection } from '@mlci/report';
import type { ActionContext } from './context';
import { publishJobReport } from './report';
import { annotateValidation } from './validate';

const icon = (s: StageResult) => (s.outcome === 'pass' ? '✅' : s.outcome === 'warn' ? '⚠️' : s.outcome === 'skipped' ? '➖' : '❌');

/**
 * The root action: the whole mlci.yml pipeline in one step, each stage in its own log group, with an
 * output per stage and a summary table. Promotion is on only when asked (by default on pushes to the
 * default branch, never in pull requests).
 */
export async function pipelineAction(ctx: ActionContext): Promise<void> {
  const isPullRequest = (ctx.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request');
  const result = await runPipeline({
    config: ctx.input.string('config') || 'mlci.yml',
    promote: ctx.input.boolean('promote', !isPullRequest),
    // Inside the job: runs uploaded as artifacts, main's runs and the champion read from GitHub (mlci.yml may say local).
    token: ctx.input.optional('github-token'),
    logger: ctx.logger,
    onStage: ({ stage, phase, result: r }) => {
      if (phase === 'start') return ctx.startGroup(`mlci ${stage}`);
      ctx.logger.info(`${r!.outcome}: ${r!.summary}`);
      ctx.endGroup();
      ctx.output(`${stage}-outcome`, r!.outcome);
      if (stage === 'validate' && Array.isArray(r!.result))
        annotateDatasets(ctx, r!.result as Array<ValidationResult & { dataset: string }>);
      else if (r!.outcome === 'fail')
        ctx.error(`${stage}: ${r!.summary}`, {
          title: `mlci ${stage}`,
          file: r!.error?.file && ctx.workspacePath(r!.error.file),
          startLine: r!.error?.line,
        });
    },
  });
  // One result file per stage, as the single-step actions leave them (one dataset: its result alone).
  for (const stage of result.stages) {
    const value = Array.isArray(stage.result) && stage.result.length === 1 ? stage.result[0] : stage.result;
    await ctx.writeResult(stage.stage, value ?? { outcome: stage.outcome, summary: stage.summary });
  }
  const file = await ctx.writeResult('pipeline', result);
  ctx.output('outcome', result.outcome);
  ctx.output('verdict', result.verdict);
  ctx.output('run-id', result.runId ?? '');
  ctx.output('result-file', file);
  await ctx.summary(
    `### ${result.outcome === 'fail' ? '❌' : result.outcome === 'warn' ? '⚠️' : '✅'} mlci: ${escapeMarkdown(result.verdict)}\n\n` +
      markdownTable(
        ['stage', 'outcome', 'summary', 'time'],
        result.stages.map((s) => [s.stage, `${icon(s)} ${s.outcome}`, escapeMarkdown(s.summary), `${(s.durationMs / 1000).toFixed(1)} s`]),
        ['l', 'l', 'l', 'r'],
      ) +
      '\n',
  );
  await publishJobReport(ctx, pipelineSections(result), { summary: false });
  if (result.outcome === 'fail') ctx.fail(result.verdict);
}

/** Line annotations for each failed dataset, exactly as data-schema-validate leaves them. */
function annotateDatasets(ctx: ActionContext, results: Array<ValidationResult & { dataset: string; path?: string }>): void {
  for (const r of results) if (r.outcome === 'fail') annotateValidation(ctx, r, r.path ?? r.file, 10, `mlci validate (${r.dataset})`);
}

/** Report sections from the stages: one per stage, one per dataset where a stage checked several. */
export function pipelineSections(result: PipelineResult): ReportSection[] {
  const sections: ReportSection[] = [];
  for (const stage of result.stages) {
    if (stage.outcome === 'skipped' || stage.stage === 'promote' || stage.stage === 'publish' || stage.result === undefined) continue;
    const parts = Array.isArray(stage.result) ? stage.result : [stage.result];
    parts.forEach((part: { dataset?: string; against?: string }, i) => {
      const section = sectionFor(stage.stage, part);
      // Comparisons are told apart by baseline (compare-main, compare-champion), datasets by name.
      const suffix = part.against ?? (parts.length > 1 ? (part.dataset ?? String(i)) : null);
      sections.push(
        suffix
          ? {
              ...section,
              id: `${stage.stage}-${suffix
                .toLowerCase()
                .replace(/[^a-z0-9-]/g, '-')
                .slice(0, 30)}`,
            }
          : section,
      );
    });
  }
  // Say what did not run because the data failed, under the first failed data section (a reader looks there).
  const stopped = result.stages.filter((s) => s.stoppedByData).map((s) => s.stage);
  const dataFailure = sections.find((s) => s.kind === 'data' && s.outcome === 'fail');
  if (stopped.length && dataFailure)
    dataFailure.body += `\n\n> Not run because the data failed validation: ${stopped.join(', ')} (mlci.yml \`on-fail: stop\`; \`continue\` runs them anyway).`;
  return sections;
}
