/** `mlci data get`: restores the exact bytes of a dataset or artifact a run used, verified against its hash. */
import { existsSync } from 'node:fs';
import { mkdtemp, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { inputError } from '@mlci/core';
import { isSha256, type Store } from '@mlci/store';

export interface DataGetResult {
  sha256: string;
  size: number;
  /** Where the bytes were written. */
  path: string;
  /** What was asked for: `RUN:PATH` or a hash. */
  source: string;
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
    if (dataset && !dataset.snapshot && !(await store.hasBlob(dataset.sha256))) {
      throw inputError(`run ${run.id.slice(0, 8)} recorded "${path}" by hash only; its bytes were not stored`, {
        hint: 'record data with `mlci train --snapshot --data PATH` to be able to restore it',
      });
    }
    sha256 = found.sha256;
    name = basename(path);
  }
  const destination = join(resolve(toDir), name);
  const blob = await store.restoreBlob(sha256, destination);
  return { sha256, size: blob.size, path: destination, source: ref };
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
