/**
 * Directory datasets in the store: described by a manifest (per-file relpath, size, SHA-256, md5), snapshotted
 * as one blob per distinct file plus the manifest, restored file by file verified, into a folder that appears
 * only when complete. Paths are checked both ways: a symlink leaving the folder is refused when hashing, and a
 * manifest naming `..` or an absolute path is refused when restoring (nothing is written outside).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import {
  describeDirectory,
  dvcDirMd5,
  encodeDirManifest,
  LocalStore,
  parseDirManifest,
  pythonJsonString,
  restoreDirectory,
  snapshotDirectory,
} from '@mlci/store';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const md5 = (b: string | Buffer) => createHash('md5').update(b).digest('hex');

function folder(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'mlci-dir-'));
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), body);
  }
  return root;
}

const store = () => new LocalStore({ root: mkdtempSync(join(tmpdir(), 'mlci-dir-store-')) });

async function rejection(p: Promise<unknown>): Promise<MlciError> {
  const error = await p.then(
    () => null,
    (e) => e,
  );
  expect(error).toBeInstanceOf(MlciError);
  return error as MlciError;
}

describe('directory datasets', () => {
  it('describes a folder by a sorted manifest whose SHA-256 names it, skipping DVC’s default ignores', async () => {
    const root = folder({
      'b.csv': 'b\n',
      'a/z.csv': 'z\n',
      'a-b.csv': 'ab\n',
      '.git/HEAD': 'x',
      'sub/.dvc/config': 'y',
      'c/.git': 'gitdir: x',
    });
    const d = await describeDirectory(root);
    expect(d.entries.map((e) => e.relpath)).toEqual(['a-b.csv', 'a/z.csv', 'b.csv']); // code-point order, like DVC
    expect(d.entries[1]).toEqual({ relpath: 'a/z.csv', size: 2, sha256: sha('z\n'), md5: md5('z\n') });
    expect(d.sha256).toBe(sha(d.manifest));
    expect(d.size).toBe(7);
    expect(parseDirManifest(d.manifest, 'test')).toEqual(d.entries);
    // The .dir md5 is the md5 of DVC's JSON listing, written as Python's json.dumps writes it.
    const listing = `[{"md5": "${md5('ab\n')}", "relpath": "a-b.csv"}, {"md5": "${md5('z\n')}", "relpath": "a/z.csv"}, {"md5": "${md5('b\n')}", "relpath": "b.csv"}]`;
    expect(d.md5).toBe(`${md5(listing)}.dir`);
    // The same bytes in another folder name the same dataset.
    expect((await describeDirectory(folder({ 'b.csv': 'b\n', 'a/z.csv': 'z\n', 'a-b.csv': 'ab\n' }))).sha256).toBe(d.sha256);
  });

  it('escapes names as Python json.dumps does and sorts by code point, not UTF-16 unit', () => {
    expect(pythonJsonString('é "q" \\ \u007f\n')).toBe('"\\u00e9 \\"q\\" \\\\ \\u007f\\n"');
    expect(pythonJsonString('😀')).toBe('"\\ud83d\\ude00"');
    const a = dvcDirMd5([
      { relpath: '\uff5e', md5: '1'.repeat(32) },
      { relpath: '😀', md5: '2'.repeat(32) },
    ]);
    const listing = `[{"md5": "${'1'.repeat(32)}", "relpath": "\\uff5e"}, {"md5": "${'2'.repeat(32)}", "relpath": "\\ud83d\\ude00"}]`;
    expect(a).toBe(`${md5(listing)}.dir`);
  });

  it('snapshots each distinct file once and restores the folder verified, atomically', async () => {
    const root = folder({ 'x/1.csv': 'same\n', 'y/2.csv': 'same\n', 'z.bin': 'other' });
    const s = store();
    const d = await describeDirectory(root);
    expect(await snapshotDirectory(s, root, d)).toEqual({ stored: 2, existed: 0 }); // two distinct contents
    expect(await snapshotDirectory(s, root, d)).toEqual({ stored: 0, existed: 2 });
    const out = mkdtempSync(join(tmpdir(), 'mlci-dir-out-'));
    const restored = await restoreDirectory(s, d.sha256, join(out, 'data'));
    expect(restored).toEqual({ sha256: d.sha256, size: 15, files: 3, existed: false });
    expect(readFileSync(join(out, 'data', 'y', '2.csv'), 'utf8')).toBe('same\n');
    expect((await describeDirectory(join(out, 'data'))).sha256).toBe(d.sha256);
    expect(readdirSync(out)).toEqual(['data']); // no staging folder left behind
    // Again: the folder is there with exactly these files, so nothing is written.
    expect((await restoreDirectory(s, d.sha256, join(out, 'data'))).existed).toBe(true);
    // Another folder in the way is never overwritten.
    writeFileSync(join(out, 'data', 'z.bin'), 'changed');
    const e = await rejection(restoreDirectory(s, d.sha256, join(out, 'data')));
    expect(e.message).toMatch(/already exists with other content; not overwritten/);
    expect(e.hint).toMatch(/another directory/);
  });

  it('refuses a file that changed between hashing and storing, naming it', async () => {
    const root = folder({ 'a.csv': 'a\n', 'b.csv': 'b\n' });
    const s = store();
    const d = await describeDirectory(root, { shown: 'data/set' });
    writeFileSync(join(root, 'b.csv'), 'B\n');
    const e = await rejection(snapshotDirectory(s, root, d, 'data/set'));
    expect(e.location.file).toBe('data/set/b.csv');
    expect(e.message).toMatch(/changed while the dataset folder was being stored/);
  });

  it('refuses symlinks that leave the folder or point to a directory, and reads those to a file inside', async () => {
    const outside = folder({ 'secret.txt': 'secret' });
    const root = folder({ 'a.csv': 'a\n', 'sub/b.csv': 'b\n' });
    symlinkSync(join(root, 'a.csv'), join(root, 'alias.csv'));
    const d = await describeDirectory(root);
    expect(d.entries.find((e) => e.relpath === 'alias.csv')?.sha256).toBe(sha('a\n'));

    symlinkSync(join(outside, 'secret.txt'), join(root, 'sub', 'leak.txt'));
    const leak = await rejection(describeDirectory(root, { shown: 'data/imgs' }));
    expect(leak.message).toMatch(/symlink points outside the dataset folder/);
    expect(leak.location.file).toBe('data/imgs/sub/leak.txt');
    expect(leak.hint).toBeTruthy();

    const loop = folder({ 'a.csv': 'a\n', 'sub/b.csv': 'b\n' });
    symlinkSync(join(loop, 'sub'), join(loop, 'again'));
    expect((await rejection(describeDirectory(loop))).message).toMatch(/symlink to a directory/);
    const relative = folder({ 'in/a.csv': 'a\n' });
    symlinkSync('../../', join(relative, 'in', 'up'));
    expect((await rejection(describeDirectory(relative))).message).toMatch(/outside the dataset folder/);
  });

  it('refuses a manifest naming .. or an absolute path, and writes nothing outside the destination', async () => {
    const s = store();
    const file = await s.putBlob({ bytes: 'payload' });
    const entry = (relpath: string) => ({ relpath, size: 7, sha256: file.sha256, md5: md5('payload') });
    for (const relpath of ['../escape.txt', 'a/../../escape.txt', '/etc/escape.txt', 'a\\..\\escape.txt', 'a//b']) {
      const manifest = encodeDirManifest([entry(relpath)]);
      const blob = await s.putBlob({ bytes: manifest });
      const out = mkdtempSync(join(tmpdir(), 'mlci-dir-evil-'));
      const e = await rejection(restoreDirectory(s, blob.sha256, join(out, 'data')));
      expect(e.message).toMatch(/unsafe path/);
      expect(readdirSync(out)).toEqual([]);
      expect(existsSync(join(out, '..', 'escape.txt'))).toBe(false);
    }
    // A name that is both a file and a folder, and an unsorted list, are refused too.
    const both = await s.putBlob({ bytes: encodeDirManifest([entry('a'), entry('a/b')]) });
    expect((await rejection(restoreDirectory(s, both.sha256, join(tmpdir(), 'never')))).message).toMatch(/both a file and a folder/);
    const unsorted = await s.putBlob({ bytes: encodeDirManifest([entry('b'), entry('a')]) });
    expect((await rejection(restoreDirectory(s, unsorted.sha256, join(tmpdir(), 'never')))).message).toMatch(/out of order/);
  });

  it('says which files are missing when only the manifest was stored', async () => {
    const root = folder({ 'a.csv': 'a\n' });
    const s = store();
    const d = await describeDirectory(root);
    await s.putBlob({ bytes: d.manifest });
    const e = await rejection(restoreDirectory(s, d.sha256, join(mkdtempSync(join(tmpdir(), 'mlci-dir-')), 'data')));
    expect(e.message).toMatch(/1 of the folder's files are not in the store/);
    expect(e.hint).toMatch(/--snapshot/);
  });
});
