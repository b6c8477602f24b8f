/**
 * mlci's registry as MLflow's Model Registry sees it: the implementation of `MlflowRegistryPort` (declared in
 * @mlci/store, below tracking and registry, which do not import each other). One session serves one training command.
 *
 * Semantics (packages/tracking/README.md has the endpoint table):
 * - A registered model is an mlci model (published versions) or one MLflow created with no version yet.
 * - MLflow version N is the N-th published version of the model in mlci's version order (ascending X.Y.Z).
 *   A version registered through MLflow gets the next minor version (`0.1.0`, `0.2.0`, …), so it is appended.
 * - What a script changes (models, versions, tags, descriptions, aliases) is held in the session and applied
 *   by `finish()` only when the run ended FINISHED: a FAILED or KILLED run leaves the registry as it was.
 *   A new version is published by `promote()` (card, SHA256SUMS, the run's files under its model directory);
 *   an alias moves by `assignAlias()` (mlci's compare-and-swap; gates are not required, as for
 *   `mlci models promote` without --require-gates).
 * - Published versions and alias history are permanent (GitHub releases and tags, or `.mlci/registry`):
 *   deleting or renaming them is refused with PERMISSION_DENIED; what the session itself created can be.
 * - MLflow-only fields (descriptions, tags, a model with no version yet) are kept in
 *   `<metadataDir>/<name>.json` (for the local registry `.mlci/registry/.mlflow/`).
 */
import { readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MlciError, sha256Hex, silentLogger, writeJsonAtomic, type Logger } from '@mlci/core';
import {
  LocalStore,
  type FinishReport,
  type MlflowPortErrorCode,
  type MlflowRegistryPort,
  type PortVersion,
  type RegisterRequest,
  type RunRecord,
  type Store,
} from '@mlci/store';
import { currentEvent } from './history';
import { LocalRegistry } from './local';
import { withLockFile } from './lock';
import { assertAlias, assertModelName, isModelName, nextVersion, versionTag } from './names';
import { assignAlias, promote } from './promote';
import { VersionExistsError } from './errors';
import type { RegistryBackend, VersionRecord } from './types';

/** An error the MLflow endpoint answers with `mlflowCode` and this message. */
export class MlflowPortError extends Error {
  constructor(
    readonly mlflowCode: MlflowPortErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const missingModel = (name: string) => new MlflowPortError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
const missingVersion = (name: string, n: number | string) =>
  new MlflowPortError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${n}) not found`);

/** One version in the session's view: the port's version without its aliases (the model holds those). */
interface VersionState extends Omit<PortVersion, 'aliases'> {
  record?: VersionRecord;
}

interface ModelState {
  name: string;
  description: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  tags: Record<string, string>;
  aliases: Map<string, number>;
  versions: VersionState[];
}

/** `<metadataDir>/<name>.json`: what MLflow keeps that mlci's registry has no field for. */
interface MetadataFile {
  schema: 1;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  tags: Record<string, string>;
  versions: Record<
    string,
    { description: string; tags: Record<string, string>; source: string; userId: string; createdAt: number; updatedAt: number }
  >;
}

export interface MlflowRegistryOptions {
  registry: RegistryBackend;
  /** Where the run record and its artifact blobs are read when a version is published. */
  store: Store;
  /** Directory of the MLflow-only metadata. @default `.mlci/registry/.mlflow` (the local registry's root, or the workspace's) */
  metadataDir?: string;
  /** Recorded as who promoted. @default $GITHUB_ACTOR, else the OS user */
  by?: string;
  logger?: Logger;
}

/** The port for one training command: `train({ modelRegistry: openMlflowRegistry({ registry, store }) })`. */
export function openMlflowRegistry(options: MlflowRegistryOptions): MlflowRegistrySession {
  return new MlflowRegistrySession(options);
}

/** The port over the local registry of `store`'s workspace (`.mlci/registry`): what `mlci train` and train-and-log use. */
export function localMlflowRegistry(store: Store, options: Omit<MlflowRegistryOptions, 'registry' | 'store'> = {}): MlflowRegistrySession {
  return openMlflowRegistry({ ...options, registry: new LocalRegistry({ store: workspaceOf(store) }), store });
}

/** The LocalStore a store keeps its files in: itself, or a GitHub store's workspace. */
function workspaceOf(store: Store): LocalStore {
  return store instanceof LocalStore ? store : (store as unknown as { workspace: LocalStore }).workspace;
}

export class MlflowRegistrySession implements MlflowRegistryPort {
  readonly location: string;
  private readonly metadataDir: string;
  private view: Map<string, ModelState> | null = null;
  private loading: Promise<Map<string, ModelState>> | null = null;
  /** Alias → number as loaded, per model: what finish() compares against. */
  private initialAliases = new Map<string, Map<string, number>>();
  private readonly dirty = new Set<string>();
  /** Metadata files to remove at finish (a metadata-only model deleted or renamed). */
  private readonly removed = new Set<string>();

  constructor(private readonly options: MlflowRegistryOptions) {
    this.location = options.registry.location;
    this.metadataDir =
      options.metadataDir ??
      (options.registry instanceof LocalRegistry
        ? join(options.registry.root, '.mlflow')
        : join(workspaceOf(options.store).root, 'registry', '.mlflow'));
  }

  // ---- reading ----

  async models() {
    const view = await this.load();
    return [...view.keys()].sort().map((n) => this.modelJson(view.get(n)!));
  }

  async model(name: string) {
    const found = (await this.load()).get(name);
    return found ? this.modelJson(found) : undefined;
  }

  async listFiles(name: string, mlciVersion: string) {
    await this.load();
    return this.published(name, mlciVersion).card.files.map((f) => ({ path: f.path, size: f.size }));
  }

  async readFile(name: string, mlciVersion: string, path: string): Promise<Uint8Array> {
    await this.load();
    const record = this.published(name, mlciVersion);
    const file = record.card.files.find((f) => f.path === path);
    if (!file) throw new MlflowPortError('RESOURCE_DOES_NOT_EXIST', `File ${path} not found in ${record.tag}`);
    const bytes = await this.options.registry.readAsset(name, record.version, file.asset);
    const actual = sha256Hex(bytes);
    if (actual !== file.sha256)
      throw new MlflowPortError(
        'INVALID_PARAMETER_VALUE',
        `${record.tag}: ${path} does not match its checksum (expected sha256 ${file.sha256}, got ${actual}); the stored asset was modified after it was registered`,
      );
    return bytes;
  }

  // ---- registered models ----

  async createModel(name: string, options: { description?: string; tags?: Record<string, string> }) {
    const view = await this.load();
    checkName(name);
    if (view.has(name)) throw new MlflowPortError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
    const now = Date.now();
    const model: ModelState = {
      name,
      description: options.description ?? '',
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      tags: { ...options.tags },
      aliases: new Map(),
      versions: [],
    };
    view.set(name, model);
    this.touch(model);
    return this.modelJson(model);
  }

  async updateModel(name: string, description: string) {
    const model = await this.need(name);
    model.description = description;
    this.touch(model);
    return this.modelJson(model);
  }

  async renameModel(name: string, newName: string) {
    const view = await this.load();
    const model = await this.need(name);
    if (newName === name) return this.modelJson(model);
    checkName(newName);
    if (model.versions.some((v) => v.mlciVersion))
      throw new MlflowPortError(
        'PERMISSION_DENIED',
        `mlci's registry cannot rename ${name}: its published versions are tagged ${versionTag(name, model.versions.find((v) => v.mlciVersion)!.mlciVersion!)}… and published versions are permanent. Register the model under the new name instead (mlci models promote ${newName} --run RUN).`,
      );
    if (view.has(newName)) throw new MlflowPortError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${newName}) already exists.`);
    view.delete(name);
    this.dirty.delete(name);
    this.removed.add(name);
    model.name = newName;
    for (const v of model.versions) v.name = newName;
    view.set(newName, model);
    this.removed.delete(newName);
    this.touch(model);
    return this.modelJson(model);
  }

  async deleteModel(name: string) {
    const model = await this.need(name);
    const published = model.versions.filter((v) => v.mlciVersion);
    if (published.length)
      throw new MlflowPortError(
        'PERMISSION_DENIED',
        `mlci's registry keeps published versions: ${name} has ${published.length} (${published.map((v) => `v${v.mlciVersion}`).join(', ')}) in ${this.location}, so it cannot be deleted. Move an alias with set_registered_model_alias or roll it back with mlci models rollback ${name}.`,
      );
    (await this.load()).delete(name);
    this.dirty.delete(name);
    this.removed.add(name);
  }

  async setModelTag(name: string, key: string, value: string) {
    const model = await this.need(name);
    model.tags[checkKey(key)] = value;
    this.touch(model);
  }

  async deleteModelTag(name: string, key: string) {
    const model = await this.need(name);
    if (!(key in model.tags)) throw new MlflowPortError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in model ${name}`);
    delete model.tags[key];
    this.touch(model);
  }

  // ---- model versions ----

  async createVersion(request: RegisterRequest) {
    const model = await this.need(request.name);
    const now = Date.now();
    const version: VersionState = {
      name: model.name,
      number: model.versions.length + 1,
      mlciVersion: null,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      description: request.description ?? '',
      source: request.source,
      runId: request.runId,
      userId: request.userId ?? '',
      tags: { ...request.tags },
      modelPath: request.modelPath.replace(/\/+$/, ''),
    };
    model.versions.push(version);
    model.lastUpdatedTimestamp = now;
    this.touch(model);
    return this.versionJson(model, version);
  }

  async updateVersion(name: string, number: number, description: string) {
    const { model, version } = await this.needVersion(name, number);
    version.description = description;
    version.lastUpdatedTimestamp = Date.now();
    this.touch(model);
    return this.versionJson(model, version);
  }

  async deleteVersion(name: string, number: number) {
    const { model, version } = await this.needVersion(name, number);
    if (version.mlciVersion)
      throw new MlflowPortError(
        'PERMISSION_DENIED',
        `mlci's registry keeps published versions: ${name} version ${number} is ${versionTag(name, version.mlciVersion)} in ${this.location} and cannot be deleted. Point the alias elsewhere (set_registered_model_alias) or roll it back (mlci models rollback ${name}).`,
      );
    if (number !== model.versions.length)
      throw new MlflowPortError(
        'PERMISSION_DENIED',
        `${name} version ${number} was registered by this run but a later version follows it; only the newest unpublished version can be deleted (version numbers are places in mlci's version order and stay gap-free).`,
      );
    model.versions.pop();
    for (const [alias, n] of model.aliases) if (n === number) model.aliases.delete(alias);
    this.touch(model);
  }

  async setVersionTag(name: string, number: number, key: string, value: string) {
    const { model, version } = await this.needVersion(name, number);
    version.tags[checkKey(key)] = value;
    this.touch(model);
  }

  async deleteVersionTag(name: string, number: number, key: string) {
    const { model, version } = await this.needVersion(name, number);
    delete version.tags[key];
    this.touch(model);
  }

  async setAlias(name: string, alias: string, number: number) {
    const { model } = await this.needVersion(name, number);
    try {
      assertAlias(alias);
    } catch (error) {
      throw new MlflowPortError('INVALID_PARAMETER_VALUE', `Invalid alias ${alias}: ${withHint(error)}`);
    }
    model.aliases.set(alias, number);
    this.touch(model);
  }

  async deleteAlias(name: string, alias: string) {
    const model = await this.need(name);
    if (!model.aliases.has(alias)) throw new MlflowPortError('INVALID_PARAMETER_VALUE', `Registered model alias ${alias} not found.`);
    const before = this.initialAliases.get(name)?.get(alias);
    if (before !== undefined)
      throw new MlflowPortError(
        'PERMISSION_DENIED',
        `mlci keeps every assignment of ${name}@${alias} as history (${this.location}), so the alias cannot be removed; point it at another version (set_registered_model_alias) or roll it back (mlci models rollback ${name} --alias ${alias}).`,
      );
    model.aliases.delete(alias);
    this.touch(model);
  }

  // ---- the end of the run ----

  async finish(record: RunRecord): Promise<FinishReport> {
    const report: FinishReport = { published: [], aliases: [] };
    if (!this.view || (!this.dirty.size && !this.removed.size)) return report;
    if (record.status !== 'FINISHED') {
      report.dropped = `run ${record.id} ended ${record.status}: the registry changes it made through MLflow (${[...this.dirty].join(', ') || 'deletions'}) were not applied`;
      (this.options.logger ?? silentLogger).warn(report.dropped);
      return report;
    }
    const { registry } = this.options;
    const log = this.options.logger ?? silentLogger;
    for (const name of [...this.dirty].sort()) {
      const model = this.view.get(name)!;
      for (const version of model.versions.filter((v) => !v.mlciVersion)) {
        if (version.runId !== record.id)
          throw new MlciError(
            'input',
            `${name} version ${version.number} names run ${version.runId}, not the run ${record.id} that ended`,
            {
              hint: 'register models from the run mlci records (the first top-level run of the script)',
            },
          );
        const result = await this.publish(name, record, version.modelPath + '/');
        version.mlciVersion = result.version;
        report.published.push({ name, number: version.number, tag: result.tag });
        log.info(`${name} version ${version.number} (registered through MLflow) published as ${result.tag}`);
      }
    }
    await withLockFile(join(this.metadataDir, '.lock'), async () => {
      for (const name of this.removed) if (!this.view!.has(name)) await rm(this.metaFile(name), { force: true });
      for (const name of this.dirty) await writeJsonAtomic(this.metaFile(name), await this.metadataOf(this.view!.get(name)!));
    });
    for (const name of [...this.dirty].sort()) {
      const model = this.view.get(name)!;
      for (const [alias, number] of model.aliases) {
        const initial = this.initialAliases.get(name)?.get(alias);
        if (initial === number) continue;
        // Compare-and-swap against what the script saw: an alias someone else moved meanwhile is not overwritten.
        const expected = initial === undefined ? null : (model.versions[initial - 1]?.mlciVersion ?? null);
        const holder = currentEvent(await registry.aliasHistory(name, alias))?.version ?? null;
        const target = model.versions[number - 1];
        if (holder === target.mlciVersion) continue;
        if (holder !== expected)
          throw new MlciError(
            'remote',
            `${name}@${alias} was moved to ${holder ? `v${holder}` : 'no version'} while run ${record.id} ran (it was ${expected ? `v${expected}` : 'unassigned'} when the script read it), so the run did not move it${report.published.length ? `; the run's versions are published (${report.published.map((p) => p.tag).join(', ')})` : ''}`,
            {
              hint: `move it deliberately if the run's version should win: mlci models promote ${name} --run ${record.id.slice(0, 8)} --alias ${alias}`,
            },
          );
        const moved = await assignAlias({ registry, name, version: target.mlciVersion!, alias, by: this.options.by });
        report.aliases.push({ name, alias, tag: moved.tag });
        log.info(`${name}@${alias} -> ${moved.tag}`);
      }
    }
    this.dirty.clear();
    this.removed.clear();
    return report;
  }

  // ---- internals ----

  /** The next free minor version, retried when a concurrent promotion takes it first. */
  private async publish(name: string, record: RunRecord, modelPath: string) {
    const { registry, store } = this.options;
    for (let attempt = 0; ; attempt++) {
      const version = nextVersion(await registry.takenVersions(name), 'minor');
      try {
        return await promote({ registry, store, name, run: record.id, alias: null, version, modelPath, promotedBy: this.options.by });
      } catch (error) {
        if (error instanceof VersionExistsError && attempt < 5) continue;
        throw error;
      }
    }
  }

  private metaFile = (name: string) => join(this.metadataDir, `${assertModelName(name)}.json`);

  private async metadataOf(model: ModelState): Promise<MetadataFile> {
    const versions: MetadataFile['versions'] = {};
    for (const v of model.versions) {
      if (!v.mlciVersion) continue;
      versions[v.mlciVersion] = {
        description: v.description,
        tags: v.tags,
        source: v.source,
        userId: v.userId,
        createdAt: v.creationTimestamp,
        updatedAt: v.lastUpdatedTimestamp,
      };
    }
    return {
      schema: 1,
      name: model.name,
      description: model.description,
      createdAt: model.creationTimestamp,
      updatedAt: model.lastUpdatedTimestamp,
      tags: model.tags,
      versions,
    };
  }

  private touch(model: ModelState): void {
    model.lastUpdatedTimestamp = Date.now();
    this.dirty.add(model.name);
  }

  private async need(name: string): Promise<ModelState> {
    const model = (await this.load()).get(name);
    if (!model) throw missingModel(name);
    return model;
  }

  private async needVersion(name: string, number: number) {
    const model = await this.need(name);
    const version = Number.isInteger(number) && number >= 1 ? model.versions[number - 1] : undefined;
    if (!version) throw missingVersion(name, number);
    return { model, version };
  }

  private published(name: string, mlciVersion: string): VersionRecord {
    const record = this.view?.get(name)?.versions.find((v) => v.mlciVersion === mlciVersion)?.record;
    if (!record)
      throw new MlflowPortError('RESOURCE_DOES_NOT_EXIST', `${name}@v${mlciVersion} is not a published version in ${this.location}`);
    if (record.source === 'gto')
      throw new MlflowPortError(
        'RESOURCE_DOES_NOT_EXIST',
        `${record.tag} was registered by a GTO tag alone: its files are in git at its commit, not in mlci's registry`,
      );
    return record;
  }

  private modelJson(model: ModelState) {
    return {
      name: model.name,
      description: model.description,
      creationTimestamp: model.creationTimestamp,
      lastUpdatedTimestamp: model.lastUpdatedTimestamp,
      tags: { ...model.tags },
      aliases: Object.fromEntries([...model.aliases].sort(([a], [b]) => (a < b ? -1 : 1))),
      versions: model.versions.map((v) => this.versionJson(model, v)),
    };
  }

  private versionJson(model: ModelState, v: VersionState) {
    const { record: _record, ...fields } = v;
    return {
      ...fields,
      tags: { ...v.tags },
      aliases: [...model.aliases]
        .filter(([, n]) => n === v.number)
        .map(([a]) => a)
        .sort(),
    };
  }

  private load(): Promise<Map<string, ModelState>> {
    if (this.view) return Promise.resolve(this.view);
    this.loading ??= this.read().then((view) => (this.view = view));
    return this.loading;
  }

  /** Every model: mlci's (published versions, aliases) with MLflow's metadata, and metadata-only ones. */
  private async read(): Promise<Map<string, ModelState>> {
    const { registry } = this.options;
    const metaNames = (await readdir(this.metadataDir).catch(() => [] as string[]))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .filter(isModelName);
    const names = [...new Set([...(await registry.listModels()), ...metaNames])].sort();
    const view = new Map<string, ModelState>();
    for (const name of names) {
      const meta = await this.readMeta(name);
      const records = await registry.listVersions(name);
      const versions: VersionState[] = records.map((r, i) => {
        const m = meta?.versions[r.version];
        // The time the script registered it (kept in the metadata), else the time mlci published it.
        const created = m?.createdAt ?? (Date.parse(r.card.promotedAt) || 0);
        return {
          name,
          number: i + 1,
          mlciVersion: r.version,
          creationTimestamp: created,
          lastUpdatedTimestamp: m?.updatedAt ?? created,
          description: m?.description ?? '',
          source: m?.source ?? `mlci-registry:/${r.tag}`,
          runId: r.card.runId,
          userId: m?.userId ?? '',
          tags: { ...m?.tags },
          modelPath: modelDirOf(r),
          record: r,
        };
      });
      const aliases = new Map<string, number>();
      for (const alias of await registry.listAliases(name)) {
        const event = currentEvent(await registry.aliasHistory(name, alias));
        const at = event ? records.findIndex((r) => r.version === event.version) : -1;
        if (at >= 0) aliases.set(alias, at + 1);
      }
      this.initialAliases.set(name, new Map(aliases));
      const created = meta?.createdAt ?? Math.min(...versions.map((v) => v.creationTimestamp), Date.now());
      view.set(name, {
        name,
        description: meta?.description ?? '',
        creationTimestamp: created,
        lastUpdatedTimestamp: Math.max(meta?.updatedAt ?? created, ...versions.map((v) => v.lastUpdatedTimestamp)),
        tags: { ...meta?.tags },
        aliases,
        versions,
      });
    }
    return view;
  }

  private async readMeta(name: string): Promise<MetadataFile | null> {
    const file = this.metaFile(name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let value: MetadataFile;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new MlciError('input', `MLflow metadata of model ${name} is not JSON: ${(error as Error).message}`, {
        file,
        hint: "the file is written by mlci; remove it to drop the model's MLflow descriptions and tags (its versions stay)",
      });
    }
    const ok =
      value &&
      typeof value === 'object' &&
      typeof value.description === 'string' &&
      typeof value.createdAt === 'number' &&
      value.tags &&
      typeof value.tags === 'object' &&
      value.versions &&
      typeof value.versions === 'object';
    if (!ok)
      throw new MlciError('input', `MLflow metadata of model ${name} is malformed (expected description, createdAt, tags, versions)`, {
        file,
        hint: "the file is written by mlci; remove it to drop the model's MLflow descriptions and tags (its versions stay)",
      });
    return value;
  }
}

/** The directory that holds the version's MLmodel (its files keep their run paths, e.g. `model/MLmodel`). */
function modelDirOf(record: VersionRecord): string {
  const mlmodel = record.card.files
    .map((f) => f.path)
    .filter((p) => p === 'MLmodel' || p.endsWith('/MLmodel'))
    .sort((a, b) => a.length - b.length)[0];
  return mlmodel ? mlmodel.slice(0, -'MLmodel'.length).replace(/\/$/, '') : (record.card.files[0]?.path.split('/')[0] ?? '');
}

function checkName(name: string): void {
  if (!name) throw new MlflowPortError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'name'.");
  try {
    assertModelName(name);
  } catch (error) {
    throw new MlflowPortError('INVALID_PARAMETER_VALUE', `Invalid model name '${name}' for mlci's registry: ${withHint(error)}`);
  }
}

function checkKey(key: string): string {
  if (!key) throw new MlflowPortError('INVALID_PARAMETER_VALUE', "Missing value for required parameter 'key'.");
  return key;
}

const withHint = (error: unknown) =>
  error instanceof MlciError ? `${error.message}${error.hint ? ` (${error.hint})` : ''}` : String((error as Error)?.message ?? error);
