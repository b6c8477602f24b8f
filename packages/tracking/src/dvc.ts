/**
 * What a dataset's `.dvc` file says: the md5 DVC recorded when it last ran `dvc add`/`dvc commit`, and its
 * kind. mlci never takes it as the dataset's hash: lineage hashes the bytes and compares (lineage.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseYaml } from '@mlci/core';
import type { DvcHashKind } from '@mlci/store';

export interface DvcFileEntry {
  /** The `.dvc` file's path. */
  file: string;
  /** The md5 it records for the dataset: 32 hex, plus `.dir` for a directory. */
  md5: string;
  /** `md5` when the entry says `hash: md5` (written by DVC 3), `md5-dos2unix` without a `hash:` (DVC 2). */
  hash: DvcHashKind;
}

type DvcOut = { md5?: unknown; hash?: unknown; path?: unknown };

/**
 * Reads `<dataPath>.dvc`. Returns `{ entry }` when it names an md5 for the dataset, `{ warning }` when the file
 * exists but cannot be used (unreadable YAML, no md5, a hash kind mlci does not compute), `{}` when there is
 * no such file.
 */
export async function readDvcFile(dataPath: string, shown: string): Promise<{ entry?: DvcFileEntry; warning?: string }> {
  const file = `${dataPath}.dvc`;
  if (!existsSync(file)) return {};
  let doc: { outs?: unknown };
  try {
    doc = parseYaml(await readFile(file, 'utf8'), `${shown}.dvc`) as { outs?: unknown };
  } catch (error) {
    return { warning: `${shown}.dvc is not readable YAML (${(error as Error).message}); what DVC recorded is left out` };
  }
  const outs = Array.isArray(doc?.outs) ? (doc.outs as DvcOut[]) : [];
  const name = basename(dataPath);
  const out = outs.find((o) => o?.path === name) ?? (outs.length === 1 ? outs[0] : undefined);
  if (!out || typeof out.md5 !== 'string' || !/^[0-9a-f]{32}(\.dir)?$/.test(out.md5))
    return { warning: `${shown}.dvc names no md5 for ${name} (an entry under outs: with md5:); what DVC recorded is left out` };
  if (out.hash !== undefined && out.hash !== 'md5' && out.hash !== 'md5-dos2unix')
    return { warning: `${shown}.dvc uses hash: ${String(out.hash)}, which mlci does not compute; what DVC recorded is left out` };
  // DVC 3 writes `hash: md5`; an entry without it is DVC 2's md5 of CRLF-normalised text (DVC 3 reads it so too).
  return { entry: { file, md5: out.md5, hash: out.hash === 'md5' ? 'md5' : 'md5-dos2unix' } };
}
