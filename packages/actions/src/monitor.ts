/**
 * The drift monitor's voice on GitHub: ONE issue per monitor, found again by a hidden marker in its body and
 * its author (the token's identity, as for the sticky comment: a person's issue quoting the marker is not ours).
 *
 * - Drift crossed the threshold and no open issue carries the marker: open one (and, if asked, dispatch a
 *   retraining workflow: once per drift episode, so a drift that retraining does not cure cannot start a
 *   retraining on every scheduled run).
 * - Drift again while the issue is open: rewrite its body with the latest report (no new issue, no comment,
 *   so a daily schedule does not notify anyone daily).
 * - A clean run while the issue is open: comment that drift cleared and, by default, close it.
 *
 * Everything that comes from the data (column names, file names) is escaped with escapeMarkdown; the
 * report is expected to be safe already (driftMarkdown escapes what it shows).
 */
import { codeSpan, escapeMarkdown, silentLogger, type Logger } from '@mlci/core';
import { authoredBy, describeGitHubError, tokenIdentity, type GitHubClient } from '@mlci/core/github';

export interface DriftFacts {
  /** The current (production) data as the workflow named it. */
  data: string;
  /** The reference data (what the champion was trained on). */
  reference: string;
  /** Drifted columns / compared columns, 0 to 1. */
  driftShare: number;
  driftedColumns: string[];
  /** The workflow run that found it (a link in the issue). Optional. */
  runUrl?: string;
}

export interface DriftIssueOptions {
  /** A client from createGitHubClient (token needs `issues: write`, and `actions: write` to dispatch). */
  client: GitHubClient;
  owner: string;
  repo: string;
  /** Drift crossed the threshold in this run (the check's outcome is fail). */
  drifted: boolean;
  /** Title of a new issue. Line breaks are removed and it is cut to 256 characters (GitHub's limit). */
  title: string;
  /** The drift report in Markdown, already escaped (driftMarkdown's output); put under the issue's header. */
  report: string;
  facts: DriftFacts;
  /**
   * Which monitor this is, for repositories with several: the marker becomes `<!-- mlci:drift-monitor:KEY -->`.
   * Letters, digits, `.`, `_`, `-`. @default '' (`<!-- mlci:drift-monitor -->`)
   */
  key?: string;
  /** Close the issue when a clean run follows an open one (after commenting). @default true */
  closeWhenClear?: boolean;
  /** Labels for a new issue; GitHub creates missing ones. @default [] */
  labels?: string[];
  /**
   * Retraining to start when a drift episode opens the issue: `POST actions/workflows/{workflow}/dispatches`.
   * The workflow must have a `workflow_dispatch` trigger. @default none
   */
  dispatch?: { workflow: string; ref: string; inputs?: Record<string, string> };
  /** @default silentLogger */
  logger?: Logger;
}

export interface DriftIssueResult {
  /** opened: new issue; updated: body rewritten; cleared: commented (and closed); none: clean and no issue. */
  action: 'opened' | 'updated' | 'cleared' | 'none';
  issue?: { number: number; url: string; state: 'open' | 'closed' };
  /** Set when a retraining workflow was dispatched. */
  dispatched?: { workflow: string; ref: string };
}

/** The hidden marker that identifies the monitor's issue. */
export function driftMarker(key = ''): string {
  if (key && !/^[A-Za-z0-9._-]{1,64}$/.test(key)) throw new Error(`drift monitor key must be 1-64 of [A-Za-z0-9._-], got "${key}"`);
  return `<!-- mlci:drift-monitor${key ? `:${key}` : ''} -->`;
}

/** An issue title from user or data text: one line, at most 256 characters. */
export function issueTitle(title: string): string {
  const line = title
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > 256 ? `${line.slice(0, 255)}…` : line || 'Data drift detected';
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const columnList = (columns: string[]) => (columns.length ? columns.map(codeSpan).join(', ') : 'none');
const runLink = (url?: string) => (url && /^https?:\/\/[^\s()<>]+$/.test(url) ? ` ([workflow run](${url}))` : '');

/** The issue body: marker, a short header with the facts, then the report. */
export function driftIssueBody(options: Pick<DriftIssueOptions, 'key' | 'report' | 'facts'>, when = new Date()): string {
  const f = options.facts;
  return [
    driftMarker(options.key),
    `**Data drift detected** on ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC${runLink(f.runUrl)}.`,
    '',
    `- current data: ${escapeMarkdown(f.data)}`,
    `- reference (the champion's training data): ${escapeMarkdown(f.reference)}`,
    `- drifted columns: ${columnList(f.driftedColumns)} (share ${percent(f.driftShare)})`,
    '',
    'mlci keeps this one issue up to date while the drift lasts, and comments here when a later run finds none.',
    '',
    options.report.trim(),
    '',
  ].join('\n');
}

/** The comment left when a clean run follows. */
export function driftClearedComment(facts: DriftFacts, when = new Date()): string {
  return `${'✅'} **Drift cleared** on ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC${runLink(facts.runUrl)}: ${escapeMarkdown(facts.data)} matches ${escapeMarkdown(facts.reference)} again (drifted share ${percent(facts.driftShare)}).`;
}

/** Opens, updates or clears the monitor's issue and dispatches retraining on a new episode (see the module comment). */
export async function syncDriftIssue(options: DriftIssueOptions): Promise<DriftIssueResult> {
  const { client, owner, repo } = options;
  const logger = options.logger ?? silentLogger;
  const marker = driftMarker(options.key);
  const fail =
    (operation: string, permission: string) =>
    (error: unknown): never => {
      throw describeGitHubError(error, { operation, permission });
    };

  const open = await client
    .paginate(client.rest.issues.listForRepo, { owner, repo, state: 'open', per_page: 100 })
    .catch(fail('list the open issues to find the drift issue', 'issues: read'));
  const mine = authoredBy(await tokenIdentity(client));
  const existing = open.filter((i) => !i.pull_request && mine(i) && (i.body ?? '').includes(marker)).sort((a, b) => a.number - b.number)[0];

  if (!options.drifted) {
    if (!existing) return { action: 'none' };
    await client.rest.issues
      .createComment({ owner, repo, issue_number: existing.number, body: driftClearedComment(options.facts) })
      .catch(fail(`comment on drift issue #${existing.number}`, 'issues: write'));
    const close = options.closeWhenClear ?? true;
    if (close) {
      await client.rest.issues
        .update({ owner, repo, issue_number: existing.number, state: 'closed', state_reason: 'completed' })
        .catch(fail(`close drift issue #${existing.number}`, 'issues: write'));
    }
    logger.info(`drift cleared: commented on #${existing.number}${close ? ' and closed it' : ''}`);
    return { action: 'cleared', issue: { number: existing.number, url: existing.html_url, state: close ? 'closed' : 'open' } };
  }

  const body = driftIssueBody(options);
  if (existing) {
    await client.rest.issues
      .update({ owner, repo, issue_number: existing.number, body })
      .catch(fail(`update drift issue #${existing.number}`, 'issues: write'));
    logger.info(`drift persists: updated #${existing.number}`);
    return { action: 'updated', issue: { number: existing.number, url: existing.html_url, state: 'open' } };
  }

  const created = await client.rest.issues
    .create({ owner, repo, title: issueTitle(options.title), body, ...(options.labels?.length ? { labels: options.labels } : {}) })
    .catch(fail('open the drift issue', 'issues: write'));
  logger.info(`drift detected: opened #${created.data.number}`);
  const result: DriftIssueResult = { action: 'opened', issue: { number: created.data.number, url: created.data.html_url, state: 'open' } };
  if (options.dispatch) result.dispatched = await dispatchWorkflow(client, owner, repo, options.dispatch);
  return result;
}

/** Starts a workflow that has a `workflow_dispatch` trigger (needs `actions: write`). */
export async function dispatchWorkflow(
  client: GitHubClient,
  owner: string,
  repo: string,
  dispatch: NonNullable<DriftIssueOptions['dispatch']>,
): Promise<{ workflow: string; ref: string }> {
  await client.rest.actions
    .createWorkflowDispatch({
      owner,
      repo,
      workflow_id: dispatch.workflow,
      ref: dispatch.ref,
      ...(dispatch.inputs ? { inputs: dispatch.inputs } : {}),
    })
    .catch((error: unknown) => {
      throw describeGitHubError(error, {
        operation: `dispatch workflow ${dispatch.workflow} on ${dispatch.ref}`,
        permission: 'actions: write',
      });
    });
  return { workflow: dispatch.workflow, ref: dispatch.ref };
}
