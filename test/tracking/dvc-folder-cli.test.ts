/**
 * Folder datasets through the `mlci` command a user runs: `mlci train --data DIR` records DVC's .dir md5 and
 * the manifest, `--snapshot` stores the files, `mlci data get RUN:DIR` (or the manifest's hash) restores the
 * folder verified; bad input names the path and says what to do.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDirectory } from '@mlci/store';
import { jsonOf, runCli } from '../harness/cli';
import { freshProject } from './fixtures';

const md5 = (b: string) => createHash('md5').update(b).digest('hex');
const node = process.execPath;

async function project(): Promise<string> {
  const dir = await freshProject({ 'train.mjs': "console.log('trained')\n" });
  mkdirSync(join(dir, 'data', 'images', 'cats'), { recursive: true });
  writeFileSync(join(dir, 'data', 'images', 'cats', '1.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
  writeFileSync(join(dir, 'data', 'images', 'labels.csv'), 'file,label\r\ncats/1.png,cat\r\n');
  return dir;
}

const train = (cwd: string, ...flags: string[]) =>
  runCli(['train', '--json', '--system-metrics-interval', '0', ...flags, '--', node, 'train.mjs'], { cwd });

describe('folder datasets through mlci', () => {
  it('records a folder with its .dir md5 and manifest, and restores it by run and by hash', async () => {
    const dir = await project();
    const run = await train(dir, '--data', 'data/images', '--snapshot');
    expect(run.exitCode, run.stderr).toBe(0);
    const r = jsonOf(run);
    const expected = await describeDirectory(join(dir, 'data', 'images'));
    expect(expected.size).toBe(7 + 28);
    expect(r.lineage.datasets).toEqual([
      {
        path: 'data/images',
        sha256: expected.sha256,
        dvcMd5: expected.md5,
        dvcHash: 'md5',
        kind: 'directory',
        files: 2,
        size: expected.size,
        snapshot: true,
      },
    ]);
    expect(run.stderr).toMatch(/dataset data\/images\/: 2 files, 2 new contents stored/);

    const got = await runCli(['data', 'get', `${r.id}:data/images`, '--to', 'restored', '--json'], { cwd: dir });
    expect(got.exitCode, got.stderr).toBe(0);
    expect(jsonOf(got)).toMatchObject({ sha256: expected.sha256, files: 2, size: expected.size, path: join(dir, 'restored', 'images') });
    expect(readFileSync(join(dir, 'restored', 'images', 'labels.csv'), 'utf8')).toBe('file,label\r\ncats/1.png,cat\r\n');
    // By the manifest's hash alone: the folder comes back under that name.
    const byHash = await runCli(['data', 'get', expected.sha256, '--to', 'by-hash'], { cwd: dir });
    expect(byHash.exitCode, byHash.stderr).toBe(0);
    expect(byHash.stderr).toContain(`2 files, ${expected.size} bytes, each verified`);
    expect((await describeDirectory(join(dir, 'by-hash', expected.sha256))).sha256).toBe(expected.sha256);
  });

  it('keeps the manifest of a folder recorded without --snapshot, and says how to make it restorable', async () => {
    const dir = await project();
    const r = jsonOf(await train(dir, '--data', 'data/images'));
    expect(r.lineage.datasets[0]).toMatchObject({ kind: 'directory', files: 2, snapshot: false });
    const get = await runCli(['data', 'get', `${r.id}:data/images`, '--to', 'x'], { cwd: dir });
    expect(get.exitCode).toBe(2);
    expect(get.stderr).toMatch(/recorded "data\/images" by hash only/);
    expect(get.stderr).toMatch(/hint: .*mlci train --snapshot --data data\/images/);
  });

  it('warns about a stale .dvc file and records it as modified next to the md5 of the bytes read', async () => {
    const dir = await project();
    writeFileSync(join(dir, 'data', 'train.csv'), 'a,b\n1,2\n');
    writeFileSync(join(dir, 'data', 'train.csv.dvc'), `outs:\n- md5: ${md5('a,b\n')}\n  size: 4\n  hash: md5\n  path: train.csv\n`);
    const run = await train(dir, '--data', 'data/train.csv');
    expect(run.exitCode, run.stderr).toBe(0);
    const d = jsonOf(run).lineage.datasets[0];
    expect(d).toMatchObject({ dvcMd5: md5('a,b\n1,2\n'), dvcHash: 'md5' });
    expect(d.dvc).toEqual({ file: 'data/train.csv.dvc', md5: md5('a,b\n'), hash: 'md5', status: 'modified' });
    expect(run.stderr).toMatch(/warning.*data\/train\.csv changed since data\/train\.csv\.dvc was written/i);
    const show = await runCli(['show', jsonOf(run).id], { cwd: dir });
    expect(show.stdout + show.stderr).toContain(
      `dvc md5 ${md5('a,b\n1,2\n')}  (modified since data/train.csv.dvc: DVC recorded ${md5('a,b\n')})`,
    );
    // An unreadable .dvc is said so, not silently taken or dropped.
    writeFileSync(join(dir, 'data', 'train.csv.dvc'), 'outs: [\n');
    const bad = await train(dir, '--data', 'data/train.csv');
    expect(bad.exitCode, bad.stderr).toBe(0);
    expect(bad.stderr).toMatch(/data\/train\.csv\.dvc is not readable YAML/);
    expect(jsonOf(bad).lineage.datasets[0].dvc).toBeUndefined();
  });

  it('refuses a folder with a symlink leaving it, and a missing path, naming the path with a hint', async () => {
    const dir = await project();
    symlinkSync('/etc/hostname', join(dir, 'data', 'images', 'cats', 'host'));
    const leak = await train(dir, '--data', 'data/images');
    expect(leak.exitCode).toBe(2);
    expect(leak.stderr).toMatch(/data\/images\/cats\/host: symlink points outside the dataset folder/);
    expect(leak.stderr).toMatch(/hint: /);
    const missing = await train(dir, '--data', 'data/nope');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/data\/nope: dataset not found/);
    expect(missing.stderr).toMatch(/hint: --data paths are read relative to the project directory/);
  });
});
