/** Output files named on the command line (`--artifact`), stored by content as run artifacts. */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { Store } from '@mlci/store';
import type { RunCollector } from './collector';

/**
 * Stores a file, or every file under a directory, as artifacts named `<basename>/<relative path>` (a file:
 * its base name). Symbolic links are not followed. Returns false when `path` does not exist.
 */
export async function storeOutputs(store: Store, path: string, collector: RunCollector): Promise<boolean> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return false;
  }
  const name = basename(path);
  const files: string[] = [];
  if (info.isDirectory()) {
    for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
    }
  } else {
    files.push(path);
  }
  for (const file of files.sort()) {
    const blob = await store.putBlob({ path: file });
    const rel = info.isDirectory() ? `${name}/${relative(path, file).split('\\').join('/')}` : name;
    collector.addArtifact({ path: rel, sha256: blob.sha256, size: blob.size });
  }
  return true;
}
