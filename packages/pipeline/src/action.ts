import * as core from '@actions/core';
import { escapeMarkdown, markdownTable } from '@mlci/core';
import { booleanInput, writeStepResult } from '@mlci/core/action';
import { runPipeline } from './run';
import type { StageResult } from './types';

const icon = (s: StageResult) => (s.outcome === 'pass' ? '✅' : s.outcome === 'warn' ? '⚠️' : s.outcome === 'skipped' ? '➖' : '❌');

/**
 * The root action: the whole mlci.yml pipeline in one step, each stage in its own log group, with an
 * output per stage and a summary table. Promotion is on only when asked (by default on pushes to the
 * default branch, never in pull requests).
 */
export async function runPipelineAction(): Promise<void> {
  const isPullRequest = (process.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request');
  const result = await runPipeline({
    config: core.getInput('config') || 'mlci.yml',
    promote: booleanInput('promote', !isPullRequest),
    onStage: ({ stage, phase, result: r }) => {
      if (phase === 'start') core.startGroup(`mlci ${stage}`);
      else {
        core.info(`${r!.outcome}: ${r!.summary}`);
        core.endGroup();
        core.setOutput(`${stage}-outcome`, r!.outcome);
        if (r!.outcome === 'fail') core.error(`${stage}: ${r!.summary}`, { title: `mlci ${stage}` });
      }
    },
  });
  for (const stage of result.stages) await writeStepResult(stage.stage, stage.result ?? { outcome: stage.outcome, summary: stage.summary });
  const file = await writeStepResult('pipeline', result);
  core.setOutput('outcome', result.outcome);
  core.setOutput('verdict', result.verdict);
  core.setOutput('run-id', result.runId ?? '');
  core.setOutput('result-file', file);
  await core.summary
    .addRaw(`### ${result.outcome === 'fail' ? '❌' : result.outcome === 'warn' ? '⚠️' : '✅'} mlci: ${escapeMarkdown(result.verdict)}\n\n`)
    .addRaw(markdownTable(['stage', 'outcome', 'summary', 'time'], result.stages.map((s) => [s.stage, `${icon(s)} ${s.outcome}`, escapeMarkdown(s.summary), `${(s.durationMs / 1000).toFixed(1)} s`]), ['l', 'l', 'l', 'r']) + '\n')
    .write();
  if (result.outcome === 'fail') core.setFailed(result.verdict);
}
