/**
 * `mlci data get`: restores the exact bytes of a dataset or artifact a run used, verified against its hash;
 * a directory dataset file by file from its manifest.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { inputError } from '@mlci/core';
import {
  DIR_MANIFEST_FORMAT,
  isDirManifest,
  isSha256,
  missingDirectoryBlobs,
  parseDirManifest,
  restoreDirectory,
  type Store,
} from '@mlci/store';

export interface DataGetResult {
  sha256: string;
  size: number;
  /** Where the bytes were written. */
  path: string;
  /** What was asked for: `RUN:PATH` or a hash. */
  source: string;
  /** For a directory dataset: how many files were written (`path` is then the folder). */
  files?: number;
}

/**
 * `ref` is `RUN:PATH` (a run id, prefix or name, and the path of one of its datasets or artifacts) or a bare
 * SHA-256. The file is written into directory `toDir` under its base name (atomically, only when verified).
 */
export async function dataGet(store: Store, ref: string, toDir: string): Promise<DataGetResult> {
  let sha256: string;
  let name: string;
  if (isSha256(ref)) {
    sha256 = ref;
    name = ref;
  } else {
    const colon = ref.indexOf(':');
    if (colon <= 0)
      throw inputError(`"${ref}" is neither RUN:PATH nor a SHA-256`, {
        hint: 'e.g. `mlci data get 1a2b3c4d:data/train.csv --to restored/`',
      });
    const run = await store.getRun(ref.slice(0, colon));
    const path = ref.slice(colon + 1).replace(/^\.\//, '');
    const dataset = run.lineage.datasets.find((d) => d.path === path);
    const artifact = run.artifacts.find((a) => a.path === path);
    const found = dataset ?? artifact;
    if (!found) {
      const known = [...run.lineage.datasets.map((d) => d.path), ...run.artifacts.map((a) => a.path)];
      throw inputError(`run ${run.id.slice(0, 8)} has no dataset or artifact "${path}"`, {
        hint: known.length ? `it has: ${known.join(', ')}` : 'it recorded no datasets or artifacts',
      });
    }
    const byHashOnly = () =>
      inputError(`run ${run.id.slice(0, 8)} recorded "${path}" by hash only; its bytes were not stored`, {
        hint: `record data with \`mlci train --snapshot --data ${path}\` to be able to restore it`,
      });
    if (dataset?.kind === 'directory') {
      // The manifest is kept for every folder; its files only with --snapshot (or when another run stored them).
      if (!(await store.hasBlob(dataset.sha256))) throw byHashOnly();
      const entries = parseDirManifest(await store.getBlob(dataset.sha256), `the manifest of ${path}`);
      if (!dataset.snapshot && (await missingDirectoryBlobs(store, entries)).length) throw byHashOnly();
      const destination = join(resolve(toDir), basename(path));
      const restored = await restoreDirectory(store, dataset.sha256, destination);
      return { sha256: dataset.sha256, size: restored.size, path: destination, source: ref, files: restored.files };
    }
    if (dataset && !dataset.snapshot && !(await store.hasBlob(dataset.sha256))) throw byHashOnly();
    sha256 = found.sha256;
    name = basename(path);
  }
  const destination = join(resolve(toDir), name);
  const wasThere = existsSync(destination);
  const blob = await store.restoreBlob(sha256, destination);
  // A bare hash may name a folder's manifest: restore the folder it describes in its place.
  if (isSha256(ref) && !wasThere && blob.size >= DIR_MANIFEST_FORMAT.length && (await startsAsManifest(destination))) {
    await rm(destination, { force: true });
    const restored = await restoreDirectory(store, sha256, destination);
    return { sha256, size: restored.size, path: destination, source: ref, files: restored.files };
  }
  return { sha256, size: blob.size, path: destination, source: ref };
}

async function startsAsManifest(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(DIR_MANIFEST_FORMAT.length + 16);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return isDirManifest(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/**
 * A data argument that names stored bytes rather than a file: `RUN:PATH` (a dataset or artifact a run
 * recorded) or a SHA-256. Restores it, verified, into a temp directory and returns that file's path (its
 * extension kept, so readers know the format); returns null when `ref` is an existing file or not such a name.
 */
export async function materializeDataRef(store: Store, ref: string): Promise<string | null> {
  if (existsSync(ref)) return null;
  if (!isSha256(ref) && !/^[^:/\\]{4,}:./.test(ref)) return null;
  const dir = await mkdtemp(join(tmpdir(), 'mlci-data-ref-'));
  const restored = await dataGet(store, ref, dir);
  if (!isSha256(ref)) return restored.path;
  // A bare hash has no name: take the extension a run recorded for those bytes, so the reader knows the format.
  const runs = await store.listRuns();
  const known = runs.flatMap((r) => r.lineage.datasets).find((d) => d.sha256 === ref);
  if (!known || !extname(known.path)) return restored.path;
  const named = `${restored.path}${extname(known.path)}`;
  await rename(restored.path, named);
  return named;
}

/**
 * The SHA-256 that `mlci data get --github` must fetch for `ref` (`RUN:PATH` or a hash), or null when the
 * local store can restore it, or when the run or path is unknown (dataGet then explains). A folder must be
 * fetched when its manifest or any of its files is missing here.
 */
export async function dataToFetch(store: Store, ref: string): Promise<string | null> {
  let sha256: string | null = null;
  let directory = false;
  if (isSha256(ref)) sha256 = ref;
  else {
    const colon = ref.indexOf(':');
    if (colon <= 0) return null;
    const run = await store.getRun(ref.slice(0, colon)).catch(() => null);
    const dataset = run?.lineage.datasets.find((d) => d.path === ref.slice(colon + 1).replace(/^\.\//, ''));
    sha256 = dataset?.sha256 ?? null;
    directory = dataset?.kind === 'directory';
  }
  if (!sha256) return null;
  if (!(await store.hasBlob(sha256))) return sha256;
  if (!directory) {
    const runs = await store.listRuns();
    directory = runs.some((r) => r.lineage.datasets.some((d) => d.sha256 === sha256 && d.kind === 'directory'));
  }
  if (!directory) return null;
  const entries = parseDirManifest(await store.getBlob(sha256), `the manifest ${sha256.slice(0, 12)}`);
  return (await missingDirectoryBlobs(store, entries)).length ? sha256 : null;
}
