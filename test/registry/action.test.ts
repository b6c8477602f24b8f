import { describe, expect, it } from 'vitest';
import { runAction } from '../harness/runner';
import { freshProject, recordRun } from './fixtures';
import { startEmulator } from '../github-emulator/index';
import { newCommit, registryEnv } from './emulator';
import { createGitHubClient } from '@mlci/core/github';

describe('promote-model action (local backend)', () => {
  it('workflow_dispatch: promotes the named run and sets outputs and a summary', async () => {
    const { dir, store } = await freshProject();
    const a = await recordRun(store, { content: 'act-A', accuracy: 0.7 });
    const b = await recordRun(store, { content: 'act-B', accuracy: 0.8 });
    const first = await runAction('promote-model', {
      workspace: dir,
      eventName: 'workflow_dispatch',
      inputs: { name: 'iris', run: a.id, backend: 'local' },
    });
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    expect(first.outputs).toMatchObject({ version: '0.1.0', tag: 'iris@v0.1.0', 'previous-holder': '', 'run-id': a.id });
    const second = await runAction('promote-model', {
      workspace: dir,
      eventName: 'workflow_dispatch',
      inputs: { name: 'iris', run: b.id, backend: 'local', bump: 'major' },
    });
    expect(second.outputs).toMatchObject({ version: '1.0.0', 'previous-holder': '0.1.0' });
    expect(second.summary).toContain('iris@v1.0.0');
    expect(second.summary).toContain('mlci models rollback iris --alias champion');
  });

  it('push of a version tag: promotes the newest FINISHED run at that commit under that version', async () => {
    const { dir, store } = await freshProject();
    const sha = 'abcdef0'.padEnd(40, '9');
    const run = await recordRun(store, { content: 'tagged', accuracy: 0.9, commit: sha });
    const result = await runAction('promote-model', {
      workspace: dir,
      eventName: 'push',
      env: { GITHUB_REF: 'refs/tags/iris@v3.1.0', GITHUB_SHA: sha },
      inputs: { backend: 'local' },
    });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(result.outputs).toMatchObject({ version: '3.1.0', tag: 'iris@v3.1.0', 'run-id': run.id });
  });

  it('fails the step with the reason when gates are required and failed, or the input is bad', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'gated', accuracy: 0.9, tags: { 'mlci.gate.overfit-gate': 'fail' } });
    const refused = await runAction('promote-model', {
      workspace: dir,
      eventName: 'workflow_dispatch',
      inputs: { name: 'iris', run: run.id, backend: 'local', 'require-gates': 'true' },
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/overfit-gate failed/);
    expect(refused.outputs.version).toBeUndefined();
    const bad = await runAction('promote-model', {
      workspace: dir,
      eventName: 'workflow_dispatch',
      inputs: { name: 'iris', run: run.id, backend: 'local', bump: 'huge' },
    });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toMatch(/bump must be major, minor or patch/);
  });
});

describe('promote-model action (GitHub backend, on the emulator)', () => {
  it('registers a release and moves champion; outputs name the release and the previous holder', async () => {
    const gh = await startEmulator();
    try {
      const { dir, store } = await freshProject();
      const a = await recordRun(store, { content: 'gh-act-A', accuracy: 0.7, commit: newCommit(gh, 'train A') });
      const b = await recordRun(store, { content: 'gh-act-B', accuracy: 0.8, commit: newCommit(gh, 'train B') });
      const env = registryEnv(gh);
      // A secondary rate limit on the first listing: waited out, and said in the job log.
      gh.faults.add({ method: 'GET', path: '/repos/octo-org/octo-repo/releases', status: 429, headers: { 'retry-after': '1' } });
      const first = await runAction('promote-model', {
        workspace: dir,
        eventName: 'workflow_dispatch',
        env,
        inputs: { name: 'iris', run: a.id, 'github-token': 'ghs_test_write' },
      });
      expect(first.exitCode, first.stdout).toBe(0);
      expect(first.stdout).toMatch(/::warning::GitHub secondary rate limit on GET .*\/releases.*waiting 1s/);
      const second = await runAction('promote-model', {
        workspace: dir,
        eventName: 'workflow_dispatch',
        env,
        inputs: { name: 'iris', run: b.id, 'github-token': 'ghs_test_write' },
      });
      expect(second.outputs).toMatchObject({
        version: '0.2.0',
        tag: 'iris@v0.2.0',
        'previous-holder': '0.1.0',
        'release-url': 'https://github.com/octo-org/octo-repo/releases/tag/iris%40v0.2.0',
      });
      expect([...gh.state.refs.keys()].filter((k) => k.includes('#champion#')).sort()).toEqual([
        'refs/tags/iris#champion#1',
        'refs/tags/iris#champion#2',
      ]);
      // release published for a version mlci registered: the alias moves to it (here: back to v0.1.0)
      const published = await runAction('promote-model', {
        workspace: dir,
        eventName: 'release',
        env,
        event: { action: 'published', release: { tag_name: 'iris@v0.1.0' } },
        inputs: { 'github-token': 'ghs_test_write' },
      });
      expect(published.exitCode, published.stdout).toBe(0);
      expect(published.outputs).toMatchObject({ version: '0.1.0', 'previous-holder': '0.2.0', 'run-id': a.id });
      const readOnly = await runAction('promote-model', {
        workspace: dir,
        eventName: 'workflow_dispatch',
        env,
        inputs: { name: 'iris', run: b.id, bump: 'major', 'github-token': 'ghs_test_read' },
      });
      expect(readOnly.exitCode).toBe(1);
      expect(readOnly.stdout).toMatch(/contents: write/);
      expect(gh.state.releases.map((r) => r.tag_name).sort()).toEqual(['iris@v0.1.0', 'iris@v0.2.0']);
      expect(gh.conformance).toEqual([]);
    } finally {
      await gh.stop();
    }
  });

  it('push of a version tag (annotated as GTO and `git tag -a` make it, or lightweight) registers under that tag', async () => {
    const gh = await startEmulator();
    try {
      const { dir, store } = await freshProject();
      const git = createGitHubClient({ token: 'ghs_test_write', baseUrl: gh.url, paceWrites: false, retries: 0 });
      const r = { owner: gh.state.owner, repo: gh.state.repo };
      const annotatedAt = newCommit(gh, 'release 3.1.0');
      const lightAt = newCommit(gh, 'release 3.2.0');
      const annotatedRun = await recordRun(store, { content: 'tag-annotated', accuracy: 0.9, commit: annotatedAt });
      const lightRun = await recordRun(store, { content: 'tag-light', accuracy: 0.91, commit: lightAt });
      // What `git push` of each tag leaves on GitHub.
      const object = await git.request('POST /repos/{owner}/{repo}/git/tags', {
        ...r,
        tag: 'iris@v3.1.0',
        message: 'Registering iris v3.1.0',
        object: annotatedAt,
        type: 'commit',
      });
      await git.request('POST /repos/{owner}/{repo}/git/refs', { ...r, ref: 'refs/tags/iris@v3.1.0', sha: object.data.sha });
      await git.request('POST /repos/{owner}/{repo}/git/refs', { ...r, ref: 'refs/tags/iris@v3.2.0', sha: lightAt });
      const env = registryEnv(gh);
      const pushed = (tag: string, sha: string) =>
        runAction('promote-model', {
          workspace: dir,
          eventName: 'push',
          env: { ...env, GITHUB_REF: `refs/tags/${tag}`, GITHUB_SHA: sha },
          inputs: { 'github-token': 'ghs_test_write' },
        });
      const annotated = await pushed('iris@v3.1.0', annotatedAt);
      expect(annotated.exitCode, annotated.stdout).toBe(0);
      expect(annotated.outputs).toMatchObject({ version: '3.1.0', tag: 'iris@v3.1.0', 'run-id': annotatedRun.id, 'previous-holder': '' });
      const light = await pushed('iris@v3.2.0', lightAt);
      expect(light.exitCode, light.stdout).toBe(0);
      expect(light.outputs).toMatchObject({ version: '3.2.0', 'run-id': lightRun.id, 'previous-holder': '3.1.0' });
      // The pushed tags are kept (the releases adopt them), and alias tags point at the versions' commits.
      expect(gh.state.refs.get('refs/tags/iris@v3.1.0')).toBe(object.data.sha);
      expect(gh.state.tagObjects.get(gh.state.refs.get('refs/tags/iris#champion#1')!)!.object.sha).toBe(annotatedAt);
      expect(gh.state.releases.map((x) => [x.tag_name, x.draft])).toEqual([
        ['iris@v3.1.0', false],
        ['iris@v3.2.0', false],
      ]);
      // The same published version pushed again (another run's commit) is refused: tags are never reused.
      const again = await pushed('iris@v3.1.0', lightAt);
      expect(again.exitCode).toBe(1);
      expect(again.stdout).toMatch(/iris@v3.1.0 already exists/);
      // A tag whose commit is not the run's is refused with the reason.
      const elsewhere = newCommit(gh, 'unrelated');
      await git.request('POST /repos/{owner}/{repo}/git/refs', { ...r, ref: 'refs/tags/iris@v4.0.0', sha: elsewhere });
      const mismatch = await runAction('promote-model', {
        workspace: dir,
        eventName: 'push',
        env: { ...env, GITHUB_REF: 'refs/tags/iris@v4.0.0', GITHUB_SHA: elsewhere },
        inputs: { 'github-token': 'ghs_test_write', run: lightRun.id },
      });
      expect(mismatch.exitCode).toBe(1);
      expect(mismatch.stdout).toMatch(/tag iris@v4.0.0 points at [0-9a-f]{12}, not at the run's commit/);
      expect(gh.state.releases.filter((x) => x.draft)).toEqual([]);
      expect(gh.conformance).toEqual([]);
    } finally {
      await gh.stop();
    }
  });
});
