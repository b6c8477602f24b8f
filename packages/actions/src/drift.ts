import { usageError } from '@mlci/core';
import { checkDrift, driftMarkdown, loadDriftConfig, parseMissingShare, type DriftResult } from '@mlci/stats';
import type { ActionContext } from './context';
import { dispatchWorkflow, syncDriftIssue } from './monitor';

/** distribution-check: compare, summarise with charts, set outputs, fail on drift if asked; the monitor when asked. */
export async function driftAction(ctx: ActionContext): Promise<void> {
  const { input } = ctx;
  const data = input.required('data');
  const reference = input.required('reference');
  const columns = input
    .list('columns')
    .flatMap((l) => l.split(','))
    .map((c) => c.trim())
    .filter(Boolean);
  const options = await loadDriftConfig(input.optional('config'));
  if (columns.length) options.columns = columns;
  const target = input.string('target');
  if (target) options.target = { ...options.target, column: target };
  const missingShare = input.string('missing-share').trim();
  if (missingShare) options.missingShare = parseMissingShare(missingShare, 'input "missing-share"');
  const result = await checkDrift({ data, reference, options });
  await ctx.summary(driftMarkdown(result));
  const file = await ctx.writeResult('drift', result);
  ctx.output('outcome', result.outcome);
  ctx.output('drift-share', result.driftShare);
  ctx.output('drifted-columns', result.driftedColumns.join(','));
  ctx.output('result-file', file);
  for (const c of result.columns.filter((x) => x.drifted))
    ctx.warning(`column "${c.column}" drifted`, { title: 'mlci distribution-check', file: data });
  await monitor(ctx, result, data, reference);
  if (result.outcome === 'fail') {
    const message = `drift: ${result.driftedColumns.length} column(s) drifted (share ${result.driftShare})${result.target?.checks.some((t) => t.outcome === 'fail') ? ', target checks failed' : ''}`;
    if (input.boolean('fail-on-drift', true)) ctx.fail(message);
    else ctx.warning(message);
  }
}

/**
 * The monitor part, on only when `issue-title` or `dispatch-workflow` is given: one issue kept in step with
 * the drift (opened, updated, cleared), and retraining dispatched when a drift episode starts (with an issue)
 * or on every drifted run (without one). Drift "crossed the threshold" means the check's outcome is fail.
 */
async function monitor(ctx: ActionContext, result: DriftResult, data: string, reference: string): Promise<void> {
  const title = ctx.input.string('issue-title').trim();
  const workflow = ctx.input.string('dispatch-workflow').trim();
  if (!title && !workflow) return;
  ctx.output('issue-action', 'none');
  if (!ctx.input.string('github-token'))
    throw usageError(
      'input "github-token" is empty but issue-title or dispatch-workflow asks for GitHub',
      'pass `github-token: ${{ github.token }}` (the default) with `permissions: issues: write`',
    );
  const client = ctx.github();
  if (!client || !ctx.repository)
    throw usageError(
      `GITHUB_REPOSITORY must be owner/repo, got '${ctx.env.GITHUB_REPOSITORY ?? ''}'`,
      'in a workflow the runner sets it; elsewhere export GITHUB_REPOSITORY=owner/repo',
    );
  const { owner, repo } = ctx.repository;
  const ref = ctx.input.string('dispatch-ref').trim() || ctx.env.GITHUB_REF_NAME || ctx.env.GITHUB_REF || 'main';
  const dispatch = workflow ? { workflow, ref } : undefined;
  const drifted = result.outcome === 'fail';
  const facts = { data, reference, driftShare: result.driftShare, driftedColumns: result.driftedColumns, runUrl: ctx.runUrl };
  if (!title) {
    if (drifted && dispatch) {
      await dispatchWorkflow(client, owner, repo, dispatch);
      ctx.logger.info(`dispatched ${workflow} on ${ref}`);
      ctx.output('dispatched', 'true');
    }
    return;
  }
  const alert = await syncDriftIssue({
    client,
    owner,
    repo,
    drifted,
    title,
    report: driftMarkdown(result),
    facts,
    dispatch,
    logger: ctx.logger,
  });
  ctx.output('issue-action', alert.action);
  ctx.output('issue-number', alert.issue ? String(alert.issue.number) : '');
  ctx.output('dispatched', alert.dispatched ? 'true' : 'false');
  if (alert.issue) ctx.notice(`drift issue #${alert.issue.number} ${alert.action}: ${alert.issue.url}`, { title: 'mlci drift monitor' });
  if (alert.dispatched) ctx.logger.info(`dispatched ${alert.dispatched.workflow} on ${alert.dispatched.ref}`);
}
