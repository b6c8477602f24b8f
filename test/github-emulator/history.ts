/**
 * A user's git history as pushes make it: commits with the paths they change, branch and tag pushes, pull
 * requests opened on branches and merged. Everything lands in the same state the REST routes read (refs, tag
 * objects, commits, issues, releases), and each ref update is recorded in `state.pushes` so that a push event
 * can carry GitHub's `before` / `after`.
 *
 *   const c = push(gh.state, 'feature', { message: 'More epochs', files: ['params.yaml'] });
 *   const pr = openPullRequest(gh.state, { head: 'feature', title: 'More epochs' });
 *   pushTag(gh.state, 'iris-classifier@v1.0.0', c.sha, { annotated: true });
 */
import { createHash } from 'node:crypto';
import { peel } from './routes/git';
import { publish } from './routes/releases';
import { now, type Commit, type EmulatorState, type FileChanges, type Issue, type Release, type User } from './state';

/** The sha git uses for "no object": `before` of a ref's first push. */
export const ZERO_SHA = '0'.repeat(40);
const OCTOCAT: User = { id: 583231, login: 'octocat', type: 'User' };
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Paths a commit changes: a list (each added or modified, as the parent's files say), or path -> content, `null` removing it. */
export type PushFiles = string[] | Record<string, string | null>;

export interface PushOptions {
  message: string;
  files?: PushFiles;
}

/** Adds a commit on top of `branch` (created from the default branch's head when missing), moves the branch, syncs its pull requests. */
export function push(state: EmulatorState, branch: string, options: PushOptions): Commit {
  const ref = `refs/heads/${branch}`;
  const before = state.refs.get(ref);
  const parent = before ?? state.branchSha(state.defaultBranch)!;
  const commit = state.commit(options.message, [parent]);
  recordFiles(state, commit, options.files ?? []);
  moveRef(state, ref, commit.sha, before);
  return commit;
}

/** Records what a new commit changes; a listed path gets new content (a blob unique to the commit). */
function recordFiles(state: EmulatorState, commit: Commit, files: PushFiles): void {
  const blobs: Array<[string, string | null]> = Array.isArray(files)
    ? files.map((p) => [p, sha1(`blob\0${commit.sha}:${p}`)])
    : Object.entries(files).map(([p, content]) => [p, content === null ? null : sha1(`blob\0${content}`)]);
  setFiles(state, commit, blobs);
}

/** Sets `changes`, `entries` and `tree` of a new commit from its first parent's files and path -> blob sha (null: removed). */
function setFiles(state: EmulatorState, commit: Commit, blobs: Array<[string, string | null]>): void {
  const parentEntries = state.commits.get(commit.parents[0] ?? '')?.entries ?? {};
  const entries = { ...parentEntries };
  const changes: FileChanges = { added: [], modified: [], removed: [] };
  for (const [path, blob] of blobs) {
    if (blob === null) {
      changes.removed.push(path);
      delete entries[path];
    } else {
      (path in parentEntries ? changes.modified : changes.added).push(path);
      entries[path] = blob;
    }
  }
  commit.changes = changes;
  commit.entries = entries;
  commit.tree = sha1(
    `tree\0${Object.entries(entries)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([p, b]) => `${p} ${b}`)
      .join('\n')}`,
  );
}

/** A ref update as a push makes it: recorded, and the pull requests on that branch follow. */
function moveRef(state: EmulatorState, ref: string, sha: string, before = state.refs.get(ref)): void {
  state.refs.set(ref, sha);
  state.pushes.push({ ref, before: before ?? ZERO_SHA, after: sha });
  syncPullRequests(state);
}

/** Points every open pull request's head and base sha at its branches' heads (as GitHub does on each push). */
export function syncPullRequests(state: EmulatorState): void {
  for (const issue of state.issues) {
    const pull = issue.pull;
    if (!pull || issue.state !== 'open') continue;
    pull.headSha = state.branchSha(pull.head) ?? pull.headSha;
    pull.baseSha = state.branchSha(pull.base) ?? pull.baseSha;
  }
}

export interface OpenPullRequestOptions {
  /** Head branch; must exist (push to it first). */
  head: string;
  /** @default the default branch */
  base?: string;
  title: string;
  body?: string;
}

/** Opens a pull request with the next issue number, its shas the branches' heads. */
export function openPullRequest(state: EmulatorState, options: OpenPullRequestOptions): Issue {
  const base = options.base ?? state.defaultBranch;
  const headSha = state.branchSha(options.head);
  const baseSha = state.branchSha(base);
  if (!headSha || !baseSha) throw new Error(`openPullRequest: no branch ${headSha ? base : options.head}`);
  if (state.issues.some((i) => i.state === 'open' && i.pull?.head === options.head && i.pull.base === base)) {
    throw new Error(`openPullRequest: a pull request already exists for ${options.head} into ${base}`);
  }
  const t = now();
  const issue: Issue = {
    id: state.nextId(),
    number: Math.max(0, ...state.issues.map((i) => i.number)) + 1,
    title: options.title,
    body: options.body ?? null,
    state: 'open',
    user: OCTOCAT,
    labels: [],
    created_at: t,
    updated_at: t,
    closed_at: null,
    pull: { head: options.head, base, headSha, baseSha },
  };
  state.issues.push(issue);
  return issue;
}

/** The pull request with this number; throws when there is none. */
export function pullRequestOf(state: EmulatorState, number: number): Issue & { pull: NonNullable<Issue['pull']> } {
  const issue = state.issues.find((i) => i.number === number && i.pull);
  if (!issue) throw new Error(`no pull request #${number} in the emulator`);
  return issue as Issue & { pull: NonNullable<Issue['pull']> };
}

/** Edits a pull request (title, body, closing or reopening it) and re-reads its shas from the branches. */
export function updatePullRequest(
  state: EmulatorState,
  number: number,
  changes: { title?: string; body?: string | null; state?: 'open' | 'closed' },
): Issue {
  const issue = pullRequestOf(state, number);
  if (changes.title !== undefined) issue.title = changes.title;
  if (changes.body !== undefined) issue.body = changes.body;
  if (changes.state && changes.state !== issue.state) {
    issue.state = changes.state;
    issue.closed_at = changes.state === 'closed' ? now() : null;
  }
  issue.updated_at = now();
  syncPullRequests(state);
  return issue;
}

/** Merges an open pull request: a merge commit on its base (parents: base head, PR head), the pull request closed. */
export function mergePullRequest(state: EmulatorState, number: number, options: { message?: string } = {}): Commit {
  const issue = pullRequestOf(state, number);
  if (issue.state !== 'open') throw new Error(`mergePullRequest: #${number} is not open`);
  const { head, base } = issue.pull;
  const baseSha = state.branchSha(base)!;
  const headSha = state.branchSha(head) ?? issue.pull.headSha;
  const merge = state.commit(options.message ?? `Merge pull request #${number} from ${state.owner}/${head}`, [baseSha, headSha]);
  const headEntries = state.commits.get(headSha)?.entries ?? {};
  // The merge brings the head's own blobs of the paths the pull request changed (no conflicts in this world).
  setFiles(
    state,
    merge,
    changedPaths(state, headSha, baseSha).map((p) => [p, headEntries[p] ?? null]),
  );
  moveRef(state, `refs/heads/${base}`, merge.sha, baseSha);
  const t = now();
  Object.assign(issue, { state: 'closed', closed_at: t, updated_at: t });
  Object.assign(issue.pull, { headSha, baseSha, mergeSha: merge.sha, mergedAt: t });
  return merge;
}

export interface PushTagOptions {
  /** An annotated tag (a tag object the ref points at), as `git tag -a`; else a lightweight tag. @default false */
  annotated?: boolean;
  /** The annotated tag's message. @default the tag name */
  message?: string;
}

/** Creates and pushes a tag on a commit (a sha or a branch name). Returns the ref, what it points at and the commit. */
export function pushTag(
  state: EmulatorState,
  name: string,
  target: string,
  options: PushTagOptions = {},
): { ref: string; sha: string; commit: string } {
  const commit = state.commits.has(target) ? target : state.branchSha(target);
  if (!commit) throw new Error(`pushTag: no commit or branch ${target}`);
  const ref = `refs/tags/${name}`;
  // git push refuses to replace an existing tag without --force.
  if (state.refs.has(ref)) throw new Error(`pushTag: ${ref} already exists`);
  let sha = commit;
  if (options.annotated) {
    const message = options.message ?? name;
    sha = sha1(`tag\0${name}\0${commit}\0${message}\0${state.nextId()}`);
    state.tagObjects.set(sha, {
      sha,
      tag: name,
      message,
      object: { sha: commit, type: 'commit' },
      date: now(),
      tagger: { name: 'Monalisa Octocat', email: 'octocat@github.com' },
    });
  }
  moveRef(state, ref, sha, undefined);
  return { ref, sha, commit };
}

/** Publishes a release as a user does on github.com: the tag is created at `target` when missing. */
export function publishRelease(
  state: EmulatorState,
  options: { tag: string; target?: string; name?: string; body?: string; prerelease?: boolean },
): Release {
  const t = now();
  const release: Release = {
    id: state.nextId(),
    tag_name: options.tag,
    target_commitish: options.target ?? state.defaultBranch,
    name: options.name ?? options.tag,
    body: options.body ?? null,
    draft: true,
    prerelease: options.prerelease ?? false,
    immutable: false,
    author: OCTOCAT,
    created_at: t,
    published_at: null,
  };
  publish({ state, api: '' }, release);
  state.releases.push(release);
  return release;
}

/** Commits reachable from `head` and not from `base` (ZERO_SHA or undefined: none excluded), oldest first. */
export function commitsBetween(state: EmulatorState, base: string | undefined, head: string): Commit[] {
  const excluded = base && base !== ZERO_SHA ? ancestors(state, peel(state, base)) : new Set<string>();
  const order: Commit[] = [];
  const seen = new Set<string>();
  // Parents before children: a post-order walk.
  const visit = (sha: string) => {
    if (seen.has(sha) || excluded.has(sha)) return;
    seen.add(sha);
    const c = state.commits.get(sha);
    if (!c) return;
    for (const p of c.parents) visit(p);
    order.push(c);
  };
  visit(peel(state, head));
  return order;
}

/** Every commit reachable from `sha`, itself included. */
export function ancestors(state: EmulatorState, sha: string): Set<string> {
  const seen = new Set<string>();
  const stack = [sha];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    stack.push(...(state.commits.get(s)?.parents ?? []));
  }
  return seen;
}

/** Paths changed by the commits of `head` not in `base`, sorted: what a pull request's `paths:` filter sees. Merge commits add nothing of their own. */
export function changedPaths(state: EmulatorState, head: string, base: string | undefined): string[] {
  const paths = new Set<string>();
  for (const c of commitsBetween(state, base, head)) {
    if (c.parents.length > 1) continue;
    for (const p of [...(c.changes?.added ?? []), ...(c.changes?.modified ?? []), ...(c.changes?.removed ?? [])]) paths.add(p);
  }
  return [...paths].sort();
}

/** A pull request's changed paths (head against its base branch's current head, the three-dot diff GitHub's filters use). */
export function pullRequestPaths(state: EmulatorState, number: number): string[] {
  const { pull } = pullRequestOf(state, number);
  return changedPaths(state, state.branchSha(pull.head) ?? pull.headSha, state.branchSha(pull.base) ?? pull.baseSha);
}
