import { readFile, readdir, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AliasConflictError,
  LocalRegistry,
  downloadVersion,
  getChampion,
  listModels,
  promote,
  rollback,
  showVersion,
  runForCommit,
} from '@mlci/registry';
import { freshProject, recordRun } from './fixtures';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('local registry', () => {
  it('promotes, moves champion, rolls back one step at a time, and getChampion follows', async () => {
    const { store } = await freshProject();
    const registry = new LocalRegistry({ store });
    const a = await recordRun(store, { content: 'model-A', accuracy: 0.9 });
    const b = await recordRun(store, { content: 'model-B', accuracy: 0.95 });
    const c = await recordRun(store, { content: 'model-C', accuracy: 0.97 });
    expect(await getChampion(registry, 'iris')).toBeNull();

    const first = await promote({ registry, store, name: 'iris', run: a.id });
    expect(first).toMatchObject({ version: '0.1.0', tag: 'iris@v0.1.0', alias: 'champion', previous: null, reused: false, runId: a.id });
    expect((await getChampion(registry, 'iris'))?.runId).toBe(a.id);
    expect((await getChampion(registry, 'iris'))?.metrics).toEqual({ accuracy: 0.9 });

    const second = await promote({ registry, store, name: 'iris', run: b.id });
    expect(second).toMatchObject({ version: '0.2.0', previous: '0.1.0' });
    const third = await promote({ registry, store, name: 'iris', run: c.id, bump: 'major' });
    expect(third).toMatchObject({ version: '1.0.0', previous: '0.2.0' });
    expect((await getChampion(registry, 'iris'))?.version).toBe('1.0.0');

    // Rolling back twice walks back through the history; a third has nothing left.
    expect(await rollback({ registry, name: 'iris' })).toMatchObject({ version: '0.2.0', previous: '1.0.0' });
    expect((await getChampion(registry, 'iris'))?.runId).toBe(b.id);
    expect(await rollback({ registry, name: 'iris' })).toMatchObject({ version: '0.1.0', previous: '0.2.0' });
    expect((await getChampion(registry, 'iris'))?.runId).toBe(a.id);
    await expect(rollback({ registry, name: 'iris' })).rejects.toThrow(/no earlier holder/);

    // Re-promoting an already registered run reuses its version instead of minting another.
    const again = await promote({ registry, store, name: 'iris', run: c.id });
    expect(again).toMatchObject({ version: '1.0.0', reused: true, previous: '0.1.0' });

    const listed = await listModels(registry);
    expect(listed).toHaveLength(1);
    expect(listed[0].aliases).toEqual({ champion: '1.0.0' });
    expect(listed[0].versions.map((v) => v.version)).toEqual(['0.1.0', '0.2.0', '1.0.0']);

    const shown = await showVersion(registry, 'iris@champion');
    expect(shown).toMatchObject({ name: 'iris', version: '1.0.0', runId: c.id, aliases: ['champion'] });
    const pkl = shown.assets.find((x) => x.path === 'model/model.pkl');
    expect(pkl?.sha256).toBe(sha('model-C'));
    expect(shown.assets.find((x) => x.path === 'card.json')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(shown.card.datasets[0].sha256).toBe('a'.repeat(64));
    expect(shown.card.metrics).toEqual({ accuracy: 0.97 });
  });

  it('two promotions racing for one alias: exactly one wins, the other gets a clear conflict', async () => {
    const { store } = await freshProject();
    const registry = new LocalRegistry({ store });
    const runs = await Promise.all([1, 2, 3, 4].map((i) => recordRun(store, { content: `race-${i}`, accuracy: i / 10 })));
    const results = await Promise.allSettled(runs.map((r) => promote({ registry, store, name: 'iris', run: r.id })));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(3);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(AliasConflictError);
      expect(String(l.reason.message)).toMatch(/lost the race for alias "champion".*registered, but champion does not point to it/);
    }
    // Every version got its own number; the alias has exactly one event, naming the winner.
    const versions = (await registry.listVersions('iris')).map((v) => v.version);
    expect(versions).toEqual(['0.1.0', '0.2.0', '0.3.0', '0.4.0']);
    const history = await registry.aliasHistory('iris', 'champion');
    expect(history).toHaveLength(1);
    expect(history[0].version).toBe((won[0] as PromiseFulfilledResult<{ version: string }>).value.version);
  });

  it('download verifies every file: a tampered blob is refused and nothing is written', async () => {
    const { dir, store } = await freshProject();
    const registry = new LocalRegistry({ store });
    const run = await recordRun(store, { content: 'genuine', accuracy: 0.5 });
    await promote({ registry, store, name: 'iris', run: run.id });
    const good = await downloadVersion(registry, 'iris@champion', join(dir, 'out'));
    expect(await readFile(join(dir, 'out/model/model.pkl'), 'utf8')).toBe('genuine');
    expect(good.files.map((f) => f.path).sort()).toEqual([
      'SHA256SUMS',
      'card.json',
      'card.md',
      'model/MLmodel',
      'model/code/helper.py',
      'model/model.pkl',
    ]);
    const sums = await readFile(join(dir, 'out/SHA256SUMS'), 'utf8');
    expect(sums).toContain(`${sha('genuine')}  model/model.pkl`);

    await writeFile(store.blobPath(sha('genuine')), 'forged');
    const target = join(dir, 'fresh');
    await expect(downloadVersion(registry, 'iris@champion', target)).rejects.toThrow(
      /model\/model.pkl does not match its checksum.*nothing was written/,
    );
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
    // an existing non-empty directory is left exactly as it was
    await mkdir(join(dir, 'keep'));
    await writeFile(join(dir, 'keep/mine.txt'), 'x');
    await expect(downloadVersion(registry, 'iris@v0.1.0', join(dir, 'keep'))).rejects.toThrow(/checksum/);
    expect(await readdir(join(dir, 'keep'))).toEqual(['mine.txt']);
  });

  it('download into a directory with files keeps identical ones, and refuses (writing nothing) when one would be overwritten', async () => {
    const { dir, store } = await freshProject();
    const registry = new LocalRegistry({ store });
    const run = await recordRun(store, { content: 'genuine', accuracy: 0.5 });
    await promote({ registry, store, name: 'iris', run: run.id });
    const target = join(dir, 'out');
    await mkdir(join(target, 'model'), { recursive: true });
    await writeFile(join(target, 'notes.txt'), 'mine');
    await writeFile(join(target, 'model/model.pkl'), 'genuine'); // the same bytes: kept, not a conflict
    await downloadVersion(registry, 'iris@champion', target);
    expect(await readFile(join(target, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await readFile(join(target, 'model/MLmodel'), 'utf8')).toBeTruthy();

    const other = join(dir, 'other');
    await mkdir(join(other, 'model'), { recursive: true });
    await writeFile(join(other, 'model/model.pkl'), 'my own model');
    await expect(downloadVersion(registry, 'iris@champion', other)).rejects.toThrow(
      /already has 1 of the model's files with other content: model\/model.pkl; nothing was written/,
    );
    expect(await readFile(join(other, 'model/model.pkl'), 'utf8')).toBe('my own model');
    expect((await readdir(other)).sort()).toEqual(['model']);
    expect(await readdir(join(other, 'model'))).toEqual(['model.pkl']);
  });

  it('refuses unfinished runs, runs without a model, failed gates, and explicit version reuse', async () => {
    const { store } = await freshProject();
    const registry = new LocalRegistry({ store });
    const failed = await recordRun(store, { content: 'f', accuracy: 0.1, status: 'FAILED' });
    await expect(promote({ registry, store, name: 'iris', run: failed.id })).rejects.toThrow(/FAILED; only FINISHED/);
    const gated = await recordRun(store, { content: 'g', accuracy: 0.1, tags: { 'mlci.gate.overfit': 'fail' } });
    await expect(promote({ registry, store, name: 'iris', run: gated.id, requireGates: true })).rejects.toThrow(/overfit failed/);
    const ungated = await recordRun(store, { content: 'u', accuracy: 0.1 });
    await expect(promote({ registry, store, name: 'iris', run: ungated.id, requireGates: true })).rejects.toThrow(/no gate results/);
    const ok = await promote({
      registry,
      store,
      name: 'iris',
      run: ungated.id,
      requireGates: true,
      gates: [{ name: 'compare', outcome: 'pass', source: 'x.json' }],
      version: 'v2.0.0',
    });
    expect(ok.version).toBe('2.0.0');
    expect((await showVersion(registry, 'iris@v2.0.0')).card.gates).toEqual([{ name: 'compare', outcome: 'pass', source: 'x.json' }]);
    await expect(promote({ registry, store, name: 'iris', run: gated.id, version: '2.0.0' })).rejects.toThrow(/iris@v2.0.0 already exists/);
    await expect(promote({ registry, store, name: 'iris', run: ungated.id, alias: 'v2' })).rejects.toThrow(/looks like a version/);
    await expect(promote({ registry, store, name: 'iris', run: ungated.id, alias: 'latest' })).rejects.toThrow(/reserved/);
    await expect(promote({ registry, store, name: 'bad/name', run: ungated.id })).rejects.toThrow(/not a valid model name/);
  });

  it('finds the run that produced a commit: the newest FINISHED one', async () => {
    const { store } = await freshProject();
    const commit = 'c0ffee'.padEnd(40, '1');
    await recordRun(store, { content: 'old', accuracy: 0.1, commit, startTime: 1000 });
    const newest = await recordRun(store, { content: 'new', accuracy: 0.2, commit, startTime: 3000 });
    await recordRun(store, { content: 'broken', accuracy: 0.2, commit, startTime: 4000, status: 'FAILED' });
    await recordRun(store, { content: 'other', accuracy: 0.2, commit: 'f'.repeat(40), startTime: 5000 });
    expect((await runForCommit(store, commit)).id).toBe(newest.id);
    expect((await runForCommit(store, commit.slice(0, 7))).id).toBe(newest.id);
    await expect(runForCommit(store, 'a'.repeat(40))).rejects.toThrow(/no FINISHED run/);
  });
});
