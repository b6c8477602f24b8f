/**
 * Publishing the report from a job: the job summary (always), the report files for upload (always), and the
 * sticky PR comment (when there is a PR and the token may write). A read-only token (a fork's pull request)
 * is not a failure: the comment is skipped with a notice saying how to post it (see README: workflow_run).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { statusOf, writeFileAtomic, writeJsonAtomic } from '@mlci/core';
import type { GitHubClient } from '@mlci/core/github';
import { renderReport, toStored, type RenderReportOptions } from './comment';
import { upsertReport, type UpsertReportResult } from './comment-sticky';
import type { ReportSection } from './render-sections';

/** Where the report files go for upload: `$RUNNER_TEMP/mlci/report/` (report.json, report.md). */
export const reportDir = (env: Record<string, string | undefined> = process.env) => join(env.RUNNER_TEMP ?? '.', 'mlci', 'report');

/** The job summary is limited to 1 MiB per step; the full report stays well under it. */
const SUMMARY_BUDGET = 900_000;

/** report.json: what a later workflow (workflow_run) reads to post the comment. Treat it as untrusted there. */
export interface SavedReport {
  schema: 1;
  /** Pull request number when known, else null (resolve it by head SHA). */
  pullRequest: number | null;
  headSha: string | null;
  sections: ReportSection[];
}

export interface PublishOptions extends RenderReportOptions {
  sections: ReportSection[];
  /** Post the sticky comment. @default true */
  comment?: boolean;
  /** Needed for the comment: a client, the repo and the PR number (null: not a PR; the comment is skipped). */
  github?: { client: GitHubClient; owner: string; repo: string; issueNumber: number | null };
  /** Head commit, saved in report.json for the workflow_run pattern. */
  headSha?: string | null;
  /** Appends to the job summary (core.summary in an action). Omitted: no summary. */
  writeSummary?: (markdown: string) => Promise<void>;
  /** Directory for report.json and report.md. @default reportDir() */
  outDir?: string;
  /** Where notices go (core.notice in an action). */
  notice?: (message: string) => void;
  /** Read-merge-write rounds for the comment. @default 5 */
  maxAttempts?: number;
  /** Pause before verifying a write, in ms (see UpsertReportOptions.settleMs). @default 1000 */
  settleMs?: number;
}

export interface PublishResult {
  /** Full report (no length budget other than the summary's). */
  markdown: string;
  files: { json: string; markdown: string };
  comment: UpsertReportResult | null;
  /** Why no comment was posted, in plain words (null when it was). */
  skipped: string | null;
}

export async function publishReport(options: PublishOptions): Promise<PublishResult> {
  const stored = options.sections.map(toStored);
  const full = renderReport(stored, { ...options, budget: SUMMARY_BUDGET }).body;
  const dir = options.outDir ?? reportDir();
  const files = { json: join(dir, 'report.json'), markdown: join(dir, 'report.md') };
  const saved: SavedReport = {
    schema: 1,
    pullRequest: options.github?.issueNumber ?? null,
    headSha: options.headSha ?? null,
    sections: options.sections,
  };
  await writeJsonAtomic(files.json, saved);
  await writeFileAtomic(files.markdown, full);
  if (options.writeSummary) await options.writeSummary(full);

  let skipped: string | null = null;
  let comment: UpsertReportResult | null = null;
  if (options.comment === false) skipped = 'comments are turned off (comment: false)';
  else if (!options.github) skipped = 'no GitHub token or repository: the report is in the job summary only';
  else if (options.github.issueNumber === null) skipped = 'not a pull request: the report is in the job summary only';
  else {
    const { client, owner, repo, issueNumber } = options.github;
    try {
      comment = await upsertReport({ ...options, client, owner, repo, issueNumber, sections: options.sections });
    } catch (error) {
      if (statusOf(error) !== 403 && statusOf(error) !== 404) throw error;
      skipped =
        `the token may not write to pull request #${issueNumber} (HTTP ${statusOf(error)}: a pull request from a fork gets a read-only token). ` +
        `The report is in the job summary and saved as ${files.json} and ${files.markdown}. To post it, upload the step results ` +
        '($RUNNER_TEMP/mlci/results) as an artifact and run compare-to-champion with `post-results` in a workflow_run workflow ' +
        '(see the mlci report README, "Pull requests from forks").';
      options.notice?.(skipped);
    }
  }
  return { markdown: full, files, comment, skipped };
}

/** Reads a saved report.json (e.g. downloaded in a workflow_run job). Untrusted: sections are re-checked. */
export async function readSavedReport(file: string): Promise<SavedReport> {
  const data = JSON.parse(await readFile(file, 'utf8')) as SavedReport;
  if (data?.schema !== 1 || !Array.isArray(data.sections)) throw new Error(`${file}: not an mlci report.json`);
  return data;
}
