import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlciError, exitCodeFor, fileError } from './errors';
import { writeOutputFile } from './fs';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('fileError', () => {
  it('maps every environment error on a file to exit 2 naming the file, with a hint', () => {
    for (const code of [
      'ENOENT',
      'EACCES',
      'EPERM',
      'EISDIR',
      'ENOTDIR',
      'EEXIST',
      'ENOSPC',
      'EDQUOT',
      'EROFS',
      'EMFILE',
      'ENFILE',
      'ENAMETOOLONG',
      'ELOOP',
      'EBUSY',
    ]) {
      for (const op of ['read', 'write'] as const) {
        const mapped = fileError('out/report.md', errno(code), op);
        expect(mapped, `${code} ${op}`).toBeInstanceOf(MlciError);
        const e = mapped as MlciError;
        expect(exitCodeFor(e)).toBe(2);
        expect(e.describe()).toMatch(/^out\/report\.md: /);
        expect(e.hint, `${code} ${op}`).toBeTruthy();
      }
    }
    expect((fileError('f', errno('ENOSPC'), 'write') as MlciError).message).toMatch(/no space left/);
    expect((fileError('f', errno('EROFS'), 'write') as MlciError).message).toMatch(/read-only/);
  });

  it('leaves errors that are not about the file alone', () => {
    const other = new TypeError('x');
    expect(fileError('f', other)).toBe(other);
    expect(fileError('f', errno('ECONNRESET'))).toBeInstanceOf(Error);
    expect(fileError('f', errno('ECONNRESET'))).not.toBeInstanceOf(MlciError);
  });
});

describe('writeOutputFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlci-write-output-'));
  it('names a directory given as the file, and a file given as a directory', async () => {
    await expect(writeOutputFile(dir, 'x')).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/is a directory/),
      location: { file: dir },
    });
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    await expect(writeOutputFile(join(file, 'report.md'), 'x')).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/is a file, not a directory/),
      hint: expect.any(String),
    });
    await expect(writeOutputFile(join(file, 'sub', 'report.md'), 'x')).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/is a file, not a directory/),
    });
  });
});
