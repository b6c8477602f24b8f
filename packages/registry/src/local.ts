import { link, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { inputError, writeFileAtomic, writeJsonAtomic } from '@mlci/core';
import type { LocalStore } from '@mlci/store';
import { VersionExistsError, AliasConflictError } from './errors';
import { parseAliasEvent } from './history';
import { assertAlias, assertModelName, compareVersions, formatVersion, isModelName, isVersion, parseVersion, versionTag } from './names';
import { withLockFile } from './lock';
import { GitTagReader, gtoReadOnly } from './gto-git';
import type { AliasEvent, ModelCard, PublishOptions, RegistryBackend, VersionRecord } from './types';

/** version.json: written last, so a version directory without it is a draft (being written or abandoned). */
interface LocalVersionFile {
  schema: 1;
  name: string;
  version: string;
  tag: string;
  commit: string | null;
  publishedAt: string;
  assets: Array<{ name: string; sha256: string; size: number }>;
}

export interface LocalRegistryOptions {
  /** The project's store (`projectStore(dir)`): asset bytes are its blobs, so a model is stored once. */
  store: LocalStore;
  /** Wait at most this long for another local promotion's lock. @default 15000 ms */
  lockTimeoutMs?: number;
  /**
   * A git work tree whose GTO tags are read for models the local registry has no records of (read-only: a
   * laptop in a GTO repository); null reads none. @default the directory holding the store (the project)
   */
  gitDir?: string | null;
}

/**
 * The registry in `<store root>/registry/` (i.e. `.mlci/registry/`):
 * `<name>/versions/<version>/version.json` (+ `notes.md`), asset bytes as blobs in the store,
 * `<name>/aliases/<alias>/<seq>.json` one file per alias event (append-only), `<name>/.lock`.
 */
export class LocalRegistry implements RegistryBackend {
  readonly kind = 'local' as const;
  readonly root: string;
  readonly location: string;
  private readonly store: LocalStore;
  private readonly lockTimeoutMs?: number;
  /** GTO's tags of the project's git repository (gto-git.ts), for models with no local records. */
  private readonly git: GitTagReader | null;

  constructor(options: LocalRegistryOptions) {
    this.store = options.store;
    this.root = join(options.store.root, 'registry');
    this.location = this.root;
    this.lockTimeoutMs = options.lockTimeoutMs;
    const gitDir = options.gitDir === undefined ? dirname(options.store.root) : options.gitDir;
    this.git = gitDir ? new GitTagReader(gitDir) : null;
  }

  /** GTO's state of a model the local registry holds nothing of, or null (it has local records, or no tags). */
  private async gto(name: string) {
    if (!this.git || (await list(this.modelDir(name))).length) return null;
    return this.git.model(name);
  }

  private modelDir = (name: string) => join(this.root, assertModelName(name));
  private versionDir = (name: string, version: string) => join(this.modelDir(name), 'versions', formatVersion(parseVersion(version)));
  private aliasDir = (name: string, alias: string) => join(this.modelDir(name), 'aliases', assertAlias(alias));
  private lock = <T>(name: string, body: () => Promise<T>) =>
    withLockFile(join(this.modelDir(name), '.lock'), body, { timeoutMs: this.lockTimeoutMs });

  async listModels(): Promise<string[]> {
    const names = await list(this.root);
    const out: string[] = [];
    // A model whose records cannot be read is an error naming the file, never a model that silently disappears.
    for (const name of names.filter(isModelName)) if ((await this.listVersions(name)).length) out.push(name);
    // Models registered by GTO's tags alone, when the project is a git repository (gto-git.ts).
    for (const name of (await this.git?.models()) ?? [])
      if (!out.includes(name) && !(await list(this.modelDir(name))).length) out.push(name);
    return out.sort();
  }

  async takenVersions(name: string): Promise<string[]> {
    const gto = await this.gto(name);
    if (gto) return [...gto.versions.keys()];
    return (await list(join(this.modelDir(name), 'versions'))).filter(isVersion);
  }

  async listVersions(name: string): Promise<VersionRecord[]> {
    const gto = await this.gto(name);
    if (gto) return this.git!.versions(gto);
    const out: VersionRecord[] = [];
    for (const version of await this.takenVersions(name)) {
      const record = await this.readVersion(name, version);
      if (record) out.push(record);
    }
    return out.sort((a, b) => compareVersions(a.version, b.version));
  }

  private async readVersion(name: string, version: string): Promise<VersionRecord | null> {
    const file = join(this.versionDir(name, version), 'version.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null; // a draft
      throw inputError(`version record is unreadable: ${(error as Error).message}`, { file, hint: DAMAGED });
    }
    const meta = parseVersionFile(text, file);
    const cardAsset = meta.assets.find((a) => a.name === 'card.json');
    if (!cardAsset) throw inputError('version record lists no card.json', { file, hint: DAMAGED });
    const bytes = await this.store.getBlob(cardAsset.sha256);
    let card: ModelCard;
    try {
      card = JSON.parse(Buffer.from(bytes).toString('utf8')) as ModelCard;
    } catch (error) {
      throw inputError(`the model card (blob ${cardAsset.sha256.slice(0, 12)}) is not JSON: ${(error as Error).message}`, {
        file,
        hint: DAMAGED,
      });
    }
    if (typeof card !== 'object' || card === null || typeof card.runId !== 'string' || !Array.isArray(card.files))
      throw inputError(`the model card (blob ${cardAsset.sha256.slice(0, 12)}) is malformed (no runId or files)`, { file, hint: DAMAGED });
    return {
      name: meta.name,
      version: meta.version,
      tag: meta.tag,
      card,
      cardSha256: cardAsset.sha256,
      assets: meta.assets.map((a) => ({ name: a.name, size: a.size })),
      url: this.versionDir(name, version),
    };
  }

  async publishVersion(options: PublishOptions): Promise<VersionRecord> {
    if (await this.gto(options.name)) throw gtoReadOnly(options.name, this.git!.dir);
    const dir = this.versionDir(options.name, options.version);
    const tag = versionTag(options.name, options.version);
    await mkdir(join(this.modelDir(options.name), 'versions'), { recursive: true });
    try {
      await mkdir(dir); // the reservation: exactly one promotion creates this directory
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new VersionExistsError(tag, this.location);
      throw error;
    }
    const stored: LocalVersionFile['assets'] = [];
    for (const asset of options.assets) {
      const info = await this.store.putBlob({ bytes: await asset.read() });
      // Verify what was stored against what the card promises before the version becomes visible.
      if (info.sha256 !== asset.sha256)
        throw inputError(`asset ${asset.name} hashed to ${info.sha256} while storing, expected ${asset.sha256}`, {
          hint: 'the source changed while it was read; promote again',
        });
      stored.push({ name: asset.name, sha256: info.sha256, size: info.size });
    }
    await writeFileAtomic(join(dir, 'notes.md'), options.body);
    const meta: LocalVersionFile = {
      schema: 1,
      name: options.name,
      version: formatVersion(parseVersion(options.version)),
      tag,
      commit: options.commit,
      publishedAt: new Date().toISOString(),
      assets: stored,
    };
    await writeJsonAtomic(join(dir, 'version.json'), meta); // the publish step
    const record = await this.readVersion(options.name, options.version);
    if (!record) throw new Error(`version ${tag} vanished after publishing`);
    return record;
  }

  async readAsset(name: string, version: string, asset: string): Promise<Uint8Array> {
    const file = join(this.versionDir(name, version), 'version.json');
    const meta = parseVersionFile(await readFile(file, 'utf8'), file);
    const entry = meta.assets.find((a) => a.name === asset);
    if (!entry) throw inputError(`${versionTag(name, version)} has no asset "${asset}"`);
    // Raw bytes: the caller verifies them, so a tampered blob is reported the same way for every backend.
    return readFile(this.store.blobPath(entry.sha256));
  }

  async listAliases(name: string): Promise<string[]> {
    const gto = await this.gto(name);
    if (gto) return [...gto.aliases.keys()].sort();
    return (await list(join(this.modelDir(name), 'aliases'))).sort();
  }

  async aliasHistory(name: string, alias: string): Promise<AliasEvent[]> {
    const dir = this.aliasDir(name, alias);
    const gto = await this.gto(name);
    if (gto) return gto.aliases.get(alias) ?? [];
    const seqs = (await list(dir))
      .map((f) => /^([1-9]\d*)\.json$/.exec(f))
      .filter((m) => m)
      .map((m) => Number(m![1]));
    const events: AliasEvent[] = [];
    for (const seq of seqs.sort((a, b) => a - b)) {
      const file = join(dir, `${seq}.json`);
      let value: unknown;
      try {
        value = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw inputError(`alias event is not JSON: ${(error as Error).message}`, {
          file,
          hint: 'alias records are written by mlci; restore it from history or remove the damaged event',
        });
      }
      events.push(parseAliasEvent(value, file));
    }
    return events;
  }

  async appendAliasEvent(event: AliasEvent): Promise<void> {
    if (await this.gto(event.name)) throw gtoReadOnly(event.name, this.git!.dir);
    await this.lock(event.name, async () => {
      const history = await this.aliasHistory(event.name, event.alias);
      const newest = history.at(-1);
      if ((newest?.seq ?? 0) !== event.seq - 1)
        throw new AliasConflictError(event.alias, event.seq - 1, newest ? { seq: newest.seq, version: newest.version } : null);
      const dir = this.aliasDir(event.name, event.alias);
      await mkdir(dir, { recursive: true });
      // Written complete to a temp file, then hard-linked into place: link fails if the name exists, so even a
      // writer that broke a stale lock cannot overwrite an event.
      const temp = join(dir, `.${event.seq}.${randomBytes(6).toString('hex')}.tmp`);
      await writeFileAtomic(temp, JSON.stringify(event, null, 2) + '\n');
      try {
        await link(temp, join(dir, `${event.seq}.json`));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new AliasConflictError(event.alias, event.seq - 1, null);
        throw error;
      } finally {
        await rm(temp, { force: true });
      }
    });
  }
}

const DAMAGED =
  'registry records are written by mlci; restore the file from a backup or git history, or remove the version directory to drop that version';

/** version.json, checked: the registry's own file, but one a person (or a bad disk) can damage. */
function parseVersionFile(text: string, file: string): LocalVersionFile {
  let meta: LocalVersionFile;
  try {
    meta = JSON.parse(text);
  } catch (error) {
    throw inputError(`version record is not JSON: ${(error as Error).message}`, { file, hint: DAMAGED });
  }
  const ok =
    typeof meta === 'object' &&
    meta !== null &&
    typeof meta.name === 'string' &&
    typeof meta.version === 'string' &&
    typeof meta.tag === 'string' &&
    Array.isArray(meta.assets) &&
    meta.assets.every(
      (a) => typeof a?.name === 'string' && typeof a?.sha256 === 'string' && /^[0-9a-f]{64}$/.test(a.sha256) && typeof a?.size === 'number',
    );
  if (!ok)
    throw inputError('version record is malformed (expected name, version, tag and assets with name, sha256 and size)', {
      file,
      hint: DAMAGED,
    });
  return meta;
}

async function list(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => !f.startsWith('.'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
