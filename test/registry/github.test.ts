/**
 * The GitHub registry backend against the shared GitHub emulator (test/github-emulator): releases with drafts and
 * immutability, git refs and annotated tags, checked request by request against GitHub's OpenAPI description.
 * Every test ends with `gh.conformance` empty: the registry sends nothing GitHub would reject.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliasConflictError, downloadVersion, getChampion, promote, rollback, showVersion } from '@mlci/registry';
import { GitHubRegistry } from '@mlci/registry/github';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { jsonOf, runCli } from '../harness/cli';
import { failNth, newCommit, registryEnv, registryOn } from './emulator';
import { freshProject, recordRun } from './fixtures';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
let gh: Emulator;
beforeEach(async () => {
  gh = await startEmulator();
});
afterEach(async () => {
  try {
    expect(gh.conformance).toEqual([]);
  } finally {
    await gh.stop();
  }
});

const registryFor = (token = 'ghs_test_write'): GitHubRegistry => registryOn(gh, token);
const tagRefs = () => [...gh.state.refs.keys()].filter((k) => k.startsWith('refs/tags/')).sort();
const UPLOADS = /\/releases\/\d+\/assets$/;

describe('GitHub registry (releases + GTO tags) on the emulator', () => {
  it('end to end: promote, champion moves, getChampion follows, promote another, rollback', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const commitA = newCommit(gh, 'train A');
    const commitB = newCommit(gh, 'train B');
    const a = await recordRun(store, { content: 'gh-A', accuracy: 0.8, commit: commitA });
    const b = await recordRun(store, { content: 'gh-B', accuracy: 0.9, commit: commitB });

    const first = await promote({ registry, store, name: 'iris', run: a.id });
    expect(first).toMatchObject({ version: '0.1.0', tag: 'iris@v0.1.0', previous: null, backend: 'github' });
    expect(first.url).toBe('https://github.com/octo-org/octo-repo/releases/tag/iris%40v0.1.0');
    const release = gh.state.releases.find((r) => r.tag_name === 'iris@v0.1.0')!;
    expect(release).toMatchObject({ draft: false, immutable: true });
    expect(
      gh.state.assets
        .filter((x) => x.releaseId === release.id)
        .map((x) => x.name)
        .sort(),
    ).toEqual(['SHA256SUMS', 'card.json', 'card.md', 'model.MLmodel', 'model.code.helper.py', 'model.model.pkl']);
    // The version tag is annotated in GTO's shape (GTO ignores lightweight tags), on the run's commit.
    const versionObject = gh.state.tagObjects.get(gh.state.refs.get('refs/tags/iris@v0.1.0')!);
    expect(versionObject).toMatchObject({ tag: 'iris@v0.1.0', object: { sha: commitA, type: 'commit' } });
    expect(versionObject!.message).toBe('Registering artifact iris version v0.1.0');
    const champion = await getChampion(registry, 'iris');
    expect(champion).toMatchObject({ version: '0.1.0', runId: a.id, metrics: { accuracy: 0.8 } });

    const second = await promote({ registry, store, name: 'iris', run: b.id });
    expect(second).toMatchObject({ version: '0.2.0', previous: '0.1.0' });
    expect(await getChampion(registry, 'iris')).toMatchObject({ version: '0.2.0', runId: b.id, metrics: { accuracy: 0.9 } });
    // GTO-style assignment tags: annotated, on the version's commit, carrying the event.
    const tagObject = gh.state.tagObjects.get(gh.state.refs.get('refs/tags/iris#champion#2')!);
    expect(tagObject, 'iris#champion#2 is an annotated tag').toBeDefined();
    expect(tagObject!.object).toEqual({ sha: commitB, type: 'commit' });
    expect(tagObject!.tag).toBe('iris#champion#2');
    expect(tagObject!.message).toMatch(/^Assigning stage champion to artifact iris version v0.2.0\n\n\{"schema":1,/);

    const back = await rollback({ registry, name: 'iris' });
    expect(back).toMatchObject({ version: '0.1.0', previous: '0.2.0' });
    expect(await getChampion(registry, 'iris')).toMatchObject({ version: '0.1.0', runId: a.id, metrics: { accuracy: 0.8 } });
    const shown = await showVersion(registry, 'iris@champion');
    expect(shown).toMatchObject({ version: '0.1.0', runId: a.id, aliases: ['champion'] });
    expect(shown.assets.find((x) => x.path === 'model/model.pkl')?.sha256).toBe(sha('gh-A'));
    expect(tagRefs()).toEqual([
      'refs/tags/iris#champion#1',
      'refs/tags/iris#champion#2',
      'refs/tags/iris#champion#3',
      'refs/tags/iris@v0.1.0',
      'refs/tags/iris@v0.2.0',
    ]);
  });

  it('two promotions at once: exactly one wins the alias, the other gets a clear conflict; versions stay distinct', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const runs = await Promise.all(
      ['x', 'y'].map((c) => recordRun(store, { content: `race-${c}`, accuracy: 0.5, commit: newCommit(gh, `train ${c}`) })),
    );
    // Hold both at their publish until both got there, so both move the alias from the same state and GitHub's
    // create-ref (422 when it exists) decides. (The ref creates before are the versions' own tags.)
    let arrived = 0;
    let bothThere!: () => void;
    const gate = new Promise<void>((r) => (bothThere = r));
    const hold = async () => {
      if (++arrived === 2) bothThere();
      await Promise.race([gate, new Promise((r) => setTimeout(r, 5000))]);
    };
    const publish = { method: 'PATCH', path: /\/releases\/\d+$/ };
    gh.faults.beforeNext(publish, hold);
    gh.faults.beforeNext(publish, hold);
    const results = await Promise.allSettled(runs.map((r) => promote({ registry, store, name: 'iris', run: r.id })));
    expect(arrived).toBe(2);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(AliasConflictError);
    const winner = (won[0] as PromiseFulfilledResult<{ version: string }>).value.version;
    expect(lost[0]!.reason.message).toContain(`another promotion moved it first (to v${winner}, assignment #1)`);
    expect(tagRefs().filter((k) => k.includes('#champion#'))).toEqual(['refs/tags/iris#champion#1']);
    expect(
      gh.state.releases
        .filter((r) => !r.draft)
        .map((r) => r.tag_name)
        .sort(),
    ).toEqual(['iris@v0.1.0', 'iris@v0.2.0']);
    expect(
      gh.state.releases.filter((r) => r.draft),
      'the draft that lost v0.1.0 was deleted',
    ).toEqual([]);
    // The alias create-ref GitHub refused was the loser's (422), not a malformed request; so was the version
    // tag both first wanted (v0.1.0), after which the loser took v0.2.0.
    const refCreates = (part: string) =>
      gh.requests
        .filter((r) => r.operationId === 'git/create-ref' && String((r.body as { ref?: string })?.ref).includes(part))
        .map((r) => r.status)
        .sort();
    expect(refCreates('#champion#')).toEqual([201, 422]);
    expect(refCreates('@v')).toEqual([201, 201, 422]);
  });

  it('partial upload: a failing asset deletes the draft, moves no alias, and the rerun publishes the same version', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'partial', accuracy: 0.5, commit: newCommit(gh, 'partial') });
    // The three model files upload; card.json (the fourth upload) gets a 500. A POST is never retried.
    failNth(gh, { method: 'POST', path: UPLOADS }, 4, { status: 500 });
    const error = await promote({ registry, store, name: 'iris', run: run.id }).catch((e) => e);
    expect(error.message).toMatch(
      /could not upload card.json to iris@v0.1.0: GitHub answered HTTP 500.*the draft was deleted, nothing was published; its tag was deleted; no alias moved/,
    );
    expect(error.kind).toBe('remote');
    expect(gh.state.releases).toEqual([]);
    expect(tagRefs()).toEqual([]);
    expect(await getChampion(registry, 'iris')).toBeNull();
    expect(await registry.listVersions('iris')).toEqual([]);
    // The next attempt takes the same number: nothing was published under it.
    expect((await promote({ registry, store, name: 'iris', run: run.id })).version).toBe('0.1.0');
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v0.1.0', false]]);
  });

  it('a draft left by a job that died mid-promotion is deleted by the rerun, which publishes the same version', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'crashed', accuracy: 0.5, commit: newCommit(gh, 'crashed') });
    // The upload fails and so does the clean-up (as when the runner is cancelled): a draft stays behind.
    failNth(gh, { method: 'POST', path: UPLOADS }, 2, { status: 500 });
    gh.faults.add({ method: 'DELETE', path: /\/releases\/\d+$/, status: 503, times: Infinity });
    await expect(promote({ registry, store, name: 'iris', run: run.id })).rejects.toThrow(/could not upload/);
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v0.1.0', true]]);
    gh.faults.clear();
    const again = await promote({ registry, store, name: 'iris', run: run.id });
    expect(again.version).toBe('0.1.0');
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v0.1.0', false]]);
    expect((await getChampion(registry, 'iris'))?.runId).toBe(run.id);
  });

  it('an upload GitHub stored but answered 502 for: the draft and its assets are deleted, no alias', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'applied', accuracy: 0.5, commit: newCommit(gh, 'applied') });
    failNth(gh, { method: 'POST', path: UPLOADS }, 6, { status: 502, afterApply: true });
    await expect(promote({ registry, store, name: 'iris', run: run.id })).rejects.toThrow(
      /could not upload SHA256SUMS to iris@v0.1.0: GitHub answered HTTP 502.*draft was deleted/,
    );
    expect(gh.state.releases).toEqual([]);
    expect(tagRefs()).toEqual([]);
  });

  it('tampered asset: download refuses and writes nothing', async () => {
    const { dir, store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'pristine', accuracy: 0.5, commit: newCommit(gh, 'pristine') });
    await promote({ registry, store, name: 'iris', run: run.id });
    const ok = await downloadVersion(registry, 'iris@champion', join(dir, 'ok'));
    expect(ok.files).toHaveLength(6);
    expect(await readFile(join(dir, 'ok/model/model.pkl'), 'utf8')).toBe('pristine');
    // The bytes behind the asset change (storage corruption, or a proxy in between); the listing still says the old size.
    const asset = gh.state.assets.find((x) => x.name === 'model.model.pkl')!;
    gh.state.blobs.set(asset.blob, Buffer.from('poisoned'));
    await expect(downloadVersion(registry, 'iris@champion', join(dir, 'bad'))).rejects.toThrow(
      /model\/model.pkl does not match its checksum/,
    );
    expect((await readdir(dir)).filter((f) => f.startsWith('bad') || f.includes('partial'))).toEqual([]);
  });

  it('never reuses a published tag, even after its release is deleted', async () => {
    const { store } = await freshProject();
    const run = await recordRun(store, { content: 'perm', accuracy: 0.5, commit: newCommit(gh, 'one') });
    await promote({ registry: registryFor(), store, name: 'iris', run: run.id, version: '1.0.0' });
    const other = await recordRun(store, { content: 'perm2', accuracy: 0.5, commit: newCommit(gh, 'two') });
    await expect(promote({ registry: registryFor(), store, name: 'iris', run: other.id, version: '1.0.0' })).rejects.toThrow(
      /iris@v1.0.0 already exists.*never reused/,
    );
    // Deleting the release leaves its tag (and immutable releases never give a tag back): still refused, and
    // the automatic next version steps over it.
    gh.state.releases = gh.state.releases.filter((r) => r.tag_name !== 'iris@v1.0.0');
    await expect(promote({ registry: registryFor(), store, name: 'iris', run: other.id, version: '1.0.0' })).rejects.toThrow(
      /iris@v1.0.0 already exists/,
    );
    expect((await promote({ registry: registryFor(), store, name: 'iris', run: other.id, bump: 'major', alias: null })).version).toBe(
      '2.0.0',
    );
    expect(gh.state.releases.filter((r) => r.draft)).toEqual([]);
  });

  it('a read-only token gets 403 with a `contents: write` hint and changes nothing', async () => {
    const { store } = await freshProject();
    const run = await recordRun(store, { content: 'ro', accuracy: 0.5, commit: newCommit(gh, 'ro') });
    const err = await promote({ registry: registryFor('ghs_test_read'), store, name: 'iris', run: run.id }).catch((e) => e);
    expect(err.message).toMatch(/HTTP 403/);
    expect(err.hint).toMatch(/contents: write/);
    expect(gh.state.releases).toEqual([]);
    expect(tagRefs()).toEqual([]);
  });

  it('the default client retries idempotent calls on 5xx: a promotion survives flaky reads and publish', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'flaky', accuracy: 0.5, commit: newCommit(gh, 'flaky') });
    gh.faults.add({ method: 'GET', path: '/repos/octo-org/octo-repo/releases', status: 502, times: 2 });
    gh.faults.add({ method: 'GET', path: /\/git\/matching-refs\//, status: 503 });
    // Publishing applied, then the answer lost: the retried PATCH finds it published and succeeds.
    gh.faults.add({ method: 'PATCH', path: /\/releases\/\d+$/, status: 500, afterApply: true });
    const result = await promote({ registry, store, name: 'iris', run: run.id });
    expect(result).toMatchObject({ version: '0.1.0', previous: null });
    expect((await getChampion(registry, 'iris'))?.runId).toBe(run.id);
    expect(gh.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([500, 200]);
    expect(gh.requests.filter((r) => r.status >= 500)).toHaveLength(4);
    expect(gh.state.releases.map((r) => [r.tag_name, r.draft])).toEqual([['iris@v0.1.0', false]]);
  });

  it('an alias ref GitHub created but answered 502 for counts as won, not as a lost race', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'ambiguous', accuracy: 0.5, commit: newCommit(gh, 'ambiguous') });
    // The second ref create is the alias's (the first is the version's tag).
    failNth(gh, { method: 'POST', path: '/repos/octo-org/octo-repo/git/refs' }, 2, { status: 502, afterApply: true });
    expect(await promote({ registry, store, name: 'iris', run: run.id })).toMatchObject({ version: '0.1.0', alias: 'champion' });
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/git/refs')).map((r) => r.status)).toEqual([201, 502]);
    expect((await getChampion(registry, 'iris'))?.runId).toBe(run.id);
  });

  it('an alias ref create that failed before GitHub applied it is tried once more', async () => {
    const { store } = await freshProject();
    const registry = registryFor();
    const run = await recordRun(store, { content: 'retried', accuracy: 0.5, commit: newCommit(gh, 'retried') });
    failNth(gh, { method: 'POST', path: '/repos/octo-org/octo-repo/git/refs' }, 2, { drop: true });
    expect(await promote({ registry, store, name: 'iris', run: run.id })).toMatchObject({ version: '0.1.0', alias: 'champion' });
    expect(gh.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/git/refs')).map((r) => r.status)).toEqual([201, 0, 201]);
    // Twice failing is an error that says so, and nothing points at an incomplete version.
    const other = await recordRun(store, { content: 'retried-2', accuracy: 0.6, commit: newCommit(gh, 'retried 2') });
    const createRef = { method: 'POST', path: '/repos/octo-org/octo-repo/git/refs' };
    gh.faults.beforeNext(createRef, () => void gh.faults.add({ ...createRef, status: 503, times: 2 })); // after the version's tag
    await expect(promote({ registry, store, name: 'iris', run: other.id })).rejects.toThrow(
      /could not create iris#champion#2 on octo-org\/octo-repo: GitHub answered HTTP 503/,
    );
    expect((await getChampion(registry, 'iris'))?.runId).toBe(run.id);
  });

  it('the CLI drives the GitHub backend with --github', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'cli-gh', accuracy: 0.5, commit: newCommit(gh, 'cli') });
    const env = registryEnv(gh);
    const promoted = await runCli(['models', 'promote', 'iris', '--run', run.id, '--github', '--project', dir, '--json'], { env });
    expect(promoted.exitCode, promoted.stderr).toBe(0);
    expect(jsonOf(promoted)).toMatchObject({ tag: 'iris@v0.1.0', backend: 'github' });
    const shown = jsonOf(await runCli(['models', 'show', 'iris@champion', '--backend', 'github', '--project', dir, '--json'], { env }));
    expect(shown).toMatchObject({ version: '0.1.0', runId: run.id, aliases: ['champion'] });
    const noToken = await runCli(['models', 'list', '--github', '--project', dir], { env: { ...env, GITHUB_TOKEN: '' } });
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toMatch(/needs a token/);
  });
});
