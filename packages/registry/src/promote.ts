import { userInfo } from 'node:os';
import { inputError, sha256Hex, silentLogger, type Logger } from '@mlci/core';
import type { RunRecord, Store } from '@mlci/store';
import { assetNameFor, buildCard, renderCardMarkdown, renderSha256Sums } from './card';
import { AliasConflictError, VersionExistsError } from './errors';
import { checkGates, gatesFromRun } from './gates';
import { currentEvent, promotionEvent, rollbackEvent } from './history';
import { assertAlias, assertModelName, formatVersion, nextVersion, parseVersion, versionTag, type Bump } from './names';
import type { AliasEvent, GateResult, ModelFile, PendingAsset, RegistryBackend, VersionRecord } from './types';

export interface PromoteOptions {
  /** Where versions and aliases are written. */
  registry: RegistryBackend;
  /** Where the run record and its artifact blobs are read. */
  store: Store;
  /** Registered model name (letters, digits, `-`, `_`). */
  name: string;
  /** Run id, unique id prefix (≥ 4 chars) or unique run name. The run must be FINISHED. */
  run: string;
  /**
   * Alias to move to the new version; `null` registers the version without moving any alias.
   * @default 'champion'
   */
  alias?: string | null;
  /** Explicit version ("1.2.0" or "v1.2.0"); must not exist yet. @default next version by `bump` */
  version?: string;
  /** How the next version is derived from the highest existing one. Ignored with `version`. @default 'minor' */
  bump?: Bump;
  /** Refuse unless gate results exist and none failed. @default false */
  requireGates?: boolean;
  /** Gate results read from result files (run tags `mlci.gate.*` are added automatically). @default [] */
  gates?: GateResult[];
  /** Prefix of the run's artifact paths that make up the model (an MLflow model directory). @default 'model/' */
  modelPath?: string;
  /** Recorded in the card and alias event. @default $GITHUB_ACTOR, else the OS user */
  promotedBy?: string;
  /** The version tag `name@v<version>` was pushed by a person at the run's commit: register under it. @default false */
  adoptTag?: boolean;
  /** Progress messages. @default silent */
  logger?: Logger;
}

export interface PromoteResult {
  name: string;
  version: string;
  tag: string;
  runId: string;
  /** The alias moved, or null when none was asked for. */
  alias: string | null;
  /** The version that held the alias before (null when it had none or no alias was moved). */
  previous: string | null;
  /** True when the run was already registered with the same files, so that version was reused. */
  reused: boolean;
  /** The alias event appended (null when no alias moved or it already held this version). */
  event: AliasEvent | null;
  url: string;
  backend: 'local' | 'github';
}

export const defaultActor = () => process.env.GITHUB_ACTOR || safeUser();
function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The run's model files: its artifacts under `modelPath`. */
export function modelFilesOf(run: RunRecord, modelPath = 'model/'): Array<{ path: string; sha256: string; size: number }> {
  const prefix = modelPath.endsWith('/') ? modelPath : `${modelPath}/`;
  const files = run.artifacts.filter((a) => a.path.startsWith(prefix));
  if (!files.length) {
    const seen = run.artifacts.slice(0, 8).map((a) => a.path);
    throw inputError(`run ${run.id} has no model artifacts under "${prefix}"`, {
      hint: seen.length
        ? `its artifacts are: ${seen.join(', ')}; log the model with mlflow.<flavor>.log_model(..., name="model") or pass --model-path`
        : 'the run logged no artifacts; log the model with mlflow.<flavor>.log_model(..., name="model")',
    });
  }
  return files;
}

/** Asserts a listed version holds every file its card names, plus card.json, card.md and SHA256SUMS (a GTO-registered version holds none). */
export function assertComplete(record: VersionRecord): void {
  // A version GTO registered (a tag, no release) has its files in git at its commit, none stored by mlci.
  if (record.source === 'gto') return;
  const have = new Set(record.assets.map((a) => a.name));
  const want = [...record.card.files.map((f) => f.asset), 'card.json', 'card.md', 'SHA256SUMS'];
  const missing = want.filter((n) => !have.has(n));
  if (missing.length)
    throw inputError(`${record.tag} is incomplete: missing ${missing.join(', ')}`, {
      hint: 'an alias never points to an incomplete version; register it again',
    });
}

async function resolveVersion(registry: RegistryBackend, name: string, version: string): Promise<VersionRecord> {
  const found = (await registry.listVersions(name)).find((v) => v.version === version);
  if (!found) throw inputError(`${versionTag(name, version)} is not a published version in ${registry.location}`);
  assertComplete(found);
  return found;
}

/**
 * Appends an alias event built from `current` (the state the caller decided on). A lost race is reported with
 * the winner, and `detail` says what this call did manage (e.g. "v1.3.0 is registered").
 */
async function moveAlias(registry: RegistryBackend, event: AliasEvent, detail: string): Promise<void> {
  try {
    await registry.appendAliasEvent(event);
  } catch (error) {
    if (!(error instanceof AliasConflictError)) throw error;
    const winner = currentEvent(await registry.aliasHistory(event.name, event.alias));
    throw new AliasConflictError(event.alias, event.seq - 1, winner ? { seq: winner.seq, version: winner.version } : null, detail);
  }
}

/**
 * Registers the run's model as a new version (model files, card.json, card.md, SHA256SUMS; published only
 * once all are stored) and moves `alias` to it with a compare-and-swap against the holder read at the start.
 */
export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const { registry, store } = options;
  const log = options.logger ?? silentLogger;
  const name = assertModelName(options.name);
  const alias = options.alias === null ? null : assertAlias(options.alias ?? 'champion');
  const run = await store.getRun(options.run);
  if (run.status !== 'FINISHED')
    throw inputError(`run ${run.id} is ${run.status}; only FINISHED runs can be promoted`, {
      hint: 'promote a run that completed successfully (`mlci runs` lists them)',
    });
  const gates = [...gatesFromRun(run), ...(options.gates ?? [])];
  checkGates(gates, options.requireGates ?? false, run.id);
  const files = modelFilesOf(run, options.modelPath);

  // The CAS base: the holder we decide against. Read before any upload, so a promotion that starts after ours
  // read the alias and finishes first makes ours lose rather than silently overwrite it.
  const history = alias ? await registry.aliasHistory(name, alias) : [];
  const before = currentEvent(history);
  const by = options.promotedBy ?? defaultActor();

  const existing = (await registry.listVersions(name)).find(
    (v) =>
      v.card.runId === run.id &&
      sameFiles(v.card.files, files) &&
      (!options.version || v.version === formatVersion(parseVersion(options.version))),
  );
  let record: VersionRecord;
  let reused = false;
  if (existing) {
    log.info(`run ${run.id} is already registered as ${existing.tag}; reusing it`);
    assertComplete(existing);
    record = existing;
    reused = true;
  } else {
    record = await registerVersion({
      registry,
      store,
      name,
      run,
      files,
      gates,
      by,
      version: options.version,
      bump: options.bump ?? 'minor',
      adoptTag: options.adoptTag,
      log,
    });
  }

  let event: AliasEvent | null = null;
  if (alias && before?.version !== record.version) {
    event = promotionEvent(history, { name, alias, version: record.version, runId: run.id, cardSha256: record.cardSha256, by });
    await moveAlias(registry, event, `${record.tag} is registered, but ${alias} does not point to it`);
    log.info(`${name}@${alias}: ${before ? `v${before.version} -> ` : ''}v${record.version}`);
  } else if (alias) log.info(`${name}@${alias} already points to v${record.version}`);
  return {
    name,
    version: record.version,
    tag: record.tag,
    runId: run.id,
    alias,
    previous: event ? event.previous : null,
    reused,
    event,
    url: record.url,
    backend: registry.kind,
  };
}

function sameFiles(a: ModelFile[], b: Array<{ path: string; sha256: string }>): boolean {
  const key = (xs: Array<{ path: string; sha256: string }>) =>
    xs
      .map((f) => `${f.sha256} ${f.path}`)
      .sort()
      .join('\n');
  return key(a) === key(b);
}

async function registerVersion(args: {
  registry: RegistryBackend;
  store: Store;
  name: string;
  run: RunRecord;
  files: Array<{ path: string; sha256: string; size: number }>;
  gates: GateResult[];
  by: string;
  version?: string;
  bump: Bump;
  adoptTag?: boolean;
  log: Logger;
}): Promise<VersionRecord> {
  const { registry, store, name, run } = args;
  const taken = new Set<string>();
  const modelFiles: ModelFile[] = args.files.map((f) => ({
    path: f.path,
    asset: assetNameFor(f.path, taken),
    sha256: f.sha256,
    size: f.size,
  }));
  // With an explicit version a clash is the user's to resolve; an automatic one retries with the next number
  // (a concurrent promotion took it between our read and our publish).
  for (let attempt = 0; ; attempt++) {
    const version = args.version ? formatVersion(parseVersion(args.version)) : nextVersion(await registry.takenVersions(name), args.bump);
    const card = buildCard({ name, version, run, files: modelFiles, gates: args.gates, promotedBy: args.by });
    const cardJson = JSON.stringify(card, null, 2) + '\n';
    const cardMd = renderCardMarkdown(card);
    const sums = renderSha256Sums([
      ...modelFiles.map((f) => ({ path: f.path, sha256: f.sha256 })),
      { path: 'card.json', sha256: sha256Hex(cardJson) },
      { path: 'card.md', sha256: sha256Hex(cardMd) },
    ]);
    const assets: PendingAsset[] = [
      ...modelFiles.map((f) => ({ name: f.asset, sha256: f.sha256, size: f.size, read: () => store.getBlob(f.sha256) })),
      textAsset('card.json', cardJson),
      textAsset('card.md', cardMd),
      textAsset('SHA256SUMS', sums),
    ];
    args.log.info(`registering ${versionTag(name, version)} from run ${run.id} (${modelFiles.length} model files)`);
    try {
      return await registry.publishVersion({
        name,
        version,
        commit: run.lineage.git.commit,
        body: cardMd,
        assets,
        adoptTag: args.adoptTag,
      });
    } catch (error) {
      if (error instanceof VersionExistsError && !args.version && attempt < 5) continue;
      throw error;
    }
  }
}

function textAsset(name: string, text: string): PendingAsset {
  const bytes = Buffer.from(text);
  return { name, sha256: sha256Hex(bytes), size: bytes.length, read: async () => bytes };
}

export interface AssignOptions {
  registry: RegistryBackend;
  name: string;
  /** An existing published version ("1.2.0" or "v1.2.0"). */
  version: string;
  /** @default 'champion' */
  alias?: string;
  /** @default $GITHUB_ACTOR, else the OS user */
  by?: string;
}

/** Points an alias at an already published version (e.g. when a person publishes a release mlci registered). */
export async function assignAlias(options: AssignOptions): Promise<PromoteResult> {
  const name = assertModelName(options.name);
  const alias = assertAlias(options.alias ?? 'champion');
  const record = await resolveVersion(options.registry, name, formatVersion(parseVersion(options.version)));
  const history = await options.registry.aliasHistory(name, alias);
  const before = currentEvent(history);
  let event: AliasEvent | null = null;
  if (before?.version !== record.version) {
    event = promotionEvent(history, {
      name,
      alias,
      version: record.version,
      runId: record.card.runId,
      cardSha256: record.cardSha256,
      by: options.by ?? defaultActor(),
    });
    await moveAlias(options.registry, event, 'the alias was not moved');
  }
  return {
    name,
    version: record.version,
    tag: record.tag,
    runId: record.card.runId,
    alias,
    previous: event?.previous ?? null,
    reused: true,
    event,
    url: record.url,
    backend: options.registry.kind,
  };
}

export interface RollbackOptions {
  registry: RegistryBackend;
  name: string;
  /** @default 'champion' */
  alias?: string;
  /** @default $GITHUB_ACTOR, else the OS user */
  by?: string;
}

export interface RollbackResult {
  name: string;
  alias: string;
  /** The version the alias points to now. */
  version: string;
  /** The version it pointed to before the rollback. */
  previous: string;
  event: AliasEvent;
  backend: 'local' | 'github';
}

/** Moves the alias back to its holder before the current assignment (CAS like promote). */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const name = assertModelName(options.name);
  const alias = assertAlias(options.alias ?? 'champion');
  const history = await options.registry.aliasHistory(name, alias);
  if (!history.length)
    throw inputError(`${name}@${alias} has never been assigned, so there is nothing to roll back`, {
      hint: `promote a version first: \`mlci models promote ${name} --run RUN --alias ${alias}\``,
    });
  const event = rollbackEvent(history, options.by ?? defaultActor());
  await resolveVersion(options.registry, name, event.version);
  await moveAlias(options.registry, event, 'the rollback was not applied');
  return { name, alias, version: event.version, previous: event.previous!, event, backend: options.registry.kind };
}

/**
 * The run that produced `commit`: the newest FINISHED run whose lineage names that commit (a full SHA or a
 * prefix of at least 7 characters). Used when a pushed version tag or a published release triggers promotion.
 */
export async function runForCommit(store: Store, commit: string): Promise<RunRecord> {
  if (!/^[0-9a-f]{7,40}$/.test(commit)) throw inputError(`"${commit}" is not a commit SHA`);
  const found = await store.findRun({ commit });
  if (!found) {
    throw inputError(`no FINISHED run was recorded at commit ${commit.slice(0, 12)}`, {
      hint:
        store.backend === 'github'
          ? 'none in this job, nor in the mlci-run-* artifacts of a successful push workflow run of that commit: push the commit to the default branch first so ml-checks (pull-request-checks.yml) records its run, wait for it to succeed, then push the tag; or dispatch this workflow with input `run`'
          : 'train at that commit first (`mlci run` or `mlci train`), or pass the run id explicitly',
    });
  }
  return found.run;
}
