import { link, mkdir, mkdtemp, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join, resolve, basename } from 'node:path';
import { fileError, hashFile, inputError, isSafeRelativePath, sha256Hex, writeFileAtomic } from '@mlci/core';
import { parseSha256Sums } from './card';
import { currentEvent } from './history';
import { assertAlias, assertModelName, parseModelRef, type ModelRef } from './names';
import { assertComplete } from './promote';
import type { AliasEvent, ModelCard, RegistryBackend, VersionRecord } from './types';

/** Current holder of every alias of `name`. */
async function aliasHolders(registry: RegistryBackend, name: string): Promise<Map<string, AliasEvent>> {
  const out = new Map<string, AliasEvent>();
  for (const alias of await registry.listAliases(name)) {
    const current = currentEvent(await registry.aliasHistory(name, alias));
    if (current) out.set(alias, current);
  }
  return out;
}

export interface ResolvedVersion {
  record: VersionRecord;
  /** The alias event that named it, when the ref was `NAME@ALIAS`. */
  via: AliasEvent | null;
}

/** Finds the version a ref names; throws an input error naming what exists when it names nothing. */
export async function resolveRef(registry: RegistryBackend, ref: string | ModelRef): Promise<ResolvedVersion> {
  const parsed = typeof ref === 'string' ? parseModelRef(ref) : ref;
  const versions = await registry.listVersions(parsed.name);
  if (!versions.length)
    throw inputError(`no versions of model "${parsed.name}" in ${registry.location}`, {
      hint: 'register one with `mlci models promote NAME --run RUN`; `mlci models list` shows what exists',
    });
  if ('latest' in parsed) return { record: versions[versions.length - 1], via: null };
  if ('version' in parsed) {
    const found = versions.find((v) => v.version === parsed.version);
    if (!found)
      throw inputError(`${parsed.name}@v${parsed.version} does not exist`, {
        hint: `versions: ${versions.map((v) => `v${v.version}`).join(', ')}`,
      });
    return { record: found, via: null };
  }
  const event = currentEvent(await registry.aliasHistory(parsed.name, parsed.alias));
  if (!event) {
    const aliases = await registry.listAliases(parsed.name);
    throw inputError(`${parsed.name} has no alias "${parsed.alias}"`, {
      hint: aliases.length
        ? `aliases: ${aliases.join(', ')}`
        : `promote a version: \`mlci models promote ${parsed.name} --run RUN --alias ${parsed.alias}\``,
    });
  }
  const found = versions.find((v) => v.version === event.version);
  if (!found)
    throw inputError(`${parsed.name}@${parsed.alias} points to v${event.version}, which is not a published version`, {
      hint: 'the registry was edited by hand; roll the alias back or promote again',
    });
  return { record: found, via: event };
}

export interface ShownVersion {
  name: string;
  version: string;
  tag: string;
  runId: string;
  commit: string | null;
  /** Aliases that point to this version now. */
  aliases: string[];
  /** Every file of the version with its SHA-256 (model files, card.json, card.md, SHA256SUMS). */
  assets: Array<{ name: string; path: string; sha256: string; size: number }>;
  metrics: Record<string, number>;
  card: ModelCard;
  url: string;
  backend: 'local' | 'github';
  /** 'gto': registered by a GTO tag alone (`gto register`): no files, the card made from the tag. */
  source: 'mlci' | 'gto';
}

/** What `mlci models show NAME@ALIAS|NAME@vX.Y.Z --json` prints. */
export async function showVersion(registry: RegistryBackend, ref: string): Promise<ShownVersion> {
  const { record } = await resolveRef(registry, ref);
  const holders = await aliasHolders(registry, record.name);
  // A version GTO registered by a tag alone has no files stored: the card says what the tag says.
  const gto = record.source === 'gto';
  let assets: ShownVersion['assets'] = [];
  if (!gto) {
    const sums = parseSha256Sums(Buffer.from(await registry.readAsset(record.name, record.version, 'SHA256SUMS')).toString('utf8'));
    const sizes = new Map(record.assets.map((a) => [a.name, a.size]));
    assets = [
      ...record.card.files.map((f) => ({ name: f.asset, path: f.path, sha256: f.sha256, size: f.size })),
      ...['card.json', 'card.md'].map((n) => ({
        name: n,
        path: n,
        sha256: n === 'card.json' ? record.cardSha256 : (sums.get(n) ?? ''),
        size: sizes.get(n) ?? 0,
      })),
    ];
  }
  return {
    name: record.name,
    version: record.version,
    tag: record.tag,
    runId: record.card.runId,
    commit: record.card.commit,
    aliases: aliasesOf(holders, record.version),
    assets,
    metrics: record.card.metrics,
    card: record.card,
    url: record.url,
    backend: registry.kind,
    source: gto ? 'gto' : 'mlci',
  };
}

const aliasesOf = (holders: Map<string, AliasEvent>, version: string) =>
  [...holders]
    .filter(([, e]) => e.version === version)
    .map(([a]) => a)
    .sort();

export interface ListedModel {
  name: string;
  /** Alias -> version it points to now. */
  aliases: Record<string, string>;
  versions: Array<{
    version: string;
    tag: string;
    runId: string;
    promotedAt: string;
    aliases: string[];
    metrics: Record<string, number>;
    /** 'gto': registered by a GTO tag alone (no run, no files). */
    source: 'mlci' | 'gto';
  }>;
}

/** What `mlci models list [NAME] --json` prints: models with their versions (ascending) and aliases. */
export async function listModels(registry: RegistryBackend, name?: string): Promise<ListedModel[]> {
  const names = name ? [assertModelName(name)] : await registry.listModels();
  const out: ListedModel[] = [];
  for (const n of names) {
    const holders = await aliasHolders(registry, n);
    const aliases = Object.fromEntries([...holders].map(([a, e]) => [a, e.version]));
    const versions = (await registry.listVersions(n)).map((v) => ({
      version: v.version,
      tag: v.tag,
      runId: v.card.runId,
      promotedAt: v.card.promotedAt,
      aliases: Object.keys(aliases)
        .filter((a) => aliases[a] === v.version)
        .sort(),
      metrics: v.card.metrics,
      source: v.source ?? 'mlci',
    }));
    if (name && !versions.length)
      throw inputError(`no versions of model "${n}" in ${registry.location}`, { hint: '`mlci models list` shows every model' });
    out.push({ name: n, aliases, versions });
  }
  return out;
}

export interface Champion {
  version: string;
  runId: string;
  metrics: Record<string, number>;
  card: ModelCard;
}

/** The version an alias points to (champion by default), or null when the model or alias has none. */
export async function getChampion(registry: RegistryBackend, name: string, options: { alias?: string } = {}): Promise<Champion | null> {
  const alias = assertAlias(options.alias ?? 'champion');
  const event = currentEvent(await registry.aliasHistory(assertModelName(name), alias));
  if (!event) return null;
  const record = (await registry.listVersions(name)).find((v) => v.version === event.version);
  if (!record) return null;
  return { version: record.version, runId: record.card.runId, metrics: record.card.metrics, card: record.card };
}

export interface DownloadResult {
  name: string;
  version: string;
  tag: string;
  /** Absolute directory the files were written to. */
  to: string;
  files: Array<{ path: string; sha256: string; size: number }>;
}

/**
 * Downloads a version into `to` (model files at their paths, plus card.json, card.md, SHA256SUMS). Every file
 * is written to a temp directory beside `to` and checked against card.json and SHA256SUMS (and card.json against
 * the alias event when the ref names an alias) before anything is moved into `to`: a mismatch writes nothing.
 */
export async function downloadVersion(registry: RegistryBackend, ref: string, to: string): Promise<DownloadResult> {
  const { record, via } = await resolveRef(registry, ref);
  if (record.source === 'gto')
    throw inputError(`${record.tag} was registered by GTO (a git tag, no release): mlci stored no files for it`, {
      hint: `its files are in git at commit ${String(record.card.commit).slice(0, 12)} (\`git checkout ${record.tag}\`); promote a run to register a version mlci can download`,
    });
  assertComplete(record);
  const target = resolve(to);
  const read = (asset: string) => registry.readAsset(record.name, record.version, asset).then((b) => Buffer.from(b));
  const tampered = (what: string, expected: string, actual: string) =>
    inputError(`${record.tag}: ${what} does not match its checksum (expected sha256 ${expected}, got ${actual}); nothing was written`, {
      hint: 'the stored asset was modified or corrupted after it was registered; do not use it: re-register the model from its run',
    });

  const cardBytes = await read('card.json');
  if (sha256Hex(cardBytes) !== record.cardSha256) throw tampered('card.json', record.cardSha256, sha256Hex(cardBytes));
  if (via && via.cardSha256 !== record.cardSha256)
    throw tampered(`card.json (as pinned by ${record.name}@${via.alias} #${via.seq})`, via.cardSha256, record.cardSha256);
  const sumsBytes = await read('SHA256SUMS');
  const sums = parseSha256Sums(sumsBytes.toString('utf8'));
  if (sums.get('card.json') !== record.cardSha256)
    throw tampered('SHA256SUMS entry for card.json', record.cardSha256, sums.get('card.json') ?? 'nothing');

  const wanted = [
    ...record.card.files.map((f) => ({ path: f.path, asset: f.asset, sha256: f.sha256 })),
    { path: 'card.md', asset: 'card.md', sha256: sums.get('card.md') ?? '' },
  ];
  for (const f of wanted) {
    if (!isSafeRelativePath(f.path))
      throw inputError(`${record.tag}: card.json names an unsafe path "${f.path}"`, {
        hint: 'refusing to write outside the download directory',
      });
    if (sums.get(f.path) !== f.sha256) throw tampered(`SHA256SUMS entry for ${f.path}`, f.sha256, sums.get(f.path) ?? 'nothing');
  }

  await mkdir(dirname(target), { recursive: true });
  const temp = await mkdtemp(join(dirname(target), `.${basename(target)}.partial-`));
  try {
    const files: DownloadResult['files'] = [];
    for (const f of wanted) {
      const bytes = await read(f.asset);
      const actual = sha256Hex(bytes);
      if (actual !== f.sha256) throw tampered(f.path, f.sha256, actual);
      await writeFileAtomic(join(temp, f.path), bytes);
      files.push({ path: f.path, sha256: actual, size: bytes.length });
    }
    await writeFileAtomic(join(temp, 'card.json'), cardBytes);
    await writeFileAtomic(join(temp, 'SHA256SUMS'), sumsBytes);
    files.push(
      { path: 'card.json', sha256: record.cardSha256, size: cardBytes.length },
      { path: 'SHA256SUMS', sha256: sha256Hex(sumsBytes), size: sumsBytes.length },
    );
    await moveInto(temp, target, files);
    return { name: record.name, version: record.version, tag: record.tag, to: target, files };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/**
 * Moves verified files from `temp` into `target`: the whole directory when `target` is absent or empty.
 * Into a directory that has files, a same-named file with the same bytes is kept and one with other bytes
 * refuses the whole download before anything is moved: a download never overwrites a user's file.
 */
async function moveInto(temp: string, target: string, files: { path: string; sha256: string }[]): Promise<void> {
  const existing = await stat(target).then(
    (s) => s,
    () => null,
  );
  if (existing && !existing.isDirectory()) throw inputError(`${target} exists and is not a directory`, { hint: 'pass --to a directory' });
  if (existing && (await readdir(target)).length === 0) await rmdir(target);
  if (
    !existing ||
    !(await stat(target).then(
      () => true,
      () => false,
    ))
  ) {
    await rename(temp, target);
    await mkdir(temp); // so the caller's cleanup has something to remove
    return;
  }
  const toMove: string[] = [];
  const conflicts: string[] = [];
  for (const { path, sha256 } of files) {
    const destination = join(target, ...path.split('/'));
    const present = await stat(destination).catch(() => null);
    if (!present) toMove.push(path);
    else if (
      !present.isFile() ||
      (await hashFile(destination).catch((error) => Promise.reject(fileError(destination, error)))).sha256 !== sha256
    )
      conflicts.push(path);
  }
  if (conflicts.length) {
    throw inputError(
      `${target} already has ${conflicts.length} of the model's files with other content: ${conflicts.slice(0, 5).join(', ')}${conflicts.length > 5 ? ', …' : ''}; nothing was written`,
      {
        hint: 'download into an empty or new directory (--to), or move those files away first',
      },
    );
  }
  for (const path of toMove) {
    const destination = join(target, ...path.split('/'));
    await mkdir(dirname(destination), { recursive: true });
    // link() refuses a file that appeared meanwhile, where rename() would replace it.
    await link(join(temp, ...path.split('/')), destination).catch((error) => {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw inputError('appeared during the download; not overwritten', {
          file: destination,
          hint: 'download again into an empty directory',
        });
      throw fileError(destination, error, 'write');
    });
  }
}
