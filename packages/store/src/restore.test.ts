/** restoreBlob never overwrites a user's file without a word, and names the destination when it cannot write. */
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError, exitCodeFor } from '@mlci/core';
import { LocalStore } from './local';

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'mlci-restore-'));
  const store = new LocalStore({ root: join(dir, '.mlci') });
  const { sha256 } = await store.putBlob({ bytes: 'the stored bytes\n' });
  return { dir, store, sha256 };
}

describe('LocalStore.restoreBlob', () => {
  it('refuses to overwrite a same-named file with other content, leaving it and no temp file', async () => {
    const { dir, store, sha256 } = await fixture();
    const dest = join(dir, 'train.csv');
    await writeFile(dest, 'my own edits\n');
    const error = await store.restoreBlob(sha256, dest).catch((e) => e);
    expect(error).toBeInstanceOf(MlciError);
    expect(exitCodeFor(error)).toBe(2);
    expect(error.location.file).toBe(dest);
    expect(error.message).toMatch(/already exists with other content.*not overwritten/);
    expect(error.hint).toMatch(/move or delete/);
    expect(await readFile(dest, 'utf8')).toBe('my own edits\n');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('accepts a same-named file that already holds the very bytes', async () => {
    const { dir, store, sha256 } = await fixture();
    const dest = join(dir, 'train.csv');
    await store.restoreBlob(sha256, dest);
    await expect(store.restoreBlob(sha256, dest)).resolves.toMatchObject({ sha256, size: 17 });
    expect(await readFile(dest, 'utf8')).toBe('the stored bytes\n');
  });

  it('names a file given as the directory, and a directory in the way of the file', async () => {
    const { dir, store, sha256 } = await fixture();
    const file = join(dir, 'plain.txt');
    await writeFile(file, 'x');
    await expect(store.restoreBlob(sha256, join(file, 'train.csv'))).rejects.toMatchObject({
      kind: 'input',
      location: { file },
      message: expect.stringMatching(/is a file, not a directory/),
    });
    await mkdir(join(dir, 'train.csv'));
    await expect(store.restoreBlob(sha256, join(dir, 'train.csv'))).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/directory is in the way/),
    });
    // a file deeper up the path (ENOTDIR from mkdir) is named as well
    await expect(store.restoreBlob(sha256, join(file, 'sub', 'train.csv'))).rejects.toMatchObject({
      kind: 'input',
      hint: expect.any(String),
    });
  });
});
