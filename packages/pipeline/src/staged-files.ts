import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';

/**
 * Files written together or not at all (what `mlci init` writes). Each is written and synced to a temp file
 * beside its place; `commit` renames them all into place, `abort` removes the temp files and the directories
 * staging created. Nothing is in place until every file has been written.
 */
export class StagedFiles {
  private readonly staged: Array<{ temp: string; path: string }> = [];
  private readonly createdDirs: string[] = [];

  /** Writes `data` to a temp file beside `path`; returns the temp path (to check it before commit). */
  async add(path: string, data: string): Promise<string> {
    const first = await mkdir(dirname(path), { recursive: true });
    if (first) {
      // mkdir returns the first directory it created: record it and every one below it, deepest last.
      const parts = relative(first, dirname(path)).split(sep).filter(Boolean);
      let dir = first;
      this.createdDirs.push(dir);
      for (const part of parts) this.createdDirs.push((dir = join(dir, part)));
    }
    // A directory in the way would fail the rename after other files are in place: fail now instead.
    if (
      await stat(path).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    this.staged.push({ temp, path });
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return temp;
  }

  /** Renames every staged file into place (a rename within a directory, which does not fail half-written). */
  async commit(): Promise<void> {
    for (const { temp, path } of this.staged) await rename(temp, path);
    this.staged.length = 0;
  }

  /** Removes the temp files and the directories created for them (only if left empty). */
  async abort(): Promise<void> {
    for (const { temp } of this.staged) await rm(temp, { force: true });
    this.staged.length = 0;
    for (const dir of this.createdDirs.reverse()) await rmdir(dir).catch(() => {});
    this.createdDirs.length = 0;
  }
}
