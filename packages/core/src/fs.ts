import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { fileError } from './errors';

/**
 * Writes `data` to `path` atomically: a temp file in the same directory (same filesystem), fsync, rename.
 * A reader never sees a half-written file, and a crash leaves the previous content intact.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * `writeFileAtomic` for a file the user named (`--markdown FILE`, `--out FILE`): a directory given as the
 * file, a missing or read-only parent, a full disk become an MlciError naming the path, with a hint (exit 2).
 */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomic(path, data);
  } catch (error) {
    throw fileError(path, error, 'write');
  }
}

export const writeJsonAtomic = (path: string, value: unknown) => writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');

/** Hex digests of a file's bytes, streamed: SHA-256 (mlci's content address) and MD5 (DVC's). */
export async function hashFile(path: string, algorithms: Array<'sha256' | 'md5'> = ['sha256']): Promise<Record<string, string>> {
  const hashes = algorithms.map((a) => [a, createHash(a)] as const);
  for await (const chunk of createReadStream(path)) for (const [, h] of hashes) h.update(chunk as Buffer);
  return Object.fromEntries(hashes.map(([a, h]) => [a, h.digest('hex')]));
}

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Reads a UTF-8 text file; a missing or unreadable file becomes an MlciError that names it, with a hint. */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
}

/**
 * Whether a path taken from a record (a run's artifact path, a model card's file) is safe to join under a
 * directory: relative, POSIX separators, no `.`/`..`/empty segment, no NUL, no drive letter. Records can come
 * from a pull request's workflow, so every such path is checked before it becomes a file path.
 */
export function isSafeRelativePath(path: string): boolean {
  if (typeof path !== 'string' || !path || path.length > 4096 || path.startsWith('/') || /[\\\0]/.test(path) || /^[A-Za-z]:/.test(path))
    return false;
  return !path.split('/').some((part) => part === '' || part === '.' || part === '..');
}
