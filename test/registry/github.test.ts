import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliasConflictError, downloadVersion, getChampion, promote, rollback, showVersion } from '@mlci/registry';
import { jsonOf, runCli } from '../harness/cli';
import { GitHubRegistry } from '@mlci/registry/github';
import { freshProject, recordRun } from './fixtures';
import { startFakeGitHub } from './fake-github';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
let gh: Awaited<ReturnType<typeof startFakeGitHub>>;
beforeEach(async () => {
  gh = await startFakeGitHub();
});
afterEach(async () => gh.stop());

const registryFor = (token = 'ghs_test_write') => new GitHubRegistry({ owner: 'octo-org', repo: 'octo-repo', token, baseUrl: gh.url });
const commit = (c: string) => c.repeat(40).slice(0, 40);

describe('GitHub registry (releases + GTO tags)', () => {
  it('end to end: promote, champion moves, getChampion follows, promote another, rollback', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const a = await recordRun(store, { content: 'gh-A', accuracy: 0.8, commit: commit('a') });
    const b = await recordRun(store, { content: 'gh-B', accuracy: 0.9, commit: commit('b') });

    const first = await promote({ registry, store, name: 'iris', run: a.id });
    expect(first).toMatchObject({ version: '0.1.0', tag: 'iris@v0.1.0', previous: null, backend: 'github' });
    expect(first.url).toBe('https://github.com/octo-org/octo-repo/releases/tag/iris%40v0.1.0');
    const release = gh.state.releases.find((r) => r.tag_name === 'iris@v0.1.0')!;
    expect(release.draft).toBe(false);
    expect(gh.state.assets.filter((x) => x.releaseId === release.id).map((x) => x.name).sort()).toEqual(['SHA256SUMS', 'card.json', 'card.md', 'model.MLmodel', 'model.code.helper.py', 'model.model.pkl']);
    expect(gh.state.refs.get('refs/tags/iris@v0.1.0')?.sha).toBe(commit('a'));
    expect((await getChampion(registry, 'iris'))?.runId).toBe(a.id);

    const second = await promote({ registry, store, name: 'iris', run: b.id });
    expect(second).toMatchObject({ version: '0.2.0', previous: '0.1.0' });
    expect((await getChampion(registry, 'iris'))?.runId).toBe(b.id);
    // GTO-style assignment tags: annotated, on the version's commit, carrying the event.
    const champ2 = gh.state.refs.get('refs/tags/iris#champion#2')!;
    expect(champ2.type).toBe('tag');
    const tagObject = gh.state.tagObjects.get(champ2.sha)!;
    expect(tagObject.object.sha).toBe(commit('b'));
    expect(tagObject.message).toMatch(/^Assigning champion to iris v0.2.0/);

    const back = await rollback({ registry, name: 'iris' });
    expect(back).toMatchObject({ version: '0.1.0', previous: '0.2.0' });
    expect((await getChampion(registry, 'iris'))?.runId).toBe(a.id);
    const shown = await showVersion(registry, 'iris@champion');
    expect(shown).toMatchObject({ version: '0.1.0', runId: a.id, aliases: ['champion'] });
    expect(shown.assets.find((x) => x.path === 'model/model.pkl')?.sha256).toBe(sha('gh-A'));
  });

  it('two promotions at once: exactly one wins the alias, the other gets a clear conflict; versions stay distinct', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const runs = await Promise.all(['x', 'y'].map((c) => recordRun(store, { content: `race-${c}`, accuracy: 0.5, commit: commit(c === 'x' ? 'c' : 'd') })));
    // Hold both at the ref creation until both got there, so the CAS itself decides.
    let arrived = 0;
    let release!: () => void;
    const bothThere = new Promise<void>((r) => (release = r));
    gh.faults.beforeCreateRef = async (ref) => {
      if (!ref.includes('#champion#')) return;
      if (++arrived === 2) release();
      await Promise.race([bothThere, new Promise((r) => setTimeout(r, 5000))]);
    };
    const results = await Promise.allSettled(runs.map((r) => promote({ registry, store, name: 'iris', run: r.id })));
    expect(arrived).toBe(2);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toBeInstanceOf(AliasConflictError);
    const winner = (won[0] as PromiseFulfilledResult<{ version: string }>).value.version;
    expect(lost[0].reason.message).toContain(`another promotion moved it first (to v${winner}, assignment #1)`);
    expect([...gh.state.refs.keys()].filter((k) => k.includes('#champion#'))).toEqual(['refs/tags/iris#champion#1']);
    const published = gh.state.releases.filter((r) => !r.draft).map((r) => r.tag_name).sort();
    expect(published).toEqual(['iris@v0.1.0', 'iris@v0.2.0']);
  });

  it('partial upload: a failing asset leaves the release a draft and moves no alias', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'partial', accuracy: 0.5, commit: commit('e') });
    gh.faults.failUpload = (name) => name === 'card.json';
    await expect(promote({ registry, store, name: 'iris', run: run.id })).rejects.toThrow(/upload card.json to iris@v0.1.0 failed \(HTTP 500\).*stays a draft.*no alias moved/);
    expect(gh.state.releases).toHaveLength(1);
    expect(gh.state.releases[0].draft).toBe(true);
    expect([...gh.state.refs.keys()].filter((k) => k.startsWith('refs/tags/'))).toEqual([]);
    expect(await getChampion(registry, 'iris')).toBeNull();
    expect(await registry.listVersions('iris')).toEqual([]);
    // The next attempt skips the number the draft holds and succeeds.
    gh.faults.failUpload = undefined;
    expect((await promote({ registry, store, name: 'iris', run: run.id })).version).toBe('0.2.0');
  });

  it('tampered asset: download refuses and writes nothing', async () => {
    const { dir, store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'pristine', accuracy: 0.5, commit: commit('f') });
    await promote({ registry, store, name: 'iris', run: run.id });
    const ok = await downloadVersion(registry, 'iris@champion', join(dir, 'ok'));
    expect(ok.files).toHaveLength(6);
    expect(await readFile(join(dir, 'ok/model/model.pkl'), 'utf8')).toBe('pristine');
    gh.state.assets.find((x) => x.name === 'model.model.pkl')!.bytes = Buffer.from('poisoned');
    await expect(downloadVersion(registry, 'iris@champion', join(dir, 'bad'))).rejects.toThrow(/model\/model.pkl does not match its checksum/);
    expect((await readdir(dir)).filter((f) => f.startsWith('bad') || f.includes('partial'))).toEqual([]);
  });

  it('refuses reusing a published tag, and says which permission a read-only token lacks', async () => {
    const { store } = await freshProject();
    const run = await recordRun(store, { content: 'perm', accuracy: 0.5, commit: commit('1') });
    await promote({ registry: registryFor(), store, name: 'iris', run: run.id, version: '1.0.0' });
    const other = await recordRun(store, { content: 'perm2', accuracy: 0.5, commit: commit('2') });
    await expect(promote({ registry: registryFor(), store, name: 'iris', run: other.id, version: '1.0.0' })).rejects.toThrow(/iris@v1.0.0 already exists.*never reused/);
    const err = await promote({ registry: registryFor('ghs_test_read'), store, name: 'iris', run: other.id }).catch((e) => e);
    expect(err.message).toMatch(/HTTP 403/);
    expect(err.hint).toMatch(/contents: write/);
  });

  it('the CLI drives the GitHub backend with --github', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'cli-gh', accuracy: 0.5, commit: commit('3') });
    const env = { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_TOKEN: 'ghs_test_write', GITHUB_API_URL: gh.url };
    const promoted = await runCli(['models', 'promote', 'iris', '--run', run.id, '--github', '--project', dir, '--json'], { env });
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    expect(jsonOf(promoted)).toMatchObject({ tag: 'iris@v0.1.0', backend: 'github' });
    const shown = jsonOf(await runCli(['models', 'show', 'iris@champion', '--backend', 'github', '--project', dir, '--json'], { env }));
    expect(shown).toMatchObject({ version: '0.1.0', runId: run.id, aliases: ['champion'] });
    const noToken = await runCli(['models', 'list', '--github', '--project', dir], { env: { GITHUB_REPOSITORY: 'octo-org/octo-repo', GITHUB_TOKEN: '' } });
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toMatch(/needs a token/);
  });
});
