/**
 * GitHub's answers where mlci depends on them: error bodies, token permissions, immutable releases,
 * fast-forward rules, pagination with Link headers, request conformance failures, and the CLI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './index';

let gh: Emulator;
const r = { owner: 'octo-org', repo: 'octo-repo' };
const api = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${gh.url}${path}`, {
    ...init,
    headers: {
      ...(init.token ? { authorization: `token ${init.token}` } : {}),
      'content-type': 'application/json',
      ...(init.headers ?? {}),
    },
  });

beforeEach(async () => {
  gh = await startEmulator();
});
afterEach(() => gh.stop());

describe('errors as GitHub sends them', () => {
  it('401 without a token and with a bad one', async () => {
    const none = await api('/repos/octo-org/octo-repo/pulls/1');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({
      message: 'Requires authentication',
      documentation_url: expect.stringContaining('docs.github.com'),
    });
    const bad = await api('/repos/octo-org/octo-repo/pulls/1', { token: 'ghs_nope' });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { message: string }).message).toBe('Bad credentials');
  });

  it('403 on writes with the read-only token, reads allowed', async () => {
    const read = new Octokit({ auth: 'ghs_test_read', baseUrl: gh.url });
    expect((await read.pulls.get({ ...r, pull_number: 1 })).status).toBe(200);
    const denied = await read.issues.createComment({ ...r, issue_number: 1, body: 'x' }).catch((e) => e);
    expect(denied.status).toBe(403);
    expect(denied.response.data).toMatchObject({
      message: 'Resource not accessible by integration',
      documentation_url: expect.any(String),
    });
    expect(gh.state.comments).toHaveLength(0);
  });

  it('404 with message and documentation_url, for unknown objects and other repositories', async () => {
    const octokit = new Octokit({ auth: 'ghs_test_write', baseUrl: gh.url });
    for (const call of [
      () => octokit.pulls.get({ ...r, pull_number: 99 }),
      () => octokit.pulls.get({ owner: 'someone', repo: 'else', pull_number: 1 }),
    ]) {
      const e = await call().catch((x) => x);
      expect(e.status).toBe(404);
      expect(e.response.data).toMatchObject({ message: 'Not Found', documentation_url: expect.any(String) });
    }
    expect(gh.conformance).toEqual([]);
  });

  it('a request GitHub would reject answers 422 and is recorded as a conformance failure', async () => {
    const res = await api('/repos/octo-org/octo-repo/issues/1/comments', {
      method: 'POST',
      token: 'ghs_test_write',
      body: JSON.stringify({ text: 'wrong field' }),
    });
    expect(res.status).toBe(422);
    expect(gh.conformance).toEqual([
      expect.objectContaining({ kind: 'request', operationId: 'issues/create-comment', problems: [expect.stringContaining("'body'")] }),
    ]);
    const route = await api('/repos/octo-org/octo-repo/no-such-thing', { token: 'ghs_test_write' });
    expect(route.status).toBe(404);
    expect(gh.conformance.at(-1)).toMatchObject({ kind: 'route' });
  });
});

describe('releases, refs and tags', () => {
  it('a published tag cannot be reused, even after the release is deleted (immutable releases)', async () => {
    const octokit = new Octokit({ auth: 'ghs_test_write', baseUrl: gh.url });
    const first = (await octokit.repos.createRelease({ ...r, tag_name: 'iris@v1', draft: true })).data;
    expect(gh.state.refs.has('refs/tags/iris@v1')).toBe(false);
    await octokit.repos.updateRelease({ ...r, release_id: first.id, draft: false });
    expect(gh.state.refs.has('refs/tags/iris@v1')).toBe(true);
    const second = (await octokit.repos.createRelease({ ...r, tag_name: 'iris@v1', draft: true })).data;
    const clash = await octokit.repos.updateRelease({ ...r, release_id: second.id, draft: false }).catch((e) => e);
    expect(clash.status).toBe(422);
    expect(clash.response.data).toMatchObject({
      message: 'Validation Failed',
      errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
    });
    await octokit.repos.deleteRelease({ ...r, release_id: first.id });
    expect((await octokit.repos.createRelease({ ...r, tag_name: 'iris@v1' }).catch((e) => e)).status).toBe(422);
    expect(gh.state.refs.has('refs/tags/iris@v1')).toBe(true); // deleting a release keeps its tag
    expect(gh.conformance).toEqual([]);
  });

  it('ref updates must fast-forward unless forced; creating an existing ref is 422', async () => {
    const octokit = new Octokit({ auth: 'ghs_test_write', baseUrl: gh.url });
    const main = gh.state.branchSha('main')!;
    const ahead = gh.state.commit('ahead', [main]).sha;
    const diverged = gh.state.commit('diverged', [main]).sha;
    await octokit.git.updateRef({ ...r, ref: 'heads/main', sha: ahead });
    const nonFf = await octokit.git.updateRef({ ...r, ref: 'heads/main', sha: diverged }).catch((e) => e);
    expect(nonFf.status).toBe(422);
    expect(nonFf.response.data.message).toBe('Update is not a fast forward');
    expect(gh.state.branchSha('main')).toBe(ahead);
    await octokit.git.updateRef({ ...r, ref: 'heads/main', sha: diverged, force: true });
    expect(gh.state.branchSha('main')).toBe(diverged);
    const dup = await octokit.git.createRef({ ...r, ref: 'refs/heads/main', sha: ahead }).catch((e) => e);
    expect(dup.status).toBe(422);
    expect(dup.response.data.message).toBe('Reference already exists');
    expect(gh.conformance).toEqual([]);
  });
});

describe('pagination', () => {
  it('pages 250 comments with Link headers; octokit.paginate reads them all', async () => {
    const octokit = new Octokit({ auth: 'ghs_test_write', baseUrl: gh.url });
    for (let i = 0; i < 250; i++)
      gh.state.comments.push({
        id: gh.state.nextId(),
        issueNumber: 1,
        body: `c${i}`,
        user: gh.state.tokens.get('ghs_test_write')!.user,
        created_at: '2025-01-01T00:00:00Z',
        updated_at: '2025-01-01T00:00:00Z',
      });
    const first = await octokit.issues.listComments({ ...r, issue_number: 1, per_page: 100 });
    expect(first.data).toHaveLength(100);
    expect(first.headers.link).toMatch(/page=2[^>]*>; rel="next"/);
    expect(first.headers.link).toMatch(/page=3[^>]*>; rel="last"/);
    const last = await octokit.issues.listComments({ ...r, issue_number: 1, per_page: 100, page: 3 });
    expect(last.data.map((c) => c.body)).toEqual(Array.from({ length: 50 }, (_, i) => `c${i + 200}`));
    expect(last.headers.link).toMatch(/rel="prev".*rel="first"/);
    expect(last.headers.link).not.toMatch(/rel="next"/);
    const all = await octokit.paginate(octokit.issues.listComments, { ...r, issue_number: 1, per_page: 100 });
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 250 }, (_, i) => `c${i}`));
    const defaults = await octokit.issues.listComments({ ...r, issue_number: 1 });
    expect(defaults.data).toHaveLength(30);
    expect(gh.conformance).toEqual([]);
  });
});

describe('npm run emulator', () => {
  it('serves on the given port, seeded from --state, until stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emulator-cli-'));
    const stateFile = join(dir, 'state.json');
    writeFileSync(stateFile, JSON.stringify({ owner: 'acme', repo: 'models', pulls: [{ number: 7, title: 'Retrain' }] }));
    const probe = await startEmulator();
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/github-emulator/main.ts', '--port', String(port), '--state', stateFile],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toContain(`http://127.0.0.1:${port}`);
      const res = await fetch(`http://127.0.0.1:${port}/repos/acme/models/pulls/7`, { headers: { authorization: 'token ghs_test_write' } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { title: string }).title).toBe('Retrain');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)))).toBe(0);
  }, 20_000);
});
