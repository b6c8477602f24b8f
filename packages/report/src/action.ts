/**
 * The compare-to-champion action: compare the run(s) this job trained with the baseline, then publish the
 * one PR report built from every mlci step's result in this job ($RUNNER_TEMP/mlci/results/*.json), to
 * the sticky comment and the job summary. A read-only token (a fork's PR) gives a notice, not a failure.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import * as core from '@actions/core';
import { fileError, inputError, usageError } from '@mlci/core';
import { booleanInput, numberInput, resultsDir, writeStepResult } from '@mlci/core/action';
import { createGitHubClient } from '@mlci/core/github';
import type { RunLike } from './compare';
import { compareJob } from './compare-job';
import { parseThresholds } from './compare-spec';
import { publishReport, reportDir } from './publish';
import { readEvent, resolvePullRequest } from './pull-request';
import { SECTION_ORDER, sectionFor, type ReportSection } from './render-sections';

/** Result files that are not a step's own section (the pipeline's aggregate repeats the others). */
const NOT_SECTIONS = new Set(['pipeline']);

/** Every step result in the job's results directory, as report sections (ordered; unreadable files noted). */
export async function sectionsFromResults(dir: string, warn: (m: string) => void = () => {}): Promise<ReportSection[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const sections: ReportSection[] = [];
  for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
    const id = basename(file, '.json').toLowerCase();
    if (NOT_SECTIONS.has(id) || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(id)) continue;
    try {
      sections.push(sectionFor(id, JSON.parse(await readFile(join(dir, file), 'utf8'))));
    } catch (error) {
      warn(`skipped ${file} in the report: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const rank = (id: string) => (SECTION_ORDER.includes(id) ? SECTION_ORDER.indexOf(id) : SECTION_ORDER.length);
  return sections.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

async function readRunFile(file: string): Promise<RunLike> {
  const text = await readFile(file, 'utf8').catch((error) => {
    throw fileError(file, error);
  });
  let run: RunLike;
  try {
    run = JSON.parse(text);
  } catch {
    throw inputError('not a run record (invalid JSON)', { file });
  }
  if (!run || typeof run.id !== 'string' || typeof run.metrics !== 'object') throw inputError('not a run record: expected `id` and `metrics`', { file, hint: 'give the train-and-log result file or a run id' });
  return { ...run, name: typeof run.name === 'string' ? run.name : run.id };
}

/**
 * Posting mode (`post-results: DIR`), for the trusted half of the two-workflow pattern: the sections are
 * re-rendered here from the raw step results (untrusted: every string is escaped again, nothing pre-rendered
 * is reused) and the PR comes from the trusted event (workflow_run's head SHA), never from the artifact.
 */
async function postResults(dir: string): Promise<void> {
  const token = core.getInput('github-token');
  const [owner, repo] = (process.env.GITHUB_REPOSITORY ?? '').split('/');
  if (!token || !owner || !repo) throw usageError('posting a report needs input "github-token" and GITHUB_REPOSITORY');
  const client = createGitHubClient({ token, logger: { info: core.info, warn: core.warning, error: core.error, debug: core.debug } });
  const sections = await sectionsFromResults(dir, core.warning);
  if (!sections.length) throw inputError('no step results (*.json) to post', { file: dir, hint: 'download the artifact holding $RUNNER_TEMP/mlci/results from the pull request run first' });
  const pr = await resolvePullRequest(client, owner, repo, await readEvent());
  const published = await publishReport({
    sections,
    github: { client, owner, repo, issueNumber: pr?.number ?? null },
    headSha: pr?.headSha ?? null,
    outDir: reportDir(),
    writeSummary: async (markdown) => {
      await core.summary.addRaw(markdown).write();
    },
    notice: (message) => core.notice(message, { title: 'mlci report not posted' }),
    maxAttempts: numberInput('max-attempts', 5),
  });
  const worst = sections.some((s) => s.outcome === 'fail') ? 'fail' : sections.some((s) => s.outcome === 'warn') ? 'warn' : 'pass';
  core.setOutput('verdict', worst);
  core.setOutput('report-file', published.files.markdown);
  if (published.comment) core.setOutput('comment-id', String(published.comment.commentId));
  else core.notice(`report not posted: ${published.skipped}`);
}

export async function runCompareAction(): Promise<void> {
  const post = core.getInput('post-results');
  if (post) return postResults(post);
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const token = core.getInput('github-token');
  const repoFull = process.env.GITHUB_REPOSITORY ?? '';
  const [owner, repo] = repoFull.split('/');
  const logger = { info: core.info, warn: core.warning, error: core.error, debug: core.debug };
  const client = token && owner && repo ? createGitHubClient({ token, logger }) : null;
  const { openBackends, getChampion } = await import('@mlci/registry');
  const registryChoice = (core.getInput('registry') || 'auto') as 'auto' | 'github' | 'local';
  // Main's runs come from the repository's workflow artifacts whenever the registry is GitHub's.
  const { store, registry } = await openBackends({ projectDir: core.getInput('project') || workspace, store: registryChoice, registry: registryChoice, token: token || undefined, logger });
  const runsInput = core.getInput('run').split('\n').map((l) => l.trim()).filter(Boolean);
  const resultFile = core.getInput('result-file');
  if (runsInput.length && resultFile) throw usageError('give either input "run" or "result-file", not both');
  let candidates: Array<string | RunLike>;
  if (runsInput.length) candidates = runsInput;
  else candidates = [await readRunFile(resultFile || join(resultsDir(), 'train.json'))];

  const baselineInput = (core.getInput('baseline') || 'champion').trim();
  const model = core.getInput('model') || undefined;
  const champion = (name: string) => getChampion(registry, name);
  const result = await core.group('Compare with the baseline', () =>
    compareJob({
      store,
      candidates,
      baseline: baselineInput === 'none' ? null : baselineInput,
      model,
      champion,
      defaultBranch: core.getInput('default-branch') || 'main',
      metrics: parseThresholds(core.getInput('thresholds'), 'input "thresholds"'),
      primary: core.getInput('primary') || undefined,
    }),
  );
  const compareFile = await writeStepResult('compare', result);

  const sections = await sectionsFromResults(resultsDir(), core.warning);
  const event = await readEvent();
  const pr = client ? await resolvePullRequest(client, owner, repo, event).catch(() => null) : null;
  const serverUrl = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = process.env.GITHUB_RUN_ID && repoFull ? `${serverUrl}/${repoFull}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
  const published = await core.group('Publish the report', () =>
    publishReport({
      sections,
      comment: booleanInput('comment', true),
      github: client ? { client, owner, repo, issueNumber: pr?.number ?? null } : undefined,
      headSha: pr?.headSha ?? process.env.GITHUB_SHA ?? null,
      detailsUrl: runUrl,
      outDir: reportDir(),
      writeSummary: async (markdown) => {
        await core.summary.addRaw(markdown).write();
      },
      notice: (message) => core.notice(message, { title: 'mlci report not posted as a comment' }),
      maxAttempts: numberInput('max-attempts', 5),
    }),
  );
  if (published.comment) core.info(`report comment ${published.comment.action} (id ${published.comment.commentId})`);
  else if (published.skipped) core.info(`no comment: ${published.skipped}`);

  core.setOutput('verdict', result.outcome);
  core.setOutput('best-run', result.bestRun ?? result.candidate.id);
  core.setOutput('report-file', published.files.markdown);
  core.setOutput('result-file', compareFile);
  if (published.comment) core.setOutput('comment-id', String(published.comment.commentId));
  for (const key of result.regressions) core.error(`gated metric regressed: ${key}`, { title: 'mlci compare-to-champion' });
  if (result.outcome === 'fail') core.setFailed(`${result.regressions.length} gated metric(s) regressed against the ${result.baseline?.source ?? 'baseline'}: ${result.regressions.join(', ')}`);
}
