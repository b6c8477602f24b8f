import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileError, hashFile, inputError, MlciError, sha256Hex, writeFileAtomic, writeJsonAtomic } from '@mlci/core';
import { assertSha256 } from './hash';
import { assertSafeArtifactPaths, decodeRunRecord, encodeRunRecord, type RunRecord } from './run-record';
import { abandonedRecord, OWNER_TAG, ownerGone } from './owner';
import { JOURNAL_FILE } from './run-journal';
import {
  runMatches,
  type BlobInfo,
  type BlobSource,
  type FindRunQuery,
  type FoundRun,
  type ListRunsOptions,
  type PublishedRun,
  type Store,
} from './store';

export interface LocalStoreOptions {
  /**
   * The store's root directory; created on first write. For a project this is `<project>/.mlci`
   * (see `projectStore`). Layout: `blobs/sha256/<first 2 hex>/<remaining 62 hex>` and `runs/<id>/run.json`.
   */
  root: string;
}

const RUN_ID = /^[0-9a-f]{32}$/;

/** Streams `source` to a temp file beside `finalPath` while hashing it; returns the temp path and digest. */
async function copyHashing(source: NodeJS.ReadableStream, dir: string, prefix: string) {
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${prefix}.${randomBytes(6).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, tap, createWriteStream(temp));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { temp, sha256: hash.digest('hex'), size };
}

/** The local backend: everything in one directory, blobs by hash, runs as JSON. */
/** No run answers an id, prefix or name: callers that try other kinds of reference next catch exactly this. */
export class RunNotFoundError extends MlciError {
  constructor(message: string, options: { hint?: string } = {}) {
    super('input', message, options);
  }
}

export class LocalStore implements Store {
  readonly backend = 'local';
  readonly root: string;

  constructor(options: LocalStoreOptions) {
    this.root = options.root;
  }

  /** Where a blob lives on disk (whether or not it exists). */
  blobPath(sha256: string): string {
    assertSha256(sha256);
    return join(this.root, 'blobs', 'sha256', sha256.slice(0, 2), sha256.slice(2));
  }

  private runPath(id: string): string {
    if (!RUN_ID.test(id)) throw inputError(`"${id}" is not a run id (32 lower-case hex characters)`);
    return join(this.root, 'runs', id, 'run.json');
  }

  async putBlob(source: BlobSource): Promise<BlobInfo> {
    if ('bytes' in source) {
      const bytes = typeof source.bytes === 'string' ? Buffer.from(source.bytes) : source.bytes;
      const sha256 = sha256Hex(bytes);
      const path = this.blobPath(sha256);
      if (await exists(path)) return { sha256, size: bytes.length, existed: true };
      await writeFileAtomic(path, bytes);
      return { sha256, size: bytes.length, existed: false };
    }
    const incoming = join(this.root, 'blobs', 'incoming');
    let copied;
    try {
      const stream = 'path' in source ? createReadStream(source.path) : source.stream;
      copied = await copyHashing(stream, incoming, 'path' in source ? basename(source.path).slice(0, 40) : 'stream');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && 'path' in source) throw inputError('file not found', { file: source.path });
      throw error;
    }
    const path = this.blobPath(copied.sha256);
    if (await exists(path)) {
      await rm(copied.temp, { force: true });
      return { sha256: copied.sha256, size: copied.size, existed: true };
    }
    await mkdir(dirname(path), { recursive: true });
    await rename(copied.temp, path);
    return { sha256: copied.sha256, size: copied.size, existed: false };
  }

  async hasBlob(sha256: string): Promise<boolean> {
    return exists(this.blobPath(sha256));
  }

  async getBlob(sha256: string): Promise<Uint8Array> {
    const path = this.blobPath(sha256);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingBlob(sha256);
      throw error;
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha256) throw tamperedBlob(sha256, actual, path);
    return bytes;
  }

  /**
   * Restores a blob to `destination`. A file already there with the same bytes is left as it is; one with other
   * bytes is refused, never overwritten (a restore must not destroy a user's file without a word). Errors on
   * the destination (its directory is a file, read-only, full disk) name it, with a hint.
   */
  async restoreBlob(sha256: string, destination: string): Promise<BlobInfo> {
    const path = this.blobPath(sha256);
    if (!(await exists(path))) throw missingBlob(sha256);
    const present = await stat(destination).catch(() => null);
    if (present?.isDirectory())
      throw inputError('a directory is in the way of the restored file', {
        file: destination,
        hint: 'move it away, or restore into another directory',
      });
    if (present) {
      const { sha256: actual } = await hashFile(destination).catch((error) => {
        throw fileError(destination, error);
      });
      if (actual === sha256) return { sha256, size: present.size, existed: true };
      throw inputError(`already exists with other content (sha256 ${actual.slice(0, 12)}, not ${sha256.slice(0, 12)}); not overwritten`, {
        file: destination,
        hint: 'move or delete that file first, or restore into another directory',
      });
    }
    const dir = dirname(destination);
    const parent = await stat(dir).catch(() => null);
    if (parent && !parent.isDirectory())
      throw inputError('is a file, not a directory to restore into', { file: dir, hint: 'name a directory (it is created when missing)' });
    let copied;
    try {
      copied = await copyHashing(createReadStream(path), dir, basename(destination));
    } catch (error) {
      throw fileError(dir, error, 'write');
    }
    if (copied.sha256 !== sha256) {
      await rm(copied.temp, { force: true });
      throw tamperedBlob(sha256, copied.sha256, path);
    }
    try {
      // link() fails when a file appeared meanwhile, where rename() would replace it; rename where links are not supported.
      await link(copied.temp, destination).catch((error) => {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST')
          throw inputError('already exists (it appeared during the restore); not overwritten', {
            file: destination,
            hint: 'move or delete that file first, or restore into another directory',
          });
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
        return rename(copied.temp, destination);
      });
    } catch (error) {
      throw error instanceof MlciError ? error : fileError(destination, error, 'write');
    } finally {
      await rm(copied.temp, { force: true });
    }
    return { sha256, size: copied.size, existed: true };
  }

  async putRun(record: RunRecord): Promise<void> {
    const path = this.runPath(record.id);
    assertSafeArtifactPaths(record, 'storing a run');
    if (record.status === 'RUNNING') {
      const previous = await this.readRun(path).catch(() => null);
      if (previous && previous.status !== 'RUNNING')
        throw inputError(`run ${record.id} has ended (${previous.status}); runs are immutable once ended`);
    } else {
      const previous = await this.readRun(path).catch(() => null);
      if (previous && previous.status !== 'RUNNING') throw inputError(`run ${record.id} already exists and has ended; runs are immutable`);
    }
    await writeJsonAtomic(path, encodeRunRecord(record));
  }

  private async readRun(path: string): Promise<RunRecord> {
    const text = await readFile(path, 'utf8');
    let record: RunRecord;
    try {
      record = decodeRunRecord(JSON.parse(text) as RunRecord);
    } catch (error) {
      throw inputError(`run record is not valid JSON: ${(error as Error).message}`, {
        file: path,
        hint: 'the file was edited or damaged; restore it or delete the run directory',
      });
    }
    // A record edited on disk is refused too, before any caller joins its paths under a directory.
    assertSafeArtifactPaths(record, path);
    if (record.status === 'RUNNING') record = await abandonIfOwnerGone(path, record);
    const checks = await this.readChecks(join(path, '..', 'checks.json'));
    return Object.keys(checks).length ? { ...record, tags: { ...record.tags, ...checks } } : record;
  }

  private async readChecks(path: string): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw inputError(`run checks are not valid JSON: ${(error as Error).message}`, {
        file: path,
        hint: 'delete the file; the checks can be run again',
      });
    }
  }

  async annotateRun(id: string, tags: Record<string, string>): Promise<void> {
    for (const key of Object.keys(tags)) {
      if (!key.startsWith('mlci.')) throw inputError(`"${key}": only mlci.* tags (results of later checks) can be added to an ended run`);
    }
    const path = join(this.runPath(id), '..', 'checks.json');
    await this.readRun(this.runPath(id)); // the run must exist
    await writeJsonAtomic(path, { ...(await this.readChecks(path)), ...tags });
  }

  private async runIds(): Promise<string[]> {
    try {
      return (await readdir(join(this.root, 'runs'))).filter((d) => RUN_ID.test(d));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async getRun(idOrName: string): Promise<RunRecord> {
    const ids = await this.runIds();
    if (RUN_ID.test(idOrName) && ids.includes(idOrName)) return this.readRun(this.runPath(idOrName));
    const byPrefix = idOrName.length >= 4 ? ids.filter((id) => id.startsWith(idOrName)) : [];
    if (byPrefix.length === 1) return this.readRun(this.runPath(byPrefix[0]));
    if (byPrefix.length > 1)
      throw inputError(`run "${idOrName}" is ambiguous: ${byPrefix.length} run ids start with it`, {
        hint: `give more characters: ${byPrefix.slice(0, 5).join(', ')}`,
      });
    const runs = await this.listRuns();
    const byName = runs.filter((r) => r.name === idOrName);
    if (byName.length === 1) return byName[0];
    if (byName.length > 1)
      throw inputError(`run name "${idOrName}" is used by ${byName.length} runs`, {
        hint: `name one by id: ${byName
          .slice(0, 5)
          .map((r) => r.id)
          .join(', ')}`,
      });
    const recent = runs.slice(0, 5).map((r) => `${r.id.slice(0, 8)} (${r.name})`);
    throw new RunNotFoundError(`no run "${idOrName}" in ${join(this.root, 'runs')}`, {
      hint: recent.length
        ? `recent runs: ${recent.join(', ')}; \`mlci runs\` lists all`
        : 'no runs recorded yet: record one with `mlci train -- COMMAND`',
    });
  }

  async listRuns(options: ListRunsOptions = {}): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    for (const id of await this.runIds()) {
      try {
        runs.push(await this.readRun(this.runPath(id)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // a run directory being written
      }
    }
    const selected = runs
      .filter((r) => options.experiment === undefined || r.experiment === options.experiment)
      .sort((a, b) => b.startTime - a.startTime || (a.id < b.id ? 1 : -1));
    return options.limit ? selected.slice(0, options.limit) : selected;
  }

  async findRun(query: FindRunQuery): Promise<FoundRun | null> {
    const run = (await this.listRuns()).find((r) => runMatches(r, query));
    return run ? { run, where: `run ${run.id.slice(0, 8)}` } : null;
  }

  /** A local store is the only copy: there is nowhere further to publish to. */
  async publishRun(_record: RunRecord): Promise<PublishedRun> {
    return { artifact: null, datasetsUploaded: 0 };
  }
}

/**
 * A RUNNING run whose `mlci train` died on this machine without ending it is recorded KILLED, "abandoned", with
 * what its journal kept (owner.ts: abandonedRecord); the journal is removed once that record is written.
 */
async function abandonIfOwnerGone(path: string, record: RunRecord): Promise<RunRecord> {
  const gone = ownerGone(record.tags?.[OWNER_TAG]);
  if (!gone) return record;
  const abandoned = await abandonedRecord(record, dirname(path), gone);
  // Another reader may have marked it meanwhile (and removed the journal this one then did not find): keep theirs.
  const now = await readFile(path, 'utf8').then(
    (t) => decodeRunRecord(JSON.parse(t) as RunRecord),
    () => null,
  );
  if (now && now.status !== 'RUNNING') return now;
  // A read-only store still reads it as KILLED (rebuilt again on each read, the journal kept).
  const written = await writeJsonAtomic(path, encodeRunRecord(abandoned)).then(
    () => true,
    () => false,
  );
  if (written) await rm(join(dirname(path), JOURNAL_FILE), { force: true }).catch(() => {});
  return abandoned;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

const missingBlob = (sha256: string) =>
  inputError(`no blob ${sha256} in the store`, {
    hint: 'it was never stored here (store datasets with `mlci train --snapshot`), or the store directory was pruned',
  });

const tamperedBlob = (expected: string, actual: string, path: string) =>
  inputError(`blob ${expected} is corrupt or was tampered with: its bytes hash to ${actual}`, {
    file: path,
    hint: 'refusing to use it; delete the file and store the data again',
  });

/** The store of a project: `<projectDir>/.mlci`. */
export const projectStore = (projectDir: string) => new LocalStore({ root: join(projectDir, '.mlci') });
