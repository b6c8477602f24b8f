import * as core from '@actions/core';
import { booleanInput, listInput, requiredInput, writeStepResult } from '@mlci/core/action';
import { usageError } from '@mlci/core';
import { createGitHubClient, repoFromEnv } from '@mlci/core/github';
// The monitor lives with the pipeline (it is about the GitHub side, not statistics); its own subpath, so the
// stats package does not load the whole pipeline.
import { dispatchWorkflow, syncDriftIssue } from '@mlci/pipeline/monitor';
import { loadDriftConfig } from './config';
import { checkDrift, type DriftResult } from './drift';
import { driftMarkdown } from './render';

/** The distribution-check action: compare, summarise with charts, set outputs, fail on drift if asked. */
export async function runDriftAction(): Promise<void> {
  const data = requiredInput('data');
  const reference = requiredInput('reference');
  const columns = listInput('columns').flatMap((l) => l.split(',')).map((c) => c.trim()).filter(Boolean);
  const options = await loadDriftConfig(core.getInput('config') || undefined);
  if (columns.length) options.columns = columns;
  const target = core.getInput('target');
  if (target) options.target = { ...options.target, column: target };
  const result = await checkDrift({ data, reference, options });
  await core.summary.addRaw(driftMarkdown(result)).write();
  const file = await writeStepResult('drift', result);
  core.setOutput('outcome', result.outcome);
  core.setOutput('drift-share', String(result.driftShare));
  core.setOutput('drifted-columns', result.driftedColumns.join(','));
  core.setOutput('result-file', file);
  for (const c of result.columns.filter((x) => x.drifted)) core.warning(`column "${c.column}" drifted`, { title: 'mlci distribution-check', file: data });
  await alertOnGitHub(result, data, reference);
  if (result.outcome === 'fail') {
    const message = `drift: ${result.driftedColumns.length} column(s) drifted (share ${result.driftShare})${result.target?.checks.some((t) => t.outcome === 'fail') ? ', target checks failed' : ''}`;
    if (booleanInput('fail-on-drift', true)) core.setFailed(message);
    else core.warning(message);
  }
}

/**
 * The monitor part, on only when `issue-title` or `dispatch-workflow` is given: one issue kept in step with
 * the drift (opened, updated, cleared), and retraining dispatched when a drift episode starts (with an issue)
 * or on every drifted run (without one). Drift "crossed the threshold" means the check's outcome is fail.
 */
async function alertOnGitHub(result: DriftResult, data: string, reference: string): Promise<void> {
  const title = core.getInput('issue-title').trim();
  const workflow = core.getInput('dispatch-workflow').trim();
  if (!title && !workflow) return;
  core.setOutput('issue-action', 'none');
  const token = core.getInput('github-token');
  if (!token) throw usageError('input "github-token" is empty but issue-title or dispatch-workflow asks for GitHub', 'pass `github-token: ${{ github.token }}` (the default) with `permissions: issues: write`');
  const { owner, repo, apiUrl } = repoFromEnv();
  const client = createGitHubClient({ token, baseUrl: apiUrl, logger: { info: core.info, warn: core.warning, error: core.error, debug: core.debug } });
  const ref = core.getInput('dispatch-ref').trim() || process.env.GITHUB_REF_NAME || process.env.GITHUB_REF || 'main';
  const dispatch = workflow ? { workflow, ref } : undefined;
  const drifted = result.outcome === 'fail';
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = process.env.GITHUB_RUN_ID ? `${server}/${owner}/${repo}/actions/runs/${process.env.GITHUB_RUN_ID}` : undefined;
  const facts = { data, reference, driftShare: result.driftShare, driftedColumns: result.driftedColumns, runUrl };
  if (!title) {
    if (drifted && dispatch) {
      await dispatchWorkflow(client, owner, repo, dispatch);
      core.info(`dispatched ${workflow} on ${ref}`);
      core.setOutput('dispatched', 'true');
    }
    return;
  }
  const alert = await syncDriftIssue({ client, owner, repo, drifted, title, report: driftMarkdown(result), facts, dispatch, logger: { info: core.info, warn: core.warning, error: core.error, debug: core.debug } });
  core.setOutput('issue-action', alert.action);
  core.setOutput('issue-number', alert.issue ? String(alert.issue.number) : '');
  core.setOutput('dispatched', alert.dispatched ? 'true' : 'false');
  if (alert.issue) core.notice(`drift issue #${alert.issue.number} ${alert.action}: ${alert.issue.url}`, { title: 'mlci drift monitor' });
  if (alert.dispatched) core.info(`dispatched ${alert.dispatched.workflow} on ${alert.dispatched.ref}`);
}
