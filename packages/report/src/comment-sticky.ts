/**
 * Creating and updating the one sticky report comment of a pull request, safely under concurrency.
 *
 * Two jobs may update the comment at once (say drift and training finish together). GitHub has no
 * compare-and-swap for comments, so each writer does read-modify-write and then verifies: it re-reads the
 * comment, and when its own section is not there as written, or a section it saw before has vanished
 * (another writer overwrote the body with an older copy), it merges again and writes again, up to
 * `maxAttempts` times with a short random pause. A racing first run can create a second comment: every
 * writer keeps the oldest (by created_at, then id), merges the others' sections into it and deletes them.
 *
 * Only comments the token itself wrote are report comments (as marocchino/sticky-pull-request-comment does):
 * a person's comment that quotes the marker is never edited or deleted. Who the token is: `tokenIdentity`
 * (@mlci/core/github: GET /user, else MLCI_BOT_LOGIN, else github-actions[bot]), or the `identity` option.
 */
import { authoredBy, MlciError, statusOf, tokenIdentity } from '@mlci/core';
import type { GitHubClient } from '@mlci/core/github';
import { isReport, mergeSections, parseSections, renderReport, toStored, type RenderReportOptions, type StoredSection } from './comment';
import type { ReportSection } from './render-sections';

export interface UpsertReportOptions extends RenderReportOptions {
  client: GitHubClient;
  owner: string;
  repo: string;
  /** The pull request (issue) number. */
  issueNumber: number;
  /** The sections this step owns; each replaces the section of the same id. */
  sections: ReportSection[];
  /** Read-merge-write-verify rounds before giving up (1..20). @default 5 */
  maxAttempts?: number;
  /** Upper bound of the random pause between rounds, in ms. @default 400 */
  jitterMs?: number;
  /**
   * Pause after a write before re-reading to verify it, in ms (0..60,000). Another job's write that was in
   * flight when ours landed shows up within this time; a longer pause catches slower racers.
   * @default 1000
   */
  settleMs?: number;
  /** The login whose comments are taken over. @default tokenIdentity(client) */
  identity?: string;
}

export interface UpsertReportResult {
  /** The comment's id. */
  commentId: number;
  /** 'created' on the first run, 'updated' when the body changed, 'unchanged' when it already said this. */
  action: 'created' | 'updated' | 'unchanged';
  /** Rounds used (1 when nobody raced). */
  attempts: number;
  /** Duplicate report comments merged and deleted. */
  removedDuplicates: number[];
  /** Sections shortened to fit GitHub's limit. */
  truncated: string[];
  /** The body as written. */
  body: string;
  /** All section ids in the comment after the update. */
  sectionIds: string[];
}

interface Comment {
  id: number;
  body?: string | null;
  created_at: string;
  user?: { login?: string } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const is404 = (error: unknown) => statusOf(error) === 404;

/** Every report comment `identity` wrote on the PR, oldest first (all pages, 100 a page). @default identity: the token's */
export async function findReportComments(
  client: GitHubClient,
  owner: string,
  repo: string,
  issueNumber: number,
  key = '',
  identity?: string,
): Promise<Comment[]> {
  const mine = authoredBy(identity ?? (await tokenIdentity(client)));
  const all = (await client.paginate(client.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  })) as Comment[];
  return all.filter((c) => mine(c) && isReport(c.body, key)).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
}

/** Creates or updates the report comment with this step's sections, keeping every other step's (see module comment). */
export async function upsertReport(options: UpsertReportOptions): Promise<UpsertReportResult> {
  const { client, owner, repo, issueNumber } = options;
  const key = options.key ?? '';
  const identity = options.identity ?? (await tokenIdentity(client));
  const mine = options.sections.map(toStored);
  const maxAttempts = Math.min(20, Math.max(1, options.maxAttempts ?? 5));
  const jitter = options.jitterMs ?? 400;
  const settle = Math.min(60_000, Math.max(0, options.settleMs ?? 1000));
  let wrote = false;
  const removedDuplicates: number[] = [];
  /** Every section seen in any round: a section never disappears unless it is replaced. */
  let seen: StoredSection[] = [];
  let action: UpsertReportResult['action'] = 'unchanged';
  let written: { id: number; body: string; truncated: string[] } | null = null;

  // Round r reads (and verifies round r-1's write), then writes; the round after the last write only verifies.
  for (let attempt = 1; ; attempt++) {
    if (wrote) await sleep(settle);
    if (attempt > 2) await sleep(Math.floor(Math.random() * jitter));
    wrote = false;
    const comments = await findReportComments(client, owner, repo, issueNumber, key, identity);
    const [primary, ...duplicates] = comments;

    // Verification of the previous round: our write holds when the comment we wrote is the primary one,
    // has our sections as written, has lost no section, and there is no duplicate left.
    if (written && primary && primary.id === written.id && !duplicates.length) {
      const now = parseSections(primary.body ?? '');
      const has = (s: StoredSection) =>
        now.some((x) => x.id === s.id && (mine.some((m) => m.id === s.id) ? x.markdown === s.markdown : true));
      if (mine.every(has) && seen.every((s) => now.some((x) => x.id === s.id))) {
        return {
          commentId: primary.id,
          action,
          attempts: attempt - 1,
          removedDuplicates,
          truncated: written.truncated,
          body: primary.body ?? '',
          sectionIds: now.map((s) => s.id),
        };
      }
    }

    if (attempt > maxAttempts) break;
    // Merge: everything seen so far, then the duplicates (newer first loses to older), then the primary's
    // current text (freshest for other writers' sections), then ours.
    const fromDuplicates = duplicates.map((d) => parseSections(d.body ?? ''));
    const fromPrimary = primary ? parseSections(primary.body ?? '') : [];
    const merged = mergeSections(seen, ...fromDuplicates.reverse(), fromPrimary, mine);
    seen = merged.filter((s) => !mine.some((m) => m.id === s.id));
    const { body, truncated } = renderReport(merged, options);

    if (!primary) {
      const created = await client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
      written = { id: created.data.id, body, truncated };
      action = 'created';
      wrote = true;
    } else {
      if (primary.body !== body) {
        try {
          await client.rest.issues.updateComment({ owner, repo, comment_id: primary.id, body });
          if (action !== 'created') action = 'updated';
          wrote = true;
        } catch (error) {
          if (!is404(error)) throw error; // deleted by a racing writer: the next round finds the survivor
        }
      }
      written = { id: primary.id, body, truncated };
      for (const d of duplicates) {
        try {
          await client.rest.issues.deleteComment({ owner, repo, comment_id: d.id });
          removedDuplicates.push(d.id);
          wrote = true;
        } catch (error) {
          if (!is404(error)) throw error; // another writer removed it first
        }
      }
    }
  }
  throw new MlciError('remote', `the report comment on #${issueNumber} kept changing under us: gave up after ${maxAttempts} attempts`, {
    hint: 'another job may be rewriting it in a loop; rerun this job, or raise max-attempts',
  });
}
