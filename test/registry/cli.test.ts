import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jsonOf, runCli } from '../harness/cli';
import { freshProject, recordRun } from './fixtures';

const sha = (b: string) => createHash('sha256').update(b).digest('hex');

describe('mlci models (local backend)', () => {
  it('promote, show, list, rollback and download keep their JSON contract', async () => {
    const { dir, store } = await freshProject();
    const a = await recordRun(store, { content: 'cli-A', accuracy: 0.8 });
    const b = await recordRun(store, { content: 'cli-B', accuracy: 0.9 });
    const p = ['--project', dir];

    const first = await runCli(['models', 'promote', 'iris', '--run', a.id.slice(0, 8), ...p, '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(jsonOf(first)).toMatchObject({
      name: 'iris',
      version: '0.1.0',
      tag: 'iris@v0.1.0',
      alias: 'champion',
      previous: null,
      runId: a.id,
    });
    const second = await runCli(['models', 'promote', 'iris', '--run', b.id, '--bump', 'patch', ...p, '--json']);
    expect(jsonOf(second)).toMatchObject({ version: '0.1.1', previous: '0.1.0' });

    const shown = jsonOf(await runCli(['models', 'show', 'iris@champion', ...p, '--json']));
    expect(shown).toMatchObject({ name: 'iris', version: '0.1.1', runId: b.id, aliases: ['champion'] });
    expect(shown.assets.find((x: { path: string }) => x.path === 'model/model.pkl').sha256).toBe(sha('cli-B'));
    for (const asset of shown.assets) expect(asset.sha256).toMatch(/^[0-9a-f]{64}$/);

    const listed = jsonOf(await runCli(['models', 'list', ...p, '--json']));
    expect(listed[0].aliases).toEqual({ champion: '0.1.1' });

    const back = await runCli(['models', 'rollback', 'iris', '--alias', 'champion', ...p, '--json']);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(jsonOf(back)).toMatchObject({ version: '0.1.0', previous: '0.1.1' });
    expect(jsonOf(await runCli(['models', 'show', 'iris@champion', ...p, '--json'])).runId).toBe(a.id);

    const to = join(dir, 'dl');
    const dl = await runCli(['models', 'download', 'iris@champion', '--to', to, ...p]);
    expect(dl.exitCode, dl.stderr).toBe(0);
    expect(await readFile(join(to, 'model/model.pkl'), 'utf8')).toBe('cli-A');

    // tampered: exit 2, a message naming the file, and no output directory
    await writeFile(store.blobPath(sha('cli-A')), 'evil');
    const bad = await runCli(['models', 'download', 'iris@v0.1.0', '--to', join(dir, 'dl2'), ...p]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/model\/model.pkl does not match its checksum/);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readdir(dir)).not.toContain('dl2');
  });

  it('two CLI processes racing for champion: one exits 0, the other exits 3 naming the winner', async () => {
    const { dir, store } = await freshProject();
    const a = await recordRun(store, { content: 'race-A', accuracy: 0.8 });
    const b = await recordRun(store, { content: 'race-B', accuracy: 0.9 });
    // Both read "no champion" before either moves it: the slow part (registering) overlaps.
    const [x, y] = await Promise.all([a, b].map((r) => runCli(['models', 'promote', 'iris', '--run', r.id, '--project', dir, '--json'])));
    const codes = [x.exitCode, y.exitCode].sort();
    const history = await readdir(join(dir, '.mlci/registry/iris/aliases/champion'));
    expect(history.filter((f) => f.endsWith('.json'))).toHaveLength(codes[0] === 0 && codes[1] === 0 ? 2 : 1);
    if (codes[1] === 3) {
      const loser = x.exitCode === 3 ? x : y;
      expect(loser.stderr).toMatch(/lost the race for alias "champion": another promotion moved it first \(to v0\.\d\.0/);
      expect(loser.stdout).toBe('');
    } else {
      // The processes did not overlap (one finished before the other read): then the second simply moved it on.
      expect(codes).toEqual([0, 0]);
    }
  });

  it('bad usage exits 2 with a hint; failed gates exit 1', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'g', accuracy: 0.8 });
    const noRun = await runCli(['models', 'promote', 'iris', '--project', dir]);
    expect(noRun.exitCode).toBe(2);
    expect(noRun.stderr).toMatch(/needs --run/);
    const badAlias = await runCli(['models', 'promote', 'iris', '--run', run.id, '--alias', 'latest', '--project', dir]);
    expect(badAlias.exitCode).toBe(2);
    const gate = join(dir, 'compare.json');
    await writeFile(gate, JSON.stringify({ kind: 'compare-to-champion', outcome: 'fail' }));
    const refused = await runCli(['models', 'promote', 'iris', '--run', run.id, '--require-gates', '--gates', gate, '--project', dir]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/compare-to-champion failed/);
    const missing = await runCli(['models', 'show', 'iris@champion', '--project', dir, '--json']);
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toBe('');
  });
});
