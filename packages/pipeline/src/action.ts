import { isAbsolute, relative } from 'node:path';
import * as core from '@actions/core';
import { escapeMarkdown, markdownTable } from '@mlci/core';
import { booleanInput, writeStepResult } from '@mlci/core/action';
import { createGitHubClient } from '@mlci/core/github';
import { annotateValidation } from '@mlci/data/action';
import type { ValidationResult } from '@mlci/data';
import { publishReport, readEvent, resolvePullRequest, sectionFor, type ReportSection } from '@mlci/report';
import { runPipeline } from './run';
import type { PipelineResult, StageResult } from './types';

const icon = (s: StageResult) => (s.outcome === 'pass' ? '✅' : s.outcome === 'warn' ? '⚠️' : s.outcome === 'skipped' ? '➖' : '❌');

/**
 * The root action: the whole mlci.yml pipeline in one step, each stage in its own log group, with an
 * output per stage and a summary table. Promotion is on only when asked (by default on pushes to the
 * default branch, never in pull requests).
 */
export async function runPipelineAction(): Promise<void> {
  const isPullRequest = (process.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request');
  const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
  const result = await runPipeline({
    config: core.getInput('config') || 'mlci.yml',
    promote: booleanInput('promote', !isPullRequest),
    // Inside the job: runs uploaded as artifacts, main's runs and the champion read from GitHub (mlci.yml may say local).
    token: core.getInput('github-token') || undefined,
    logger,
    onStage: ({ stage, phase, result: r }) => {
      if (phase === 'start') core.startGroup(`mlci ${stage}`);
      else {
        core.info(`${r!.outcome}: ${r!.summary}`);
        core.endGroup();
        core.setOutput(`${stage}-outcome`, r!.outcome);
        if (stage === 'validate' && Array.isArray(r!.result)) annotateDatasets(r!.result as Array<ValidationResult & { dataset: string }>);
        else if (r!.outcome === 'fail') core.error(`${stage}: ${r!.summary}`, { title: `mlci ${stage}`, file: workspaceRelative(r!.error?.file), startLine: r!.error?.line });
      }
    },
  });
  // One result file per stage, as the single-step actions leave them (one dataset: its result alone).
  for (const stage of result.stages) {
    const value = Array.isArray(stage.result) && stage.result.length === 1 ? stage.result[0] : stage.result;
    await writeStepResult(stage.stage, value ?? { outcome: stage.outcome, summary: stage.summary });
  }
  const file = await writeStepResult('pipeline', result);
  core.setOutput('outcome', result.outcome);
  core.setOutput('verdict', result.verdict);
  core.setOutput('run-id', result.runId ?? '');
  core.setOutput('result-file', file);
  await core.summary
    .addRaw(`### ${result.outcome === 'fail' ? '❌' : result.outcome === 'warn' ? '⚠️' : '✅'} mlci: ${escapeMarkdown(result.verdict)}\n\n`)
    .addRaw(markdownTable(['stage', 'outcome', 'summary', 'time'], result.stages.map((s) => [s.stage, `${icon(s)} ${s.outcome}`, escapeMarkdown(s.summary), `${(s.durationMs / 1000).toFixed(1)} s`]), ['l', 'l', 'l', 'r']) + '\n')
    .write();
  await postReport(result);
  if (result.outcome === 'fail') core.setFailed(result.verdict);
}

/** A path as GitHub places annotations: relative to the workspace. */
const workspaceRelative = (file: string | undefined) => (file && isAbsolute(file) ? relative(process.env.GITHUB_WORKSPACE ?? process.cwd(), file) : file);

/** Line annotations for each failed dataset, exactly as data-schema-validate leaves them. */
function annotateDatasets(results: Array<ValidationResult & { dataset: string; path?: string }>): void {
  for (const r of results) if (r.outcome === 'fail') annotateValidation(r, r.path ?? r.file, 10, `mlci validate (${r.dataset})`);
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
      sections.push(suffix ? { ...section, id: `${stage.stage}-${suffix.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30)}` } : section);
    });
  }
  // Say what did not run because the data failed, under the first failed data section (a reader looks there).
  const stopped = result.stages.filter((s) => s.stoppedByData).map((s) => s.stage);
  const dataFailure = sections.find((s) => s.kind === 'data' && s.outcome === 'fail');
  if (stopped.length && dataFailure) dataFailure.body += `\n\n> Not run because the data failed validation: ${stopped.join(', ')} (mlci.yml \`on-fail: stop\`; \`continue\` runs them anyway).`;
  return sections;
}

/** The sticky PR comment (pull requests only) and the report files; a read-only token gives a notice. */
async function postReport(result: PipelineResult): Promise<void> {
  if (!booleanInput('comment', true)) return;
  const token = core.getInput('github-token');
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
  const client = token && owner && repo ? createGitHubClient({ token, logger }) : null;
  const pr = client ? await resolvePullRequest(client, owner, repo, await readEvent()).catch(() => null) : null;
  const published = await publishReport({
    sections: pipelineSections(result),
    github: client ? { client, owner, repo, issueNumber: pr?.number ?? null } : undefined,
    headSha: pr?.headSha ?? null,
    notice: (message) => core.notice(message, { title: 'mlci report not posted as a comment' }),
  });
  if (published.comment) {
    core.info(`report comment ${published.comment.action} (id ${published.comment.commentId})`);
    core.setOutput('comment-id', String(published.comment.commentId));
  }
  core.setOutput('report-file', published.files.markdown);
}
