/**
 * Directory datasets (an image folder, a set of shards), named and stored by content.
 *
 * A directory is described by its manifest: one entry per file (relpath with `/`, size, SHA-256, DVC md5),
 * sorted by relpath in code-point order, written as mlci's manifest document. The directory's SHA-256 is the
 * SHA-256 of those manifest bytes, so the manifest is itself a blob in the store, keyed like every blob, and
 * the files are blobs keyed by their own SHA-256: a snapshot stores each distinct file once, and a restore
 * writes each file verified. DVC's `<md5>.dir` is computed from the same walk (see dvc-hash.ts).
 *
 * The walk follows DVC's default ignores (`.git`, `.hg` and `.dvc` folders, `.git` files); `.dvcignore`
 * patterns are not applied (the caller is told which `.dvcignore` files it met). Symlinks to files inside
 * the folder are read as files; a symlink leaving the folder, a symlink to a directory and special files
 * are refused. Memory is bounded by the entry list (about 1.6 KiB a file, bench/dvc), never by file contents.
 */
import { opendir, mkdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { inputError, isSafeRelativePath, sha256Hex } from '@mlci/core';
import { compareCodePoints, dvcDirMd5, hashFileForDvc } from './dvc-hash';
import type { Store } from './store';

/** One file of a directory dataset. */
export interface DirEntry {
  /** Path inside the directory, `/`-separated, never `..`, never absolute. */
  relpath: string;
  size: number;
  /** SHA-256 of the file's bytes (its blob key). */
  sha256: string;
  /** DVC 3 md5 of the raw bytes. */
  md5: string;
}

export interface DescribedDirectory {
  /** SHA-256 of the manifest bytes: the directory's content hash and the manifest's blob key. */
  sha256: string;
  /** DVC 3 `<md5>.dir` (md5 of DVC's sorted JSON listing of the files' md5s). */
  md5: string;
  /** DVC 2 `<md5>.dir` over the files' md5-dos2unix, when asked for. */
  md5Dos2unix?: string;
  /** Sum of the files' sizes. */
  size: number;
  files: number;
  /** mlci's manifest document (its SHA-256 is `sha256`). */
  manifest: Buffer;
  entries: DirEntry[];
  /** `.dvcignore` files met inside the directory (their patterns are not applied). */
  dvcignore: string[];
}

export const DIR_MANIFEST_FORMAT = 'mlci-dataset-dir/1';
const SKIPPED_DIRS = new Set(['.git', '.hg', '.dvc']);
const SHA256 = /^[0-9a-f]{64}$/;
const MD5 = /^[0-9a-f]{32}$/;

/** Every file under `root`, sorted by relpath (code points) (size known for symlinks only). Throws on escaping symlinks. */
export async function listDatasetDir(
  root: string,
  shown = root,
): Promise<{ files: Array<{ relpath: string; size?: number }>; dvcignore: string[] }> {
  const realRoot = await realpath(root);
  const files: Array<{ relpath: string; size?: number }> = [];
  const dvcignore: string[] = [];
  const pending: string[] = [''];
  const where = (rel: string) => `${shown.replace(/[\\/]+$/, '')}/${rel}`;
  while (pending.length) {
    const relDir = pending.pop()!;
    const dir = await opendir(relDir ? join(root, relDir) : root);
    for await (const entry of dir) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) pending.push(rel);
        continue;
      }
      if (entry.name === '.git') continue;
      const full = join(root, rel);
      if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => null);
        const inside = target !== null && isInside(realRoot, target);
        if (!target || !inside)
          throw inputError(target ? `symlink points outside the dataset folder (to ${target})` : 'symlink points to nothing', {
            file: where(rel),
            hint: 'a dataset folder must hold its own bytes: copy the target in, or name it as its own --data',
          });
        const info = await stat(full);
        if (info.isDirectory())
          throw inputError('symlink to a directory inside a dataset folder (not followed)', {
            file: where(rel),
            hint: 'replace it by the directory itself, or name the target as its own --data',
          });
        if (!info.isFile()) throw inputError('symlink to a special file in a dataset folder', { file: where(rel), hint: 'remove it' });
        files.push({ relpath: rel, size: info.size });
        continue;
      }
      if (!entry.isFile())
        throw inputError('not a regular file (socket, fifo or device) in a dataset folder', {
          file: where(rel),
          hint: 'remove it from the folder',
        });
      if (entry.name === '.dvcignore') dvcignore.push(rel);
      files.push({ relpath: rel }); // its size comes with the read (one fstat, not a stat per file here)
    }
  }
  if (sep !== '/') for (const f of files) f.relpath = f.relpath.split(sep).join('/');
  const keyed = files.map((f) => ({ f, key: Buffer.from(f.relpath, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return { files: keyed.map((k) => k.f), dvcignore };
}

/** True when `path` lies strictly below `root` (both real paths). */
function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** Runs `work(i)` for i in 0..n-1, at most `limit` at a time, in index order of start. */
async function pool(n: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, n) }, async () => {
    while (next < n) await work(next++);
  });
  await Promise.all(runners);
}

/** mlci's manifest document for sorted entries: one JSON object per line inside a small envelope. */
export function encodeDirManifest(entries: readonly DirEntry[]): Buffer {
  const lines = entries.map((e) => JSON.stringify({ relpath: e.relpath, size: e.size, sha256: e.sha256, md5: e.md5 }));
  return Buffer.from(`{"format":"${DIR_MANIFEST_FORMAT}","files":[\n${lines.join(',\n')}${lines.length ? '\n' : ''}]}\n`, 'utf8');
}

/** True when the bytes start like mlci's directory manifest (a blob that names a directory, not a file). */
export function isDirManifest(bytes: Uint8Array): boolean {
  const head = `{"format":"${DIR_MANIFEST_FORMAT}"`;
  return bytes.length >= head.length && Buffer.from(bytes.buffer, bytes.byteOffset, head.length).toString('latin1') === head;
}

/**
 * Reads a manifest, checking every entry: safe relpath (no `..`, not absolute), hashes of the right shape,
 * sorted without duplicates, and no file that is also a parent directory of another. `source` names it.
 */
export function parseDirManifest(bytes: Uint8Array, source: string): DirEntry[] {
  const bad = (why: string) =>
    inputError(`${source} is not a valid directory manifest: ${why}`, {
      hint: 'the stored manifest is damaged or was not written by mlci',
    });
  let doc: { format?: unknown; files?: unknown };
  try {
    doc = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw bad('not JSON');
  }
  if (doc?.format !== DIR_MANIFEST_FORMAT || !Array.isArray(doc.files)) throw bad(`format is not ${DIR_MANIFEST_FORMAT}`);
  const entries = doc.files as DirEntry[];
  const names = new Set<string>();
  entries.forEach((e, i) => {
    if (!e || typeof e.relpath !== 'string' || !isSafeRelativePath(e.relpath))
      throw bad(`entry ${i + 1} has an unsafe path ${JSON.stringify(e?.relpath)}`);
    if (!Number.isSafeInteger(e.size) || e.size < 0) throw bad(`entry ${i + 1} (${e.relpath}) has no valid size`);
    if (typeof e.sha256 !== 'string' || !SHA256.test(e.sha256)) throw bad(`entry ${i + 1} (${e.relpath}) has no valid sha256`);
    if (typeof e.md5 !== 'string' || !MD5.test(e.md5)) throw bad(`entry ${i + 1} (${e.relpath}) has no valid md5`);
    if (i > 0 && compareCodePoints(entries[i - 1].relpath, e.relpath) >= 0)
      throw bad(`entry ${i + 1} (${e.relpath}) is out of order or repeated`);
    names.add(e.relpath);
  });
  for (const e of entries) {
    for (let cut = e.relpath.lastIndexOf('/'); cut > 0; cut = e.relpath.lastIndexOf('/', cut - 1)) {
      if (names.has(e.relpath.slice(0, cut))) throw bad(`"${e.relpath.slice(0, cut)}" is both a file and a folder`);
    }
  }
  return entries;
}

export interface DescribeDirectoryOptions {
  /** Also compute DVC 2's md5-dos2unix `.dir` (for a `.dvc` file without `hash: md5`). @default false */
  dos2unix?: boolean;
  /** Files hashed at a time. @default 8 */
  concurrency?: number;
  /** How the directory is named in errors. @default root */
  shown?: string;
}

/** Walks and hashes a directory (streamed, a few files at a time): its manifest, SHA-256 and DVC `.dir` md5. */
export async function describeDirectory(root: string, options: DescribeDirectoryOptions = {}): Promise<DescribedDirectory> {
  const shown = options.shown ?? root;
  const { files, dvcignore } = await listDatasetDir(root, shown);
  const entries: DirEntry[] = new Array(files.length);
  const legacy: string[] | null = options.dos2unix ? new Array(files.length) : null;
  let size = 0;
  await pool(files.length, options.concurrency ?? 8, async (i) => {
    const f = files[i];
    const h = await hashFileForDvc(join(root, ...f.relpath.split('/')), { dos2unix: options.dos2unix, size: f.size }).catch((error) => {
      throw inputError(`cannot read a file of the dataset folder: ${(error as Error).message}`, {
        file: `${shown}/${f.relpath}`,
        hint: 'check its permissions',
      });
    });
    entries[i] = { relpath: f.relpath, size: h.size, sha256: h.sha256, md5: h.md5 };
    if (legacy) legacy[i] = h.md5Dos2unix!;
    size += h.size;
  });
  const manifest = encodeDirManifest(entries);
  return {
    sha256: sha256Hex(manifest),
    md5: dvcDirMd5(entries, true),
    ...(legacy
      ? {
          md5Dos2unix: dvcDirMd5(
            entries.map((e, i) => ({ relpath: e.relpath, md5: legacy[i] })),
            true,
          ),
        }
      : {}),
    size,
    files: entries.length,
    manifest,
    entries,
    dvcignore,
  };
}

/**
 * Stores a described directory: each distinct file content as a blob (checked to still hash as described) and
 * the manifest. Returns how many of those blobs were new and how many the store already held. A file that
 * changed since it was described is refused, naming it.
 */
export async function snapshotDirectory(
  store: Store,
  root: string,
  described: Pick<DescribedDirectory, 'sha256' | 'manifest'>,
  shown = root,
): Promise<{ stored: number; existed: number }> {
  // One file per distinct content: its bytes are the blob every other copy restores from.
  const seen = new Set<string>();
  const entries = parseDirManifest(described.manifest, `manifest of ${shown}`).filter((e) => !seen.has(e.sha256) && seen.add(e.sha256));
  let stored = 0;
  let existed = 0;
  await pool(entries.length, 4, async (i) => {
    const e = entries[i];
    const blob = await store.putBlob({ path: join(root, ...e.relpath.split('/')) });
    if (blob.sha256 !== e.sha256)
      throw inputError('changed while the dataset folder was being stored', {
        file: `${shown}/${e.relpath}`,
        hint: 'nothing may write into the dataset while mlci reads it; run again',
      });
    if (blob.existed) existed++;
    else stored++;
  });
  const manifest = await store.putBlob({ bytes: described.manifest });
  if (manifest.sha256 !== described.sha256) throw new Error(`manifest of ${shown} stored as ${manifest.sha256}, not ${described.sha256}`);
  return { stored, existed };
}

/** The file blobs a directory's manifest names that `store` lacks (empty when it can be restored). */
export async function missingDirectoryBlobs(store: Store, entries: readonly DirEntry[]): Promise<string[]> {
  const missing: string[] = [];
  for (const sha of new Set(entries.map((e) => e.sha256))) if (!(await store.hasBlob(sha))) missing.push(sha);
  return missing;
}

export interface RestoredDirectory {
  sha256: string;
  size: number;
  files: number;
  /** True when `destination` already held exactly this directory, so nothing was written. */
  existed: boolean;
}

/**
 * Writes the directory whose manifest is blob `sha256` to `destination`, every file verified against its
 * hash. Written into a fresh sibling folder and renamed into place only when complete, so no half-restored
 * folder is ever left under the destination's name. An existing destination is left alone: kept when it
 * already holds exactly these files, else refused.
 */
export async function restoreDirectory(store: Store, sha256: string, destination: string): Promise<RestoredDirectory> {
  const entries = parseDirManifest(await store.getBlob(sha256), `manifest ${sha256.slice(0, 12)}`);
  const size = entries.reduce((sum, e) => sum + e.size, 0);
  const present = await stat(destination).catch(() => null);
  if (present) {
    const same = present.isDirectory() && (await describeDirectory(destination).catch(() => null))?.sha256 === sha256;
    if (same) return { sha256, size, files: entries.length, existed: true };
    throw inputError(`already exists${present.isDirectory() ? ' with other content' : ' as a file'}; not overwritten`, {
      file: destination,
      hint: 'move or delete it first, or restore into another directory',
    });
  }
  const missing = await missingDirectoryBlobs(store, entries);
  if (missing.length)
    throw inputError(`${missing.length} of the folder's files are not in the store (first: ${missing[0]})`, {
      file: destination,
      hint: 'the run recorded the folder by hash only: record it with `mlci train --snapshot --data DIR` to restore it',
    });
  await mkdir(dirname(destination), { recursive: true });
  const staging = join(dirname(destination), `.${basename(destination)}.mlci-partial-${randomBytes(4).toString('hex')}`);
  await mkdir(staging);
  try {
    await pool(entries.length, 4, async (i) => {
      await store.restoreBlob(entries[i].sha256, join(staging, ...entries[i].relpath.split('/')));
    });
    await rename(staging, destination);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return { sha256, size, files: entries.length, existed: false };
}
