/**
 * The emulator's in-memory world: one repository with its pull requests, issues and comments, releases and
 * assets, git objects and refs, workflow runs and artifacts, statuses and check runs. Tests read and change it
 * directly (`emulator.state`); the HTTP routes are the only other writers.
 */
import { createHash } from 'node:crypto';

export type Permission = 'write' | 'read';

export interface TokenSeed {
  /** Login the token authenticates as (`GET /user`). @default 'github-actions[bot]' */
  login?: string;
  /** `write` may change anything; `read` gets 403 "Resource not accessible by integration" on every write. */
  permission: Permission;
}

export interface PullSeed {
  number: number;
  title?: string;
  /** Head branch name. @default 'feature' */
  head?: string;
  /** Base branch name. @default the default branch */
  base?: string;
  state?: 'open' | 'closed';
  body?: string;
}

export interface WorkflowRunSeed {
  id?: number;
  name?: string;
  /** Workflow file, e.g. `.github/workflows/ci.yml`. @default '.github/workflows/ci.yml' */
  path?: string;
  head_branch?: string;
  head_sha?: string;
  event?: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'cancelled' | null;
  /** Artifacts already attached to the run: name -> zip bytes (base64 in JSON seed files). */
  artifacts?: Record<string, string>;
}

/** What `startEmulator({state})` and `--state FILE` accept. Every field is optional; defaults are the contract seed. */
export interface SeedState {
  /** @default 'octo-org' */
  owner?: string;
  /** @default 'octo-repo' */
  repo?: string;
  /** @default 'main' */
  defaultBranch?: string;
  /** token -> who and what. @default ghs_test_write (write), ghs_test_read (read) */
  tokens?: Record<string, TokenSeed>;
  /** @default one open pull request #1 from `feature` into the default branch */
  pulls?: PullSeed[];
  /** Extra branches: name -> commit message of a new commit on top of the default branch's head. */
  branches?: Record<string, string>;
  /** @default none */
  workflowRuns?: WorkflowRunSeed[];
  /** Paths in the initial commit, so that a later push() of one reports it `modified`, not `added`. @default none */
  files?: string[];
}

export interface User {
  id: number;
  login: string;
  type: 'User' | 'Bot';
}
export interface Token {
  token: string;
  user: User;
  permission: Permission;
}

export interface FileChanges {
  added: string[];
  modified: string[];
  removed: string[];
}
export interface Commit {
  sha: string;
  message: string;
  parents: string[];
  tree: string;
  date: string;
  /** What the commit changed against its first parent (push() records it; other commits change nothing). */
  changes?: FileChanges;
  /** The files after this commit, path -> blob sha (only paths the seed or a push named). */
  entries?: Record<string, string>;
}
/** One ref update as `git push` makes it: what the push event's `before` / `after` are. */
export interface PushRecord {
  ref: string;
  before: string;
  after: string;
}
export interface Ref {
  ref: string;
  sha: string;
}
export interface TagObject {
  sha: string;
  tag: string;
  message: string;
  object: { sha: string; type: string };
  date: string;
  tagger: { name: string; email: string };
}

export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: User;
  labels: string[];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  locked?: boolean;
  /** Set when this issue number belongs to a pull request. `mergeSha` / `mergedAt` once merged. */
  pull?: { head: string; base: string; headSha: string; baseSha: string; mergeSha?: string; mergedAt?: string };
}
export interface Comment {
  id: number;
  issueNumber: number;
  body: string;
  user: User;
  created_at: string;
  updated_at: string;
}
export interface Release {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  immutable: boolean;
  author: User;
  created_at: string;
  published_at: string | null;
}
export interface Asset {
  id: number;
  releaseId: number;
  name: string;
  label: string | null;
  content_type: string;
  blob: string;
  size: number;
  digest: string;
  uploader: User;
  created_at: string;
  updated_at: string;
}
export interface WorkflowRun {
  id: number;
  name: string;
  path: string;
  head_branch: string;
  head_sha: string;
  event: string;
  status: string;
  conclusion: string | null;
  run_number: number;
  created_at: string;
  updated_at: string;
}
export interface Artifact {
  id: number;
  runId: number;
  name: string;
  blob: string | null;
  size: number;
  digest: string | null;
  finalized: boolean;
  created_at: string;
  expires_at: string;
}
export interface CommitStatus {
  id: number;
  sha: string;
  state: string;
  context: string;
  description: string | null;
  target_url: string | null;
  creator: User;
  created_at: string;
  updated_at: string;
}
export interface CheckRun {
  id: number;
  head_sha: string;
  name: string;
  status: string;
  conclusion: string | null;
  external_id: string | null;
  details_url: string | null;
  started_at: string;
  completed_at: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
}

export interface EmulatorState {
  owner: string;
  repo: string;
  repoId: number;
  defaultBranch: string;
  tokens: Map<string, Token>;
  issues: Issue[];
  comments: Comment[];
  releases: Release[];
  assets: Asset[];
  commits: Map<string, Commit>;
  /** Full ref name (`refs/heads/main`) -> target sha. */
  refs: Map<string, string>;
  tagObjects: Map<string, TagObject>;
  workflowRuns: WorkflowRun[];
  /** Ref updates made by push(), pushTag() and mergePullRequest(), oldest first. */
  pushes: PushRecord[];
  /** workflow_dispatch events received: which workflow file, on which ref, with which inputs. */
  dispatches: Array<{ workflow: string; ref: string; inputs: Record<string, unknown> }>;
  artifacts: Artifact[];
  statuses: CommitStatus[];
  checkRuns: CheckRun[];
  /** Blob storage behind asset downloads, artifact zips and the Actions blob endpoints: key -> bytes. */
  blobs: Map<string, Buffer>;
  /** Monotonic id source shared by every object kind, as GitHub's ids are unique enough for tests. */
  nextId(): number;
  /** Adds a commit on top of `parent` and returns it (tests use this to make fast-forward and diverged histories). */
  commit(message: string, parents: string[]): Commit;
  /** The sha a branch points at. */
  branchSha(branch: string): string | undefined;
}

export const DEFAULT_TOKENS: Record<string, TokenSeed> = {
  ghs_test_write: { permission: 'write', login: 'github-actions[bot]' },
  ghs_test_read: { permission: 'read', login: 'github-actions[bot]' },
};

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function createState(seed: SeedState = {}): EmulatorState {
  let id = 1000;
  const commits = new Map<string, Commit>();
  const refs = new Map<string, string>();
  const commit = (message: string, parents: string[]): Commit => {
    const date = now();
    const sha = createHash('sha1')
      .update(`${message}\0${parents.join(',')}\0${commits.size}`)
      .digest('hex');
    const c: Commit = { sha, message, parents, tree: createHash('sha1').update(`tree:${sha}`).digest('hex'), date };
    commits.set(sha, c);
    return c;
  };
  const defaultBranch = seed.defaultBranch ?? 'main';
  const root = commit('Initial commit', []);
  if (seed.files?.length) {
    root.entries = Object.fromEntries(seed.files.map((path) => [path, createHash('sha1').update(`blob\0${path}`).digest('hex')]));
    root.changes = { added: [...seed.files], modified: [], removed: [] };
  }
  refs.set(`refs/heads/${defaultBranch}`, root.sha);
  for (const [branch, message] of Object.entries(seed.branches ?? {})) refs.set(`refs/heads/${branch}`, commit(message, [root.sha]).sha);

  const tokens = new Map<string, Token>();
  let userId = 41898282; // github-actions[bot]'s real id, so logs look familiar
  const users = new Map<string, User>();
  for (const [token, t] of Object.entries(seed.tokens ?? DEFAULT_TOKENS)) {
    const login = t.login ?? 'github-actions[bot]';
    const user = users.get(login) ?? { id: userId++, login, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
    users.set(login, user);
    tokens.set(token, { token, user, permission: t.permission });
  }
  const author: User = users.values().next().value ?? { id: 1, login: 'octocat', type: 'User' };

  const state: EmulatorState = {
    owner: seed.owner ?? 'octo-org',
    repo: seed.repo ?? 'octo-repo',
    repoId: 123456,
    defaultBranch,
    tokens,
    issues: [],
    comments: [],
    releases: [],
    assets: [],
    commits,
    refs,
    tagObjects: new Map(),
    workflowRuns: [],
    pushes: [],
    dispatches: [],
    artifacts: [],
    statuses: [],
    checkRuns: [],
    blobs: new Map(),
    nextId: () => ++id,
    commit,
    branchSha: (branch) => refs.get(`refs/heads/${branch}`),
  };

  const pulls = seed.pulls ?? [{ number: 1, title: 'Improve the model', head: 'feature' }];
  for (const p of pulls) {
    const head = p.head ?? 'feature';
    const base = p.base ?? defaultBranch;
    const baseSha = state.branchSha(base) ?? root.sha;
    const headSha = state.branchSha(head) ?? commit(`Work on ${head}`, [baseSha]).sha;
    refs.set(`refs/heads/${head}`, headSha);
    const t = now();
    state.issues.push({
      id: state.nextId(),
      number: p.number,
      title: p.title ?? `Pull request ${p.number}`,
      body: p.body ?? null,
      state: p.state ?? 'open',
      user: { id: 583231, login: 'octocat', type: 'User' },
      labels: [],
      created_at: t,
      updated_at: t,
      closed_at: null,
      pull: { head, base, headSha, baseSha },
    });
  }
  let runNumber = 1;
  for (const r of seed.workflowRuns ?? []) {
    const t = now();
    const run: WorkflowRun = {
      id: r.id ?? state.nextId(),
      name: r.name ?? 'CI',
      path: r.path ?? '.github/workflows/ci.yml',
      head_branch: r.head_branch ?? defaultBranch,
      head_sha: r.head_sha ?? state.branchSha(r.head_branch ?? defaultBranch) ?? root.sha,
      event: r.event ?? 'push',
      status: r.status ?? 'completed',
      conclusion: r.conclusion === undefined ? (r.status && r.status !== 'completed' ? null : 'success') : r.conclusion,
      run_number: runNumber++,
      created_at: t,
      updated_at: t,
    };
    state.workflowRuns.push(run);
    for (const [name, base64] of Object.entries(r.artifacts ?? {})) addArtifact(state, run.id, name, Buffer.from(base64, 'base64'));
  }
  void author;
  return state;
}

/** Stores a finished artifact (zip bytes) on a run, as a job's upload would. */
export function addArtifact(state: EmulatorState, runId: number, name: string, zip: Buffer): Artifact {
  const id = state.nextId();
  const blob = `artifacts/artifact-${id}.zip`;
  state.blobs.set(blob, zip);
  const created = new Date();
  const artifact: Artifact = {
    id,
    runId,
    name,
    blob,
    size: zip.length,
    digest: `sha256:${createHash('sha256').update(zip).digest('hex')}`,
    finalized: true,
    created_at: now(),
    expires_at: new Date(created.getTime() + 90 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  state.artifacts.push(artifact);
  return artifact;
}

/** Adds a workflow run (e.g. the run a test's job belongs to) and returns it. */
export function addWorkflowRun(state: EmulatorState, run: Partial<WorkflowRun> = {}): WorkflowRun {
  const t = now();
  const full: WorkflowRun = {
    id: run.id ?? state.nextId(),
    name: run.name ?? 'CI',
    path: run.path ?? '.github/workflows/ci.yml',
    head_branch: run.head_branch ?? state.defaultBranch,
    head_sha: run.head_sha ?? state.branchSha(run.head_branch ?? state.defaultBranch) ?? '',
    event: run.event ?? 'push',
    status: run.status ?? 'in_progress',
    conclusion: run.conclusion ?? null,
    run_number: run.run_number ?? state.workflowRuns.length + 1,
    created_at: t,
    updated_at: t,
  };
  state.workflowRuns.push(full);
  return full;
}
