import { usageError } from '@mlci/core';
import { publishReport, readEvent, reportDir, resolvePullRequest, type PublishResult, type ReportSection } from '@mlci/report';
import type { ActionContext } from './context';

export interface JobReportOptions {
  /** Write the report to the job summary too (the pipeline writes its own table instead). */
  summary: boolean;
  /** Posting mode (`post-results`): a token, the repository and the PR are required, not best effort. */
  required?: boolean;
}

/**
 * The one way an action publishes the job's report: report files, the job summary (if asked) and the sticky
 * PR comment when the job is a pull request with a token that may write. Sets `report-file` and
 * `comment-id`; a read-only token (a fork's PR) gives a notice, not a failure.
 */
export async function publishJobReport(ctx: ActionContext, sections: ReportSection[], options: JobReportOptions): Promise<PublishResult> {
  const client = ctx.github();
  if (options.required && !client) throw usageError('posting a report needs input "github-token" and GITHUB_REPOSITORY');
  const { owner, repo } = ctx.repository ?? { owner: '', repo: '' };
  const event = await readEvent();
  // Outside posting mode the PR is best effort: a job whose event names none still gets its summary and files.
  const pr = client
    ? await resolvePullRequest(client, owner, repo, event).catch((error) => (options.required ? Promise.reject(error) : null))
    : null;
  const published = await publishReport({
    sections,
    comment: ctx.input.boolean('comment', true),
    github: client ? { client, owner, repo, issueNumber: pr?.number ?? null } : undefined,
    // In posting mode GITHUB_SHA is the trusted workflow's commit, not the pull request's.
    headSha: pr?.headSha ?? (options.required ? null : (ctx.env.GITHUB_SHA ?? null)),
    // The posting workflow's own run is not where the results came from: no link in that mode.
    detailsUrl: options.required ? undefined : ctx.runUrl,
    outDir: reportDir(ctx.env),
    writeSummary: options.summary ? (markdown) => ctx.summary(markdown) : undefined,
    notice: (message) => ctx.notice(message, { title: 'mlci report not posted as a comment' }),
    maxAttempts: ctx.input.number('max-attempts', 5),
  });
  if (published.comment) {
    ctx.logger.info(`report comment ${published.comment.action} (id ${published.comment.commentId})`);
    ctx.output('comment-id', published.comment.commentId);
  } else if (published.skipped) ctx.logger.info(`no comment: ${published.skipped}`);
  ctx.output('report-file', published.files.markdown);
  return published;
}
