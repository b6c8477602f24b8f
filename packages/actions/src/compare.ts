/**
 * compare-to-champion: compare the run(s) this job trained with the baseline, then publish the one PR
 * report built from every mlci step's result in this job, to the sticky comment and the job summary.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileError, inputError, usageError } from '@mlci/core';
import { getChampion } from '@mlci/registry';
import { compareJob, parseThresholds, sectionsFromResults, type RunLike } from '@mlci/report';
import type { ActionContext } from './context';
import { publishJobReport } from './report';
import { parseRunFile } from './run-file';

async function readRunFile(file: string): Promise<RunLike> {
  const text = await readFile(file, 'utf8').catch((error) => {
    throw fileError(file, error);
  });
  // NaN/±inf come back as numbers from train.json's "NaN"/"Infinity" strings, as from a stored run.
  return parseRunFile(text, file, 'give the train-and-log result file or a run id');
}

/**
 * Posting mode (`post-results: DIR`), for the trusted half of the two-workflow pattern: the sections are
 * re-rendered here from the raw step results (untrusted: every string is escaped again, nothing pre-rendered
 * is reused) and the PR comes from the trusted event (workflow_run's head SHA), never from the artifact.
 */
async function postResults(ctx: ActionContext, dir: string): Promise<void> {
  if (!ctx.github()) throw usageError('posting a report needs input "github-token" and GITHUB_REPOSITORY');
  const sections = await sectionsFromResults(dir, ctx.warning);
  if (!sections.length)
    throw inputError('no step results (*.json) to post', {
      file: dir,
      hint: 'download the artifact holding $RUNNER_TEMP/mlci/results from the pull request run first',
    });
  const published = await publishJobReport(ctx, sections, { summary: true, required: true });
  const worst = sections.some((s) => s.outcome === 'fail') ? 'fail' : sections.some((s) => s.outcome === 'warn') ? 'warn' : 'pass';
  ctx.output('verdict', worst);
  if (!published.comment) ctx.notice(`report not posted: ${published.skipped}`);
}

export async function compareAction(ctx: ActionContext): Promise<void> {
  const { input } = ctx;
  const post = input.string('post-results');
  if (post) return postResults(ctx, post);
  // Main's runs come from the repository's workflow artifacts whenever the registry is GitHub's.
  const { store, registry } = await ctx.backends(
    input.choice('registry', ['auto', 'github', 'local'], 'auto'),
    input.string('project') || ctx.workspace,
  );
  const runsInput = input.list('run');
  const resultFile = input.string('result-file');
  if (runsInput.length && resultFile) throw usageError('give either input "run" or "result-file", not both');
  const candidates: Array<string | RunLike> = runsInput.length
    ? runsInput
    : [await readRunFile(resultFile || join(ctx.resultsDir, 'train.json'))];
  const baseline = (input.string('baseline') || 'champion').trim();
  const result = await ctx.group('Compare with the baseline', () =>
    compareJob({
      store,
      candidates,
      baseline: baseline === 'none' ? null : baseline,
      model: input.optional('model'),
      champion: (name: string) => getChampion(registry, name),
      defaultBranch: input.string('default-branch') || 'main',
      metrics: parseThresholds(input.string('thresholds'), 'input "thresholds"'),
      primary: input.optional('primary'),
    }),
  );
  const compareFile = await ctx.writeResult('compare', result);
  const sections = await sectionsFromResults(ctx.resultsDir, ctx.warning);
  await ctx.group('Publish the report', () => publishJobReport(ctx, sections, { summary: true }));
  ctx.output('verdict', result.outcome);
  ctx.output('best-run', result.bestRun ?? result.candidate.id);
  ctx.output('result-file', compareFile);
  for (const key of result.regressions) ctx.error(`gated metric regressed: ${key}`, { title: 'mlci compare-to-champion' });
  if (result.outcome === 'fail')
    ctx.fail(
      `${result.regressions.length} gated metric(s) regressed against the ${result.baseline?.source ?? 'baseline'}: ${result.regressions.join(', ')}`,
    );
}
