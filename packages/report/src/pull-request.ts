/**
 * Which pull request a job reports to. From the event payload when it names one (pull_request,
 * pull_request_target, issue_comment on a PR); for workflow_run and push, by the head commit: the open PR
 * whose head is that SHA (a fork's PR too: `workflow_run.pull_requests` is empty for forks), then GitHub's
 * commit-to-PR association.
 */
import { readFile } from 'node:fs/promises';
import type { GitHubClient } from '@mlci/core/github';

export interface PullRequestRef {
  number: number;
  headSha: string | null;
  /** How it was found: 'event', 'head-sha' (open PRs listed), 'commit' (commits/{sha}/pulls). */
  via: 'event' | 'head-sha' | 'commit';
}

/** A webhook payload: GitHub documents its fields per event; each reader checks the ones it uses. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type WebhookEvent = Record<string, any>;

/** The event payload at `GITHUB_EVENT_PATH`, or {} when there is none. */

export async function readEvent(path = process.env.GITHUB_EVENT_PATH): Promise<WebhookEvent> {
  if (!path) return {};
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return {};
  }
}

/** The PR the event names directly, with its head SHA, or null. */
export function pullRequestFromEvent(event: WebhookEvent): PullRequestRef | null {
  const pr = event.pull_request;
  if (pr && Number.isInteger(pr.number)) return { number: pr.number, headSha: pr.head?.sha ?? null, via: 'event' };
  if (event.issue?.pull_request && Number.isInteger(event.issue.number)) return { number: event.issue.number, headSha: null, via: 'event' };
  const runPrs = event.workflow_run?.pull_requests;
  if (Array.isArray(runPrs) && runPrs.length && Number.isInteger(runPrs[0].number))
    return { number: runPrs[0].number, headSha: event.workflow_run.head_sha ?? null, via: 'event' };
  return null;
}

/** The open PR whose head commit is `sha`, or null. */
export async function pullRequestForSha(client: GitHubClient, owner: string, repo: string, sha: string): Promise<PullRequestRef | null> {
  const open = await client.paginate(client.rest.pulls.list, { owner, repo, state: 'open', per_page: 100 });
  const hit = open.find((p) => p.head?.sha === sha);
  if (hit) return { number: hit.number, headSha: sha, via: 'head-sha' };
  try {
    const { data } = await client.rest.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha });
    // Only an open PR: a merged one's sticky comment describes that PR, not the branch it was merged into.
    const pr = data.find((p) => p.state === 'open');
    return pr ? { number: pr.number, headSha: sha, via: 'commit' } : null;
  } catch {
    return null;
  }
}

/** The event's PR, else the PR of the event's head SHA (workflow_run, push), else null. */
export async function resolvePullRequest(
  client: GitHubClient | null,
  owner: string,
  repo: string,
  event: WebhookEvent,
): Promise<PullRequestRef | null> {
  const direct = pullRequestFromEvent(event);
  if (direct) return direct;
  // A push to the default branch is main's own run: no pull request to report to.
  const defaultBranch = event.repository?.default_branch;
  if (typeof event.ref === 'string' && defaultBranch && event.ref === `refs/heads/${defaultBranch}`) return null;
  const sha = event.workflow_run?.head_sha ?? event.after ?? null;
  if (!client || typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha)) return null;
  return pullRequestForSha(client, owner, repo, sha);
}
