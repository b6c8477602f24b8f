/**
 * mlci's GitHub client under failure, against the emulator: what is safe to retry is retried, retry-after is
 * honoured, a POST that may have been applied is never sent twice, and a missing permission is named.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor, MlciError } from '@mlci/core';
import {
  createGitHubClient,
  describeGitHubError,
  GitHubRemoteError,
  permissionFor,
  repoFromEnv,
  statusOf,
  type GitHubClient,
} from '@mlci/core/github';
import { startEmulator, type Emulator } from '../github-emulator/index';

let gh: Emulator;
const r = { owner: 'octo-org', repo: 'octo-repo' };
const COMMENTS = '/repos/octo-org/octo-repo/issues/1/comments';
const warnings: string[] = [];
const logger = { info() {}, debug() {}, error() {}, warn: (m: string) => void warnings.push(m) };
const client = (token = 'ghs_test_write', extra = {}): GitHubClient =>
  createGitHubClient({ token, baseUrl: gh.url, logger, retryBaseMs: 10, paceWrites: false, retries: 3, ...extra });
const sent = (method: string, path: string) => gh.requests.filter((q) => q.method === method && q.path === path).length;

beforeEach(async () => {
  warnings.length = 0;
  gh = await startEmulator();
});
afterEach(() => gh.stop());

describe('retries', () => {
  it('retries a GET through 503s and a dropped connection', async () => {
    gh.faults.add({ method: 'GET', path: '/repos/octo-org/octo-repo/pulls/1', status: 503, times: 2 });
    gh.faults.add({ method: 'GET', path: '/repos/octo-org/octo-repo/pulls/1', drop: true });
    const pr = await client().pulls.get({ ...r, pull_number: 1 });
    expect(pr.data.number).toBe(1);
    expect(sent('GET', '/repos/octo-org/octo-repo/pulls/1')).toBe(4);
  });

  it('gives up after the bounded number of attempts with a remote error', async () => {
    gh.faults.add({ method: 'GET', path: COMMENTS, status: 500, times: Infinity });
    const error = await client('ghs_test_write', { retries: 2 })
      .issues.listComments({ ...r, issue_number: 1 })
      .catch((e) => e);
    expect(error.status).toBe(500);
    expect(sent('GET', COMMENTS)).toBe(3);
    const described = describeGitHubError(error, { operation: 'read the PR comments' }) as MlciError;
    expect(described).toBeInstanceOf(MlciError);
    expect(described.kind).toBe('remote');
    expect(described.message).toContain('could not read the PR comments');
  });

  it('retries PATCH and DELETE (idempotent) after a 502', async () => {
    const octokit = client();
    const c = (await octokit.issues.createComment({ ...r, issue_number: 1, body: 'v1' })).data;
    const path = `/repos/octo-org/octo-repo/issues/comments/${c.id}`;
    gh.faults.add({ method: 'PATCH', path, status: 502 });
    await octokit.issues.updateComment({ ...r, comment_id: c.id, body: 'v2' });
    expect(gh.state.comments.map((x) => x.body)).toEqual(['v2']);
    gh.faults.add({ method: 'DELETE', path, status: 502, afterApply: true });
    // The first DELETE was applied; the retry finds nothing and GitHub says 404, which the caller may treat as done.
    const retried = await octokit.issues.deleteComment({ ...r, comment_id: c.id }).catch((e) => e);
    expect(retried.status).toBe(404);
    expect(sent('DELETE', path)).toBe(2);
  });

  it('never sends a POST twice after a 5xx or a dropped connection, so no second comment appears', async () => {
    gh.faults.add({ method: 'POST', path: COMMENTS, status: 502, afterApply: true });
    const lost = await client()
      .issues.createComment({ ...r, issue_number: 1, body: 'report' })
      .catch((e) => e);
    expect(lost.status).toBe(502);
    gh.faults.add({ method: 'POST', path: COMMENTS, drop: true, afterApply: true });
    const dropped = await client()
      .issues.createComment({ ...r, issue_number: 1, body: 'report' })
      .catch((e) => e);
    expect(dropped.status).toBe(500);
    expect(sent('POST', COMMENTS)).toBe(2);
    expect(gh.state.comments).toHaveLength(2); // one per call, none from a retry
    gh.faults.add({ method: 'POST', path: '/repos/octo-org/octo-repo/releases', status: 500, afterApply: true });
    await client()
      .repos.createRelease({ ...r, tag_name: 'iris@v1', draft: true })
      .catch(() => undefined);
    expect(gh.state.releases).toHaveLength(1);
  });
});

describe('rate limits', () => {
  it('honours retry-after on a 429 secondary limit, also for a POST (GitHub did not apply it)', async () => {
    gh.faults.add({ method: 'POST', path: COMMENTS, status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    await client().issues.createComment({ ...r, issue_number: 1, body: 'once' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(gh.state.comments).toHaveLength(1);
    expect(sent('POST', COMMENTS)).toBe(2);
    expect(warnings.join('\n')).toMatch(/secondary rate limit.*waiting 1s/);
  });

  it('honours retry-after on a 403 secondary limit and on x-ratelimit-remaining: 0', async () => {
    gh.faults.add({ method: 'GET', path: COMMENTS, status: 403, headers: { 'retry-after': '1' } });
    const reset = String(Math.floor(Date.now() / 1000) + 1);
    gh.faults.add({
      method: 'GET',
      path: COMMENTS,
      status: 403,
      message: 'API rate limit exceeded for installation.',
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
    });
    const started = Date.now();
    await client().issues.listComments({ ...r, issue_number: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sent('GET', COMMENTS)).toBe(3);
  });

  it('fails at once when retry-after exceeds the accepted wait, naming the rate limit', async () => {
    gh.faults.add({ method: 'GET', path: COMMENTS, status: 429, headers: { 'retry-after': '120' } });
    const started = Date.now();
    const error = await client('ghs_test_write', { maxWaitSeconds: 5 })
      .issues.listComments({ ...r, issue_number: 1 })
      .catch((e) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    const described = describeGitHubError(error, { operation: 'list comments' }) as MlciError;
    expect(described.hint).toMatch(/rate limiting.*retry after 120s/);
  });

  it('tolerates a slow answer', async () => {
    gh.faults.add({ method: 'GET', path: '/repos/octo-org/octo-repo/pulls/1', delayMs: 300 });
    expect((await client().pulls.get({ ...r, pull_number: 1 })).data.number).toBe(1);
    expect(sent('GET', '/repos/octo-org/octo-repo/pulls/1')).toBe(1);
  });
});

describe('clear failures', () => {
  it('names the permissions line a read-only token lacks', async () => {
    const read = client('ghs_test_read');
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => read.issues.createComment({ ...r, issue_number: 1, body: 'x' }), 'pull-requests: write'],
      [() => read.repos.createRelease({ ...r, tag_name: 'v1' }), 'contents: write'],
      [() => read.git.createRef({ ...r, ref: 'refs/tags/champion', sha: gh.state.branchSha('main')! }), 'contents: write'],
      [() => read.issues.create({ ...r, title: 'drift' }), 'issues: write'],
      [() => read.actions.deleteArtifact({ ...r, artifact_id: 1 }), 'actions: write'],
    ];
    for (const [call, line] of cases) {
      const error = (await call().catch((e: unknown) => e)) as { status: number };
      expect(error.status).toBe(403);
      const described = describeGitHubError(error, { operation: 'do it' }) as MlciError;
      expect(described.kind).toBe('remote');
      expect(described.message).toContain('Resource not accessible by integration');
      expect(described.hint).toContain(`\`${line}\``);
    }
    expect(sent('POST', COMMENTS)).toBe(1); // 403s are not retried
    expect(permissionFor('GET', '/repos/o/r/actions/runs/1/artifacts')).toBe('actions: read');
  });

  it('the client itself throws a GitHubRemoteError: kind remote, status, request id and the permissions: line', async () => {
    const error = await client('ghs_test_read')
      .issues.create({ ...r, title: 'drift' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubRemoteError);
    expect(error).toMatchObject({ kind: 'remote', status: 403, method: 'POST' });
    expect(exitCodeFor(error)).toBe(3);
    expect((error as GitHubRemoteError).requestId).toMatch(/^EMU0:/);
    expect((error as GitHubRemoteError).message).toMatch(
      /^GitHub POST \/repos\/octo-org\/octo-repo\/issues failed: GitHub answered HTTP 403: Resource not accessible by integration, request id EMU0:/,
    );
    expect((error as GitHubRemoteError).hint).toContain('add `issues: write` under `permissions:`');
    expect(statusOf(error)).toBe(403);
    const bad = await client('ghs_revoked')
      .pulls.get({ ...r, pull_number: 1 })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ kind: 'remote', status: 401 });
    expect((bad as GitHubRemoteError).hint).toMatch(/token is missing, expired or wrong/);
  });

  it('a second writer racing on a tag turns into a clear 422', async () => {
    const main = gh.state.branchSha('main')!;
    gh.faults.beforeNext({ method: 'POST', path: '/repos/octo-org/octo-repo/git/refs' }, () => {
      gh.state.refs.set('refs/tags/champion', main);
    });
    const error = await client()
      .git.createRef({ ...r, ref: 'refs/tags/champion', sha: main })
      .catch((e) => e);
    expect(error.status).toBe(422);
    expect((describeGitHubError(error, { operation: 'move champion' }) as MlciError).message).toContain('Reference already exists');
  });

  it('leaves non-GitHub errors alone and reads the repository from the environment', () => {
    const bug = new TypeError('x is undefined');
    expect(describeGitHubError(bug, { operation: 'x' })).toBe(bug);
    expect(repoFromEnv({ GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_API_URL: `${gh.url}/` })).toEqual({
      owner: 'octo-org',
      repo: 'octo-repo',
      apiUrl: gh.url,
    });
    expect(repoFromEnv({ GITHUB_REPOSITORY: 'a/b' }).apiUrl).toBe('https://api.github.com');
    expect(() => repoFromEnv({})).toThrow(/GITHUB_REPOSITORY is not set/);
    expect(() => repoFromEnv({ GITHUB_REPOSITORY: 'nope' })).toThrow(MlciError);
  });
});
