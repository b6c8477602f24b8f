/**
 * JSON shapes of GitHub's REST answers, built from emulator state. Every field the OpenAPI schema requires is
 * present (the response validator checks); URLs point back at the emulator where a client may follow them
 * (upload_url, asset and artifact downloads) and at github.com where they are only shown to people.
 */
import { changedPaths, commitsBetween } from './history';
import type {
  Artifact,
  Asset,
  CheckRun,
  Comment,
  CommitStatus,
  EmulatorState,
  Issue,
  Release,
  TagObject,
  User,
  WorkflowRun,
  Commit,
} from './state';

export interface ShapeContext {
  state: EmulatorState;
  /** The emulator's origin, e.g. http://127.0.0.1:1234. */
  api: string;
}

const HTML = 'https://github.com';
const nodeId = (kind: string, id: number | string) => Buffer.from(`${kind}:${id}`).toString('base64').replace(/=+$/, '');

export function userJson(ctx: ShapeContext, u: User) {
  const api = `${ctx.api}/users/${encodeURIComponent(u.login)}`;
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId('User', u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: u.type === 'Bot' ? `${HTML}/apps/${u.login.replace(/\[bot\]$/, '')}` : `${HTML}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    site_admin: false,
    user_view_type: 'public',
  };
}

export function ownerUser(ctx: ShapeContext): User {
  return { id: 9919, login: ctx.state.owner, type: 'User' };
}

const repoBase = (ctx: ShapeContext) => `${ctx.api}/repos/${ctx.state.owner}/${ctx.state.repo}`;

export function repositoryJson(ctx: ShapeContext) {
  const s = ctx.state;
  const r = repoBase(ctx);
  const owner = { ...userJson(ctx, ownerUser(ctx)), type: 'Organization' };
  return {
    id: s.repoId,
    node_id: nodeId('Repository', s.repoId),
    name: s.repo,
    full_name: `${s.owner}/${s.repo}`,
    private: false,
    owner,
    html_url: `${HTML}/${s.owner}/${s.repo}`,
    description: null,
    fork: false,
    url: r,
    archive_url: `${r}/{archive_format}{/ref}`,
    assignees_url: `${r}/assignees{/user}`,
    blobs_url: `${r}/git/blobs{/sha}`,
    branches_url: `${r}/branches{/branch}`,
    collaborators_url: `${r}/collaborators{/collaborator}`,
    comments_url: `${r}/comments{/number}`,
    commits_url: `${r}/commits{/sha}`,
    compare_url: `${r}/compare/{base}...{head}`,
    contents_url: `${r}/contents/{+path}`,
    contributors_url: `${r}/contributors`,
    deployments_url: `${r}/deployments`,
    downloads_url: `${r}/downloads`,
    events_url: `${r}/events`,
    forks_url: `${r}/forks`,
    git_commits_url: `${r}/git/commits{/sha}`,
    git_refs_url: `${r}/git/refs{/sha}`,
    git_tags_url: `${r}/git/tags{/sha}`,
    git_url: `git://github.com/${s.owner}/${s.repo}.git`,
    issue_comment_url: `${r}/issues/comments{/number}`,
    issue_events_url: `${r}/issues/events{/number}`,
    issues_url: `${r}/issues{/number}`,
    keys_url: `${r}/keys{/key_id}`,
    labels_url: `${r}/labels{/name}`,
    languages_url: `${r}/languages`,
    merges_url: `${r}/merges`,
    milestones_url: `${r}/milestones{/number}`,
    notifications_url: `${r}/notifications{?since,all,participating}`,
    pulls_url: `${r}/pulls{/number}`,
    releases_url: `${r}/releases{/id}`,
    ssh_url: `git@github.com:${s.owner}/${s.repo}.git`,
    stargazers_url: `${r}/stargazers`,
    statuses_url: `${r}/statuses/{sha}`,
    subscribers_url: `${r}/subscribers`,
    subscription_url: `${r}/subscription`,
    tags_url: `${r}/tags`,
    teams_url: `${r}/teams`,
    trees_url: `${r}/git/trees{/sha}`,
    clone_url: `${HTML}/${s.owner}/${s.repo}.git`,
    mirror_url: null,
    hooks_url: `${r}/hooks`,
    svn_url: `${HTML}/${s.owner}/${s.repo}`,
    homepage: null,
    language: 'Python',
    forks_count: 0,
    forks: 0,
    stargazers_count: 0,
    watchers_count: 0,
    watchers: 0,
    size: 1,
    default_branch: s.defaultBranch,
    open_issues_count: s.issues.filter((i) => i.state === 'open').length,
    open_issues: s.issues.filter((i) => i.state === 'open').length,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: true,
    has_wiki: true,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    pushed_at: '2024-01-01T00:00:00Z',
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
    license: null,
    allow_forking: true,
    web_commit_signoff_required: false,
  };
}

export function minimalRepositoryJson(ctx: ShapeContext) {
  return repositoryJson(ctx);
}

export function issueJson(ctx: ShapeContext, i: Issue) {
  const r = repoBase(ctx);
  const url = `${r}/issues/${i.number}`;
  const comments = ctx.state.comments.filter((c) => c.issueNumber === i.number).length;
  return {
    id: i.id,
    node_id: nodeId('Issue', i.id),
    url,
    repository_url: r,
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/${i.pull ? 'pull' : 'issues'}/${i.number}`,
    number: i.number,
    state: i.state,
    state_reason: null,
    title: i.title,
    body: i.body,
    user: userJson(ctx, i.user),
    labels: i.labels.map((name, k) => ({
      id: k + 1,
      node_id: nodeId('Label', name),
      url: `${r}/labels/${encodeURIComponent(name)}`,
      name,
      color: 'ededed',
      default: false,
      description: null,
    })),
    assignee: null,
    assignees: [],
    milestone: null,
    locked: i.locked ?? false,
    active_lock_reason: null,
    comments,
    ...(i.pull
      ? {
          pull_request: {
            url: `${r}/pulls/${i.number}`,
            html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/pull/${i.number}`,
            diff_url: null,
            patch_url: null,
            merged_at: i.pull.mergedAt ?? null,
          },
        }
      : {}),
    closed_at: i.closed_at,
    created_at: i.created_at,
    updated_at: i.updated_at,
    author_association: 'MEMBER',
  };
}

export function pullJson(ctx: ShapeContext, i: Issue, full: boolean) {
  const p = i.pull!;
  const r = repoBase(ctx);
  const url = `${r}/pulls/${i.number}`;
  const html = `${HTML}/${ctx.state.owner}/${ctx.state.repo}/pull/${i.number}`;
  const repo = repositoryJson(ctx);
  const owner = userJson(ctx, ownerUser(ctx));
  const side = (ref: string, sha: string) => ({ label: `${ctx.state.owner}:${ref}`, ref, sha, user: owner, repo });
  // A merged pull request keeps the shas it was merged with; an open one follows its branches.
  const open = p.mergeSha === undefined;
  const headSha = (open && ctx.state.branchSha(p.head)) || p.headSha;
  const baseSha = (open && ctx.state.branchSha(p.base)) || p.baseSha;
  const simple = {
    url,
    id: i.id,
    node_id: nodeId('PullRequest', i.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${r}/issues/${i.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${r}/pulls/comments{/number}`,
    comments_url: `${r}/issues/${i.number}/comments`,
    statuses_url: `${r}/statuses/${headSha}`,
    number: i.number,
    state: i.state,
    locked: false,
    title: i.title,
    user: userJson(ctx, i.user),
    body: i.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: i.created_at,
    updated_at: i.updated_at,
    closed_at: i.closed_at,
    merged_at: p.mergedAt ?? null,
    merge_commit_sha: p.mergeSha ?? null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(p.head, headSha),
    base: side(p.base, baseSha),
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: `${r}/issues/${i.number}` },
      comments: { href: `${r}/issues/${i.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${r}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${r}/statuses/${headSha}` },
    },
    author_association: 'MEMBER',
    auto_merge: null,
    draft: false,
  };
  if (!full) return simple;
  return {
    ...simple,
    merged: !open,
    mergeable: open ? true : null,
    rebaseable: open ? true : null,
    mergeable_state: open ? 'clean' : 'unknown',
    merged_by: open ? null : userJson(ctx, i.user),
    comments: ctx.state.comments.filter((c) => c.issueNumber === i.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: commitsBetween(ctx.state, baseSha, headSha).length,
    additions: 1,
    deletions: 0,
    changed_files: changedPaths(ctx.state, headSha, baseSha).length,
  };
}

export function commentJson(ctx: ShapeContext, c: Comment) {
  const r = repoBase(ctx);
  const issue = ctx.state.issues.find((i) => i.number === c.issueNumber);
  return {
    id: c.id,
    node_id: nodeId('IssueComment', c.id),
    url: `${r}/issues/comments/${c.id}`,
    html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/${issue?.pull ? 'pull' : 'issues'}/${c.issueNumber}#issuecomment-${c.id}`,
    body: c.body,
    user: userJson(ctx, c.user),
    created_at: c.created_at,
    updated_at: c.updated_at,
    issue_url: `${r}/issues/${c.issueNumber}`,
    author_association: 'NONE',
  };
}

export function assetJson(ctx: ShapeContext, a: Asset) {
  const release = ctx.state.releases.find((r) => r.id === a.releaseId);
  return {
    url: `${repoBase(ctx)}/releases/assets/${a.id}`,
    id: a.id,
    node_id: nodeId('ReleaseAsset', a.id),
    name: a.name,
    label: a.label,
    uploader: userJson(ctx, a.uploader),
    content_type: a.content_type,
    state: 'uploaded',
    size: a.size,
    digest: a.digest,
    download_count: 0,
    created_at: a.created_at,
    updated_at: a.updated_at,
    browser_download_url: release?.draft
      ? `${HTML}/${ctx.state.owner}/${ctx.state.repo}/releases/download/untagged-${a.releaseId}/${encodeURIComponent(a.name)}`
      : `${HTML}/${ctx.state.owner}/${ctx.state.repo}/releases/download/${encodeURIComponent(release?.tag_name ?? '')}/${encodeURIComponent(a.name)}`,
  };
}

export function releaseJson(ctx: ShapeContext, rel: Release) {
  const r = repoBase(ctx);
  const url = `${r}/releases/${rel.id}`;
  return {
    url,
    html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/releases/${rel.draft ? `untagged-${rel.id}` : `tag/${encodeURIComponent(rel.tag_name)}`}`,
    assets_url: `${url}/assets`,
    upload_url: `${ctx.api}/uploads/repos/${ctx.state.owner}/${ctx.state.repo}/releases/${rel.id}/assets{?name,label}`,
    tarball_url: rel.draft ? null : `${r}/tarball/${encodeURIComponent(rel.tag_name)}`,
    zipball_url: rel.draft ? null : `${r}/zipball/${encodeURIComponent(rel.tag_name)}`,
    id: rel.id,
    node_id: nodeId('Release', rel.id),
    tag_name: rel.tag_name,
    target_commitish: rel.target_commitish,
    name: rel.name,
    body: rel.body,
    draft: rel.draft,
    prerelease: rel.prerelease,
    immutable: rel.immutable,
    created_at: rel.created_at,
    published_at: rel.published_at,
    author: userJson(ctx, rel.author),
    assets: ctx.state.assets.filter((a) => a.releaseId === rel.id).map((a) => assetJson(ctx, a)),
  };
}

export function refJson(ctx: ShapeContext, ref: string, sha: string) {
  const type = ctx.state.tagObjects.has(sha) ? 'tag' : 'commit';
  return {
    ref,
    node_id: nodeId('Ref', ref),
    url: `${repoBase(ctx)}/git/${ref.split('/').map(encodeURIComponent).join('/')}`, // `#` in GTO tags must be escaped in a URI
    object: { type, sha, url: `${repoBase(ctx)}/git/${type === 'tag' ? 'tags' : 'commits'}/${sha}` },
  };
}

export function tagJson(ctx: ShapeContext, t: TagObject) {
  return {
    node_id: nodeId('Tag', t.sha),
    tag: t.tag,
    sha: t.sha,
    url: `${repoBase(ctx)}/git/tags/${t.sha}`,
    message: t.message,
    tagger: { ...t.tagger, date: t.date },
    object: {
      type: t.object.type,
      sha: t.object.sha,
      url: `${repoBase(ctx)}/git/${t.object.type === 'tag' ? 'tags' : 'commits'}/${t.object.sha}`,
    },
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

const bot = { name: 'github-actions[bot]', email: '41898282+github-actions@users.noreply.github.com' };

export function gitCommitJson(ctx: ShapeContext, c: Commit) {
  const r = repoBase(ctx);
  return {
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    url: `${r}/git/commits/${c.sha}`,
    html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/commit/${c.sha}`,
    author: { ...bot, date: c.date },
    committer: { ...bot, date: c.date },
    message: c.message,
    tree: { sha: c.tree, url: `${r}/git/trees/${c.tree}` },
    parents: c.parents.map((sha) => ({
      sha,
      url: `${r}/git/commits/${sha}`,
      html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/commit/${sha}`,
    })),
    verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
  };
}

export function commitJson(ctx: ShapeContext, c: Commit) {
  const r = repoBase(ctx);
  return {
    url: `${r}/commits/${c.sha}`,
    sha: c.sha,
    node_id: nodeId('Commit', c.sha),
    html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/commit/${c.sha}`,
    comments_url: `${r}/commits/${c.sha}/comments`,
    commit: {
      url: `${r}/git/commits/${c.sha}`,
      author: { ...bot, date: c.date },
      committer: { ...bot, date: c.date },
      message: c.message,
      comment_count: 0,
      tree: { sha: c.tree, url: `${r}/git/trees/${c.tree}` },
      verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
    },
    author: null,
    committer: null,
    parents: c.parents.map((sha) => ({
      sha,
      url: `${r}/commits/${sha}`,
      html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/commit/${sha}`,
    })),
    stats: { additions: 1, deletions: 0, total: 1 },
    files: diffEntries(ctx, c),
  };
}

/** The files a commit changed (push() records them), as GitHub lists them under a commit. */
function diffEntries(ctx: ShapeContext, c: Commit) {
  const r = repoBase(ctx);
  const parentEntries = ctx.state.commits.get(c.parents[0] ?? '')?.entries ?? {};
  const entry = (filename: string, status: 'added' | 'modified' | 'removed') => {
    const blob = (status === 'removed' ? parentEntries[filename] : c.entries?.[filename]) ?? null;
    const path = filename.split('/').map(encodeURIComponent).join('/');
    return {
      sha: blob,
      filename,
      status,
      additions: status === 'removed' ? 0 : 1,
      deletions: status === 'added' ? 0 : 1,
      changes: status === 'modified' ? 2 : 1,
      blob_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/blob/${c.sha}/${path}`,
      raw_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/raw/${c.sha}/${path}`,
      contents_url: `${r}/contents/${path}?ref=${c.sha}`,
    };
  };
  const ch = c.changes;
  return ch
    ? [
        ...ch.added.map((f) => entry(f, 'added')),
        ...ch.modified.map((f) => entry(f, 'modified')),
        ...ch.removed.map((f) => entry(f, 'removed')),
      ]
    : [];
}

export function workflowRunJson(ctx: ShapeContext, run: WorkflowRun) {
  const r = repoBase(ctx);
  const url = `${r}/actions/runs/${run.id}`;
  const workflowId = workflowIdOf(run.path);
  const commit = ctx.state.commits.get(run.head_sha);
  const repo = repositoryJson(ctx);
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId('WorkflowRun', run.id),
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: run.path,
    display_title: commit?.message.split('\n')[0] ?? run.name,
    run_number: run.run_number,
    run_attempt: 1,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: workflowId,
    check_suite_id: run.id + 1,
    check_suite_node_id: nodeId('CheckSuite', run.id + 1),
    url,
    html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    run_started_at: run.created_at,
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${r}/check-suites/${run.id + 1}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${r}/actions/workflows/${workflowId}`,
    head_commit: commit
      ? { id: commit.sha, tree_id: commit.tree, message: commit.message, timestamp: commit.date, author: bot, committer: bot }
      : null,
    repository: repo,
    head_repository: repo,
    actor: userJson(ctx, ownerUser(ctx)),
    triggering_actor: userJson(ctx, ownerUser(ctx)),
  };
}

/** A stable numeric id for a workflow file path. */
export function workflowIdOf(path: string): number {
  let h = 7;
  for (const ch of path) h = (h * 31 + ch.charCodeAt(0)) % 100_000_000;
  return h;
}

export function artifactJson(ctx: ShapeContext, a: Artifact) {
  const r = repoBase(ctx);
  const run = ctx.state.workflowRuns.find((w) => w.id === a.runId);
  return {
    id: a.id,
    node_id: nodeId('Artifact', a.id),
    name: a.name,
    size_in_bytes: a.size,
    url: `${r}/actions/artifacts/${a.id}`,
    archive_download_url: `${r}/actions/artifacts/${a.id}/zip`,
    expired: false,
    digest: a.digest,
    created_at: a.created_at,
    expires_at: a.expires_at,
    updated_at: a.created_at,
    workflow_run: run
      ? {
          id: run.id,
          repository_id: ctx.state.repoId,
          head_repository_id: ctx.state.repoId,
          head_branch: run.head_branch,
          head_sha: run.head_sha,
        }
      : null,
  };
}

export function statusJson(ctx: ShapeContext, s: CommitStatus) {
  return {
    url: `${repoBase(ctx)}/statuses/${s.sha}`,
    avatar_url: null,
    id: s.id,
    node_id: nodeId('StatusContext', s.id),
    state: s.state,
    description: s.description,
    target_url: s.target_url,
    context: s.context,
    created_at: s.created_at,
    updated_at: s.updated_at,
    creator: userJson(ctx, s.creator),
  };
}

export function appJson(ctx: ShapeContext) {
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: nodeId('Integration', 15368),
    client_id: 'Iv1.emulator',
    owner: userJson(ctx, ownerUser(ctx)),
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: 'https://github.com/apps/github-actions',
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: {
      actions: 'write',
      checks: 'write',
      contents: 'write',
      issues: 'write',
      metadata: 'read',
      pull_requests: 'write',
      statuses: 'write',
    },
    events: ['check_run', 'pull_request', 'push', 'release', 'workflow_dispatch'],
  };
}

export function checkRunJson(ctx: ShapeContext, c: CheckRun) {
  const r = repoBase(ctx);
  return {
    id: c.id,
    head_sha: c.head_sha,
    node_id: nodeId('CheckRun', c.id),
    external_id: c.external_id,
    url: `${r}/check-runs/${c.id}`,
    html_url: `${HTML}/${ctx.state.owner}/${ctx.state.repo}/runs/${c.id}`,
    details_url: c.details_url,
    status: c.status,
    conclusion: c.conclusion,
    started_at: c.started_at,
    completed_at: c.completed_at,
    output: { ...c.output, annotations_count: 0, annotations_url: `${r}/check-runs/${c.id}/annotations` },
    name: c.name,
    check_suite: { id: c.id + 1 },
    app: appJson(ctx),
    pull_requests: [],
  };
}

export function privateUserJson(ctx: ShapeContext, u: User) {
  return {
    ...userJson(ctx, u),
    name: null,
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-01-01T00:00:00Z',
  };
}
