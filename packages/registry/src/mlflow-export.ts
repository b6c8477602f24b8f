import { MlciError, inputError } from '@mlci/core';
import { assertModelName } from './names';
import { resolveRef } from './query';
import { currentEvent } from './history';
import type { RegistryBackend } from './types';

export interface MlflowExportOptions {
  registry: RegistryBackend;
  /** `NAME@ALIAS`, `NAME@vX.Y.Z` or `NAME` (latest). */
  ref: string;
  /** MLflow tracking server, e.g. http://127.0.0.1:5000 (its REST API under /api/2.0/mlflow). */
  trackingUri: string;
  /** Registered model name in MLflow. @default the mlci model name */
  mlflowName?: string;
  /**
   * Model version `source` recorded in MLflow. MLflow refuses local paths that are not inside a run of its
   * own, so the default is the version's URL: the release page on GitHub, `mlci-local:///NAME@vX.Y.Z` locally.
   */
  source?: string;
  /** Aliases to set in MLflow. @default every mlci alias that points to this version now */
  aliases?: string[];
  /** Extra request headers (e.g. Authorization for a hosted server). @default none */
  headers?: Record<string, string>;
  /** Per-request timeout. @default 30000 ms */
  timeoutMs?: number;
}

export interface MlflowExportResult {
  name: string;
  version: string;
  mlflowName: string;
  /** MLflow's version number (a string of an integer, as MLflow returns it). */
  mlflowVersion: string;
  /** True when a model version with this mlci version tag already existed, so none was created. */
  existed: boolean;
  aliases: string[];
  source: string;
}

interface MlflowModelVersion {
  version: string;
  tags?: Array<{ key: string; value: string }>;
}

/**
 * Exports one registered version to an MLflow model registry over its REST API: registered-models/create
 * (tolerating RESOURCE_ALREADY_EXISTS), model-versions/create with the source and mlci.* tags (card hash, run id,
 * metrics), then registered-models/alias for each alias. Idempotent: rerunning finds the version by its
 * `mlci.version` tag and only re-points the aliases.
 */
export async function exportToMlflow(options: MlflowExportOptions): Promise<MlflowExportResult> {
  const { record } = await resolveRef(options.registry, options.ref);
  const mlflowName = options.mlflowName ?? record.name;
  const base = options.trackingUri.replace(/\/+$/, '') + '/api/2.0/mlflow';
  if (!/^https?:\/\//.test(base))
    throw inputError(`MLflow tracking URI must be http(s), got "${options.trackingUri}"`, { hint: 'e.g. http://127.0.0.1:5000' });
  const call = (method: 'GET' | 'POST', path: string, body?: unknown) => mlflowRequest(base, method, path, body, options);

  let aliases = options.aliases;
  if (!aliases) {
    aliases = [];
    for (const alias of await options.registry.listAliases(assertModelName(record.name))) {
      if (currentEvent(await options.registry.aliasHistory(record.name, alias))?.version === record.version) aliases.push(alias);
    }
  }
  const source = options.source ?? (record.url.startsWith('http') ? record.url : `mlci-local:///${record.tag}`);

  const created = await call('POST', '/registered-models/create', {
    name: mlflowName,
    description: `Exported from mlci (${options.registry.kind} registry ${options.registry.location})`,
  });
  if (!created.ok && created.json?.error_code !== 'RESOURCE_ALREADY_EXISTS') throw remote('registered-models/create', created);

  const filter = encodeURIComponent(`name='${mlflowName.replace(/'/g, "\\'")}'`);
  const search = await call('GET', `/model-versions/search?filter=${filter}&max_results=1000`);
  if (!search.ok) throw remote('model-versions/search', search);
  const found = ((search.json?.model_versions ?? []) as MlflowModelVersion[]).find((v) =>
    v.tags?.some((t) => t.key === 'mlci.version' && t.value === record.version),
  );

  let mlflowVersion: string;
  if (found) mlflowVersion = found.version;
  else {
    const tags = [
      { key: 'mlci.version', value: record.version },
      { key: 'mlci.tag', value: record.tag },
      { key: 'mlci.run_id', value: record.card.runId },
      { key: 'mlci.card_sha256', value: record.cardSha256 },
      ...(record.card.commit ? [{ key: 'mlci.commit', value: record.card.commit }] : []),
      ...Object.entries(record.card.metrics)
        .slice(0, 50)
        .map(([k, v]) => ({ key: `mlci.metric.${k}`, value: String(v) })),
    ];
    const mv = await call('POST', '/model-versions/create', {
      name: mlflowName,
      source,
      tags,
      description: `${record.tag} from run ${record.card.runId}`,
    });
    if (!mv.ok) throw remote('model-versions/create', mv);
    mlflowVersion = String(mv.json?.model_version?.version);
  }
  for (const alias of aliases) {
    const set = await call('POST', '/registered-models/alias', { name: mlflowName, alias, version: mlflowVersion });
    if (!set.ok) throw remote(`registered-models/alias (${alias})`, set);
  }
  return { name: record.name, version: record.version, mlflowName, mlflowVersion, existed: Boolean(found), aliases, source };
}

/** The fields of MLflow's JSON answers this export reads; anything else is ignored. */
type MlflowJson = {
  error_code?: string;
  message?: string;
  model_versions?: unknown[];
  model_version?: { version: string | number };
} | null;

async function mlflowRequest(base: string, method: 'GET' | 'POST', path: string, body: unknown, options: MlflowExportOptions) {
  let response: Response;
  try {
    response = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', ...options.headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new MlciError('remote', `cannot reach the MLflow server at ${options.trackingUri}: ${(error as Error).message}`, {
      hint: 'check --tracking-uri and that `mlflow server` is running',
      cause: error,
    });
  }
  const text = await response.text();
  let json: MlflowJson = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status and text say what happened
  }
  return { ok: response.ok, status: response.status, json, text };
}

const remote = (what: string, r: { status: number; json: MlflowJson; text: string }) =>
  new MlciError('remote', `MLflow ${what} failed with HTTP ${r.status}: ${r.json?.message ?? r.text.slice(0, 300)}`, {
    hint: 'check the server version (MLflow 2.3+ for aliases) and its permissions',
  });
