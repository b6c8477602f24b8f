/**
 * `mlci init` writes mlci.yml and its inferred schemas together or not at all (issue #12): a data file that
 * cannot be read, or a write that fails half-way, leaves the repository as it was.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { initProject } from '../../packages/pipeline/src/init';
import { StagedFiles } from '../../packages/pipeline/src/staged-files';
import { filesUnder } from '../hostile/harness';

function repo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-init-aon-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

describe('mlci init, all or nothing', () => {
  it('writes no schema when a later data file is malformed, and names that file', async () => {
    const dir = repo({ 'data/a.csv': 'x,label\n1,a\n', 'data/b.csv': 'x,y\n1,"open\n', 'data/c.csv': 'x\n1\n' });
    const before = await filesUnder(dir);
    const error = (await initProject({ dir }).catch((e) => e)) as MlciError;
    expect(error).toBeInstanceOf(MlciError);
    expect(error.location.file).toBe(join(dir, 'data/b.csv'));
    expect(await filesUnder(dir)).toEqual(before);
  });

  it('writes every file when all data files read', async () => {
    const dir = repo({ 'data/a.csv': 'x,label\n1,a\n', 'data/c.csv': 'x\n1\n' });
    const result = await initProject({ dir });
    expect(result.schemas).toEqual(['schemas/a.schema.json', 'schemas/c.schema.json']);
    expect(await filesUnder(dir)).toEqual(['data/a.csv', 'data/c.csv', 'mlci.yml', 'schemas/a.schema.json', 'schemas/c.schema.json']);
  });

  it('refuses a missing --dir and a file given as --dir, naming it', async () => {
    const missing = join(tmpdir(), `mlci-no-such-${process.pid}`);
    const error = (await initProject({ dir: missing }).catch((e) => e)) as MlciError;
    expect(error).toMatchObject({ kind: 'input', message: 'the directory does not exist', location: { file: missing } });
    expect(error.hint).toContain('--dir');
    const file = join(repo({ 'f.txt': '' }), 'f.txt');
    expect(((await initProject({ dir: file }).catch((e) => e)) as MlciError).message).toBe('is not a directory');
  });

  it('StagedFiles.abort leaves no temp file and removes the directories it created', async () => {
    const dir = repo({});
    const staged = new StagedFiles();
    await staged.add(join(dir, 'schemas/deep/a.json'), '{}');
    await staged.add(join(dir, 'mlci.yml'), 'version: 1\n');
    expect((await filesUnder(dir)).length).toBe(2);
    await staged.abort();
    expect(await filesUnder(dir)).toEqual([]);
    expect(await filesUnder(join(dir, 'schemas'))).toEqual([]);
  });

  it('removes what it staged when a later write fails (mlci.yml is a directory, --force)', async () => {
    const dir = repo({ 'data/a.csv': 'x\n1\n' });
    mkdirSync(join(dir, 'mlci.yml'));
    const error = (await initProject({ dir, force: true }).catch((e) => e)) as MlciError;
    expect(error).toBeInstanceOf(MlciError);
    expect(error.hint).toContain('nothing was written');
    expect(await filesUnder(dir)).toEqual(['data/a.csv']);
    expect(existsSync(join(dir, 'schemas'))).toBe(false);
  });
});
