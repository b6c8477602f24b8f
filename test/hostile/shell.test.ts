/**
 * Hostile rows of the shell layer (issue #12): remote failures are remote errors (exit 3, the HTTP status in the
 * message, never "internal error"), a symbolic link in a downloaded artifact is refused at once, and a failed
 * GitHub promotion leaves nothing that makes the rerun skip a version. Each runs the real `mlci` (or the
 * bundled action) against the GitHub emulator.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addArtifact, addWorkflowRun, startEmulator, type Emulator } from '../github-emulator/index';
import { runAction } from '../harness/runner';
import { zipOf } from '../harness/zip';
import { failNth, newCommit, registryEnv } from '../registry/emulator';
import { freshProject, recordRun } from '../registry/fixtures';
import { record, seedStore } from '../report/fixtures-runs';
import { expectCleanRefusal, expectNoCrash, filesUnder, runMlci } from './harness';

let gh: Emulator;
beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(() => gh?.stop());

const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('shell layer: hostile rows', () => {
  it('mlci data get --github with a bad token: exit 3, HTTP 401 named with a hint, no "internal error"', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mlci-hostile-token-'));
    const sha = sha256('never stored');
    const run = await runMlci(['data', 'get', sha, '--to', 'restored', '--github'], { cwd, env: { ...registryEnv(gh, 'ghs_revoked') } });
    expectCleanRefusal(run, { exit: 3, names: [/HTTP 401/, 'Bad credentials', 'GET /repos/octo-org/octo-repo/actions/artifacts'] });
    expect(await filesUnder(join(cwd, 'restored'))).toEqual([]);
  });

  it('a symbolic link in an artifact zip: refused at once naming the artifact and the entry (no 25 s of retries), nothing written', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mlci-hostile-symlink-'));
    const sha = sha256('linked dataset');
    const wr = addWorkflowRun(gh.state, { status: 'completed', conclusion: 'success' });
    addArtifact(gh.state, wr.id, `mlci-data-${sha}`, zipOf([{ name: sha, data: '/etc/passwd', mode: 0o120777 }]));
    const started = Date.now();
    const run = await runMlci(['data', 'get', sha, '--to', 'restored', '--github'], {
      cwd,
      env: { ...registryEnv(gh, 'ghs_test_read') },
      ceilingMs: 20_000,
    });
    expectCleanRefusal(run, { exit: 2, names: [`artifact mlci-data-${sha}`, `entry "${sha}" is a symbolic link`] });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await filesUnder(cwd)).toEqual([]);
  });

  it('an artifact entry climbing out of its directory (../) is refused the same way, nothing written outside', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'mlci-hostile-slip-'));
    const sha = sha256('slipped dataset');
    const wr = addWorkflowRun(gh.state, { status: 'completed', conclusion: 'success' });
    addArtifact(gh.state, wr.id, `mlci-data-${sha}`, zipOf([{ name: `../../${sha}`, data: 'x' }]));
    const run = await runMlci(['data', 'get', sha, '--to', 'restored', '--github'], {
      cwd,
      env: { ...registryEnv(gh, 'ghs_test_read') },
      ceilingMs: 20_000,
    });
    expectCleanRefusal(run, { exit: 2, names: [`artifact mlci-data-${sha}`, `entry "../../${sha}"`] });
    expect(await filesUnder(cwd)).toEqual([]);
  });

  it('a failed GitHub promotion (an upload answered 500): exit 3 with the status, and the rerun publishes the same version', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'hostile-promote', accuracy: 0.5, commit: newCommit(gh, 'hostile promote') });
    const versions = () => gh.state.releases.filter((r) => r.tag_name.startsWith('iris@')).map((r) => [r.tag_name, r.draft]);
    failNth(gh, { method: 'POST', path: /\/releases\/\d+\/assets$/ }, 3, { status: 500 });
    const failed = await runMlci(['models', 'promote', 'iris', '--run', run.id, '--github', '--project', dir], {
      cwd: dir,
      env: registryEnv(gh),
    });
    expectCleanRefusal(failed, {
      exit: 3,
      names: [/could not upload \S+ to iris@v0\.1\.0: GitHub answered HTTP 500/, 'the draft was deleted'],
    });
    expect(versions()).toEqual([]);
    const rerun = await runMlci(['models', 'promote', 'iris', '--run', run.id, '--github', '--project', dir, '--json'], {
      cwd: dir,
      env: registryEnv(gh),
    });
    expectNoCrash(rerun);
    expect(rerun.exitCode, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ version: '0.1.0' });
    expect(versions()).toEqual([['iris@v0.1.0', false]]);
  });

  it('the sticky comment failing after retries (502 on every write): a remote error with the status, not a bug', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'mlci-hostile-sticky-'));
    const temp = await mkdtemp(join(tmpdir(), 'mlci-hostile-sticky-rt-'));
    const base = record('base', { accuracy: [0.9] });
    const cand = record('cand', { accuracy: [0.92] });
    await seedStore(workspace, [{ run: base }, { run: cand }]);
    await mkdir(join(temp, 'mlci', 'results'), { recursive: true });
    await writeFile(join(temp, 'mlci', 'results', 'train.json'), JSON.stringify(cand));
    gh.faults.add({ method: 'POST', path: '/repos/octo-org/octo-repo/issues/1/comments', status: 502, times: Infinity });
    try {
      const result = await runAction('compare-to-champion', {
        workspace,
        inputs: { baseline: base.id, 'github-token': 'ghs_test_write' },
        event: { pull_request: { number: 1, head: { sha: '0123456789abcdef0123456789abcdef01234567' } } },
        env: { RUNNER_TEMP: temp, GITHUB_API_URL: gh.url, MLCI_GITHUB_PACE_WRITES: 'false' },
      });
      const text = result.stdout + result.stderr;
      expect(result.exitCode, text).toBe(1);
      expect(text).toMatch(/mlci: error: GitHub POST \/repos\/octo-org\/octo-repo\/issues\/1\/comments failed: GitHub answered HTTP 502/);
      expect(text).toMatch(/hint: GitHub failed or could not be reached/);
      expect(text).not.toMatch(/internal error|\n\s+at .+:\d+:\d+/);
    } finally {
      gh.faults.clear();
    }
  });
});
