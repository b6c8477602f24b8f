import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { zipOf, type ZipEntry } from '../../../test/harness/zip';
import { extractZip } from './github-zip';

/** A one-entry zip (test/harness/zip.ts). */
const zip = (name: string, data: Buffer, options: Omit<ZipEntry, 'name' | 'data'> = {}) => zipOf([{ name, data, ...options }]);

const refusal = async (bytes: Buffer) => {
  const dir = await mkdtemp(join(tmpdir(), 'mlci-zip-'));
  const error = await extractZip(bytes, dir, 'mlci-run-x').catch((e: unknown) => e);
  expect(await readdir(dir), 'nothing written').toEqual([]);
  return error as MlciError;
};

describe('artifact zip extraction', () => {
  it('writes stored and deflated plain files, nested directories included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlci-zip-'));
    expect(await extractZip(zip('blobs/abc', Buffer.from('hello '.repeat(100)), { method: 8 }), dir, 'mlci-run-x')).toEqual(['blobs/abc']);
    expect(await readFile(join(dir, 'blobs/abc'), 'utf8')).toBe('hello '.repeat(100));
  });

  it('refuses a symbolic link, a path out of the directory, an absolute path, encryption and unknown compression', async () => {
    expect((await refusal(zip('run.json', Buffer.from('/etc/passwd'), { mode: 0o120777 }))).message).toBe(
      'artifact mlci-run-x: entry "run.json" is a symbolic link',
    );
    expect((await refusal(zip('../escape', Buffer.from('x')))).message).toMatch(/entry "\.\.\/escape" is not a plain relative path/);
    expect((await refusal(zip('/etc/cron.d/x', Buffer.from('x')))).message).toMatch(
      /entry "\/etc\/cron.d\/x" is not a plain relative path/,
    );
    expect((await refusal(zip('a\\b', Buffer.from('x')))).message).toMatch(/not a plain relative path/);
    expect((await refusal(zip('secret', Buffer.from('x'), { flags: 1 }))).message).toMatch(/is encrypted/);
    const bzip = zip('b', Buffer.from('x'));
    bzip.writeUInt16LE(12, 30 + 1 + 1 + 10);
    expect((await refusal(bzip)).message).toMatch(/compression method 12/);
  });

  it('refuses an entry whose size lies (a zip bomb inflates past it) and bytes that are no zip, as input errors with a hint', async () => {
    const bomb = zip('big', Buffer.alloc(100_000), { method: 8 });
    bomb.writeUInt32LE(10, bomb.length - 22 - 46 - 3 + 24); // the central directory says 10 bytes
    const error = await refusal(bomb);
    expect(error.message).toMatch(/entry "big" does not inflate to its recorded size/);
    const junk = await refusal(Buffer.from('not a zip at all, just text'));
    expect(junk).toMatchObject({ kind: 'input' });
    expect(junk.message).toMatch(/not a readable zip/);
    expect(junk.hint).toBeTruthy();
  });
});
