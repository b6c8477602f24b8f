/**
 * Artifact downloads, extracted here instead of by @actions/artifact: its extractor fails on a symbolic link
 * entry and then retries the whole download five times (about 25 s) before a bare error. mlci's artifacts
 * hold plain files only, so anything else (a link, a path leaving the directory, encryption, an unknown
 * compression) is refused at once, naming the artifact and the entry, and nothing of it is written.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import type { DefaultArtifactClient } from '@actions/artifact';
import { inputError, isSafeRelativePath, MlciError } from '@mlci/core';

type FindBy = { token: string; repositoryOwner: string; repositoryName: string; workflowRunId: number };

/** A call of the artifact client (its own HTTP stack, untyped errors) with failures as remote errors (exit 3). */
export async function artifactCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MlciError) throw error;
    throw new MlciError('remote', `could not ${what}: ${(error as Error)?.message ?? String(error)}`, {
      hint: 'the artifact service failed or the token cannot read it (`actions: read`); rerun the job',
      cause: error,
    });
  }
}

/** Downloads artifact `id` (named `name` in errors) into `dir` as its files, refusing entries that are not plain files. */
export async function downloadArtifactFiles(
  client: DefaultArtifactClient,
  id: number,
  name: string,
  dir: string,
  findBy: FindBy,
): Promise<void> {
  const raw = join(dir, '.download');
  await mkdir(raw, { recursive: true });
  try {
    await artifactCall(`download artifact ${name}`, () => client.downloadArtifact(id, { path: raw, findBy, skipDecompress: true }));
    const [file] = await readdir(raw);
    if (!file) throw new MlciError('remote', `artifact ${name} downloaded empty`, { hint: 'rerun the job' });
    await extractZip(await readFile(join(raw, file)), dir, name);
  } finally {
    await rm(raw, { recursive: true, force: true });
  }
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressed: number;
  size: number;
  offset: number;
  symlink: boolean;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** The central directory's entries (zip64 sizes and offsets read from their extra field). */
export function zipEntries(zip: Buffer, artifact: string): Entry[] {
  const bad = (why: string) =>
    inputError(`artifact ${artifact} is not a readable zip: ${why}`, {
      hint: 'the artifact is damaged or was not written by mlci; do not trust it',
    });
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--)
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw bad('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || p === 0xffffffff) throw bad('a zip64 archive with more than 65534 entries');
  const entries: Entry[] = [];
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL) throw bad(`central directory entry ${n + 1} is cut short`);
    const madeBy = zip.readUInt16LE(p + 4) >> 8;
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const entry: Entry = {
      name: zip.toString('utf8', p + 46, p + 46 + nameLength),
      flags: zip.readUInt16LE(p + 8),
      method: zip.readUInt16LE(p + 10),
      compressed: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      offset: zip.readUInt32LE(p + 42),
      // Unix "made by" (3) keeps the mode in the high half of the external attributes: S_IFLNK is 0o120000.
      symlink: madeBy === 3 && ((zip.readUInt32LE(p + 38) >>> 16) & 0o170000) === 0o120000,
    };
    readZip64(zip.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength), entry);
    entries.push(entry);
    p += 46 + nameLength + extraLength + zip.readUInt16LE(p + 32);
  }
  return entries;
}

/** Zip64 extended information (header 0x0001): the 64-bit values of the fields set to 0xFFFFFFFF, in order. */
function readZip64(extra: Buffer, entry: Entry): void {
  for (let q = 0; q + 4 <= extra.length; q += 4 + extra.readUInt16LE(q + 2)) {
    if (extra.readUInt16LE(q) !== 1) continue;
    let v = q + 4;
    const next = () => Number(extra.readBigUInt64LE((v += 8) - 8));
    if (entry.size === 0xffffffff) entry.size = next();
    if (entry.compressed === 0xffffffff) entry.compressed = next();
    if (entry.offset === 0xffffffff) entry.offset = next();
  }
}

/** Checks every entry first (a refused archive writes nothing), then writes the files under `dir`. */
export async function extractZip(zip: Buffer, dir: string, artifact: string): Promise<string[]> {
  const entries = zipEntries(zip, artifact);
  const refuse = (entry: string, why: string) =>
    inputError(`artifact ${artifact}: entry "${entry}" ${why}`, {
      hint: 'mlci artifacts hold plain files only; this one was not written by mlci or was altered: do not trust it',
    });
  for (const e of entries) {
    const path = e.name.endsWith('/') ? e.name.slice(0, -1) : e.name;
    if (e.symlink) throw refuse(e.name, 'is a symbolic link');
    if (!isSafeRelativePath(path)) throw refuse(e.name, 'is not a plain relative path (absolute, `..` or a backslash)');
    if (e.flags & 1) throw refuse(e.name, 'is encrypted');
    if (e.method !== 0 && e.method !== 8) throw refuse(e.name, `uses compression method ${e.method} (only stored and deflate are read)`);
  }
  const written: string[] = [];
  for (const e of entries.filter((x) => !x.name.endsWith('/'))) {
    if (e.offset + 30 > zip.length || zip.readUInt32LE(e.offset) !== LOCAL)
      throw refuse(e.name, 'has no local header where the directory says');
    const start = e.offset + 30 + zip.readUInt16LE(e.offset + 26) + zip.readUInt16LE(e.offset + 28);
    const data = zip.subarray(start, start + e.compressed);
    let bytes: Buffer;
    try {
      bytes = e.method === 0 ? data : inflateRawSync(data, { maxOutputLength: Math.max(1, e.size) });
    } catch {
      throw refuse(e.name, 'does not inflate to its recorded size');
    }
    if (bytes.length !== e.size) throw refuse(e.name, `holds ${bytes.length} bytes, its directory entry says ${e.size}`);
    const target = join(dir, e.name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
    written.push(e.name);
  }
  return written;
}
