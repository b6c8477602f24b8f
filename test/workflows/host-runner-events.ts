/**
 * The event a host-runner run answers, read from the emulator as GitHub would see it: the ref and sha
 * (a tag peeled to its commit), the webhook payload (push: before/after/commits with added/modified/removed;
 * pull_request: the PR's current head and base; release: the release and its tag), the facts `on:` filters
 * look at, and the workflow run's head branch.
 */
import { ZERO_SHA, ancestors, commitsBetween, pullRequestOf, pullRequestPaths, type Commit, type Emulator } from '../github-emulator/index';
import { peel } from '../github-emulator/routes/git';
import type { Issue } from '../github-emulator/state';
import type { TriggerEvent } from './host-triggers';

export interface EventRequest {
  event: string;
  payload?: Record<string, any>;
  ref?: string;
  sha?: string;
  /** pull_request: which PR. @default payload.number, else the first open PR */
  pullRequest?: number;
  /** Activity type (payload.action). @default payload.action, else 'synchronize' (pull_request) / 'published' (release) */
  action?: string;
  /** workflow_dispatch inputs as the payload carries them. */
  inputs?: Record<string, unknown>;
  /** The workflow's parsed YAML (its file in `__file`, its schedule). */
  workflow?: any;
}

export interface ResolvedEvent {
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
  /** What triggers() is asked. */
  trigger: TriggerEvent;
  /** The workflow run's head_branch: the PR's head branch, else the branch or tag name. */
  headBranch: string;
  pr?: Issue;
}

const refName = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, '');

export function resolveEvent(gh: Emulator, req: EventRequest): ResolvedEvent {
  if (req.event.startsWith('pull_request')) return pullRequestEvent(gh, req);
  if (req.event === 'push') return pushEvent(gh, req);
  if (req.event === 'release') return releaseEvent(gh, req);
  const s = gh.state;
  const ref = req.ref ?? `refs/heads/${s.defaultBranch}`;
  const target = s.refs.get(ref);
  const sha = req.sha ?? (target ? peel(s, target) : s.branchSha(s.defaultBranch)!);
  const payload = req.payload ?? otherPayload(gh, req, ref);
  return {
    ref,
    sha,
    payload,
    trigger: { name: req.event, action: (req.action ?? req.payload?.action) as string | undefined },
    headBranch: refName(ref),
  };
}

function repository(gh: Emulator) {
  const s = gh.state;
  return { full_name: `${s.owner}/${s.repo}`, name: s.repo, owner: { login: s.owner }, default_branch: s.defaultBranch };
}
const SENDER = { login: 'octocat', type: 'User' };

function otherPayload(gh: Emulator, req: EventRequest, ref: string): Record<string, unknown> {
  if (req.event === 'workflow_dispatch')
    return { inputs: req.inputs ?? {}, ref, repository: repository(gh), sender: SENDER, workflow: req.workflow?.__file };
  if (req.event === 'schedule') return { schedule: req.workflow?.on?.schedule?.[0]?.cron ?? '0 0 * * *', repository: repository(gh) };
  return { repository: repository(gh), sender: SENDER };
}

function pullRequestEvent(gh: Emulator, req: EventRequest): ResolvedEvent {
  const s = gh.state;
  const number = req.pullRequest ?? req.payload?.number ?? req.payload?.pull_request?.number;
  const pr =
    number !== undefined
      ? pullRequestOf(s, Number(number))
      : (s.issues.find((i) => i.pull && i.state === 'open') ?? s.issues.find((i) => i.pull));
  if (!pr?.pull) throw new Error('pull_request event: the emulator has no pull request');
  const action = req.action ?? req.payload?.action ?? 'synchronize';
  const headSha = (pr.state === 'open' && s.branchSha(pr.pull.head)) || pr.pull.headSha;
  const baseSha = (pr.state === 'open' && s.branchSha(pr.pull.base)) || pr.pull.baseSha;
  const payload = req.payload ?? {
    action,
    number: pr.number,
    repository: repository(gh),
    sender: SENDER,
    pull_request: {
      number: pr.number,
      title: pr.title,
      state: pr.state,
      head: { ref: pr.pull.head, sha: headSha },
      base: { ref: pr.pull.base, sha: baseSha },
    },
  };
  return {
    ref: req.ref ?? `refs/pull/${pr.number}/merge`,
    sha: req.sha ?? headSha,
    payload,
    pr,
    headBranch: pr.pull.head,
    trigger: { name: req.event, action, baseRef: pr.pull.base, paths: pullRequestPaths(s, pr.number) },
  };
}

function pushEvent(gh: Emulator, req: EventRequest): ResolvedEvent {
  const s = gh.state;
  const ref: string = req.ref ?? req.payload?.ref ?? `refs/heads/${s.defaultBranch}`;
  const target = s.refs.get(ref);
  if (!target && !req.sha) throw new Error(`push event: no ${ref} in the emulator (push it first, or pass sha)`);
  const sha = req.sha ?? peel(s, target!);
  // `after` is what the ref points at: an annotated tag's object, whose commit is GITHUB_SHA.
  const after = target && peel(s, target) === sha ? target : sha;
  const isTag = ref.startsWith('refs/tags/');
  const recorded = [...s.pushes].reverse().find((p) => p.ref === ref && p.after === after);
  const before = recorded?.before ?? (isTag ? ZERO_SHA : (s.commits.get(sha)?.parents[0] ?? ZERO_SHA));
  const commits = isTag ? [] : pushedCommits(gh, ref, before, sha);
  const payload = req.payload ?? pushPayload(gh, { ref, before, after, sha, commits });
  const fromPayload = Array.isArray(req.payload?.commits) ? (req.payload!.commits as any[]) : undefined;
  const paths = fromPayload
    ? fromPayload.flatMap((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])])
    : changed(commits);
  return { ref, sha, payload, headBranch: refName(ref), trigger: { name: 'push', ref, paths: [...new Set(paths)].sort() } };
}

/** The commits a push brought: before..sha, or for a new branch those no other branch has. */
function pushedCommits(gh: Emulator, ref: string, before: string, sha: string): Commit[] {
  const s = gh.state;
  if (before !== ZERO_SHA) return commitsBetween(s, before, sha);
  const elsewhere = new Set<string>();
  for (const [other, target] of s.refs)
    if (other.startsWith('refs/heads/') && other !== ref) for (const a of ancestors(s, peel(s, target))) elsewhere.add(a);
  return commitsBetween(s, undefined, sha).filter((c) => !elsewhere.has(c.sha));
}

/** Paths the commits changed; a merge commit's own changes are its other parents' commits, already listed. */
function changed(commits: Commit[]): string[] {
  return commits
    .filter((c) => c.parents.length < 2)
    .flatMap((c) => [...(c.changes?.added ?? []), ...(c.changes?.modified ?? []), ...(c.changes?.removed ?? [])]);
}

const PUSHER = { name: 'octocat', email: 'octocat@github.com', username: 'octocat' };

function commitPayload(gh: Emulator, c: Commit) {
  const s = gh.state;
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.date,
    url: `https://github.com/${s.owner}/${s.repo}/commit/${c.sha}`,
    author: PUSHER,
    committer: PUSHER,
    added: c.changes?.added ?? [],
    removed: c.changes?.removed ?? [],
    modified: c.changes?.modified ?? [],
  };
}

function pushPayload(
  gh: Emulator,
  p: { ref: string; before: string; after: string; sha: string; commits: Commit[] },
): Record<string, unknown> {
  const s = gh.state;
  const head = s.commits.get(p.sha);
  return {
    ref: p.ref,
    before: p.before,
    after: p.after,
    created: p.before === ZERO_SHA,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/${s.owner}/${s.repo}/compare/${p.before === ZERO_SHA ? p.sha.slice(0, 12) : `${p.before.slice(0, 12)}...${p.after.slice(0, 12)}`}`,
    commits: p.commits.map((c) => commitPayload(gh, c)),
    head_commit: head ? commitPayload(gh, head) : null,
    pusher: { name: PUSHER.name, email: PUSHER.email },
    repository: repository(gh),
    sender: SENDER,
  };
}

function releaseEvent(gh: Emulator, req: EventRequest): ResolvedEvent {
  const s = gh.state;
  const newest = [...s.releases].filter((r) => !r.draft).sort((a, b) => b.id - a.id)[0];
  const action = req.action ?? req.payload?.action ?? 'published';
  const release =
    req.payload?.release ??
    (newest && {
      id: newest.id,
      tag_name: newest.tag_name,
      name: newest.name,
      body: newest.body,
      draft: newest.draft,
      prerelease: newest.prerelease,
      target_commitish: newest.target_commitish,
      published_at: newest.published_at,
    });
  if (!release?.tag_name) throw new Error('release event: no published release in the emulator and no payload.release.tag_name');
  const ref = req.ref ?? `refs/tags/${release.tag_name}`;
  const target = s.refs.get(ref);
  const sha = req.sha ?? (target ? peel(s, target) : s.branchSha(s.defaultBranch)!);
  const payload = req.payload ?? { action, release, repository: repository(gh), sender: SENDER };
  return { ref, sha, payload, headBranch: release.tag_name, trigger: { name: 'release', action } };
}
