/**
 * MLflow's Model Registry routes (registered-models/*, model-versions/*) over an `MlflowRegistryPort`, and the
 * artifact paths `mlci-registry/NAME/X.Y.Z/…` that serve a published version's files, so `models:/NAME/1` and
 * `models:/NAME@alias` load whichever run registered them. Answers are shaped as MLflow 3's server shapes them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Body, type Route, ApiError, invalid, kv, noEndpoint, notFound, reply, safeArtifactPath, str } from './protocol';
import type { MlflowRegistryPort, PortModel, PortVersion } from '@mlci/store';
import type { MlflowState } from './state';

/** Artifact paths under the proxy that hold published versions: `mlci-registry/NAME/X.Y.Z/<file path>`. */
export const REGISTRY_ARTIFACTS = 'mlci-registry';

const STATUS: Record<string, number> = {
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
  PERMISSION_DENIED: 403,
};

function port(state: MlflowState): MlflowRegistryPort {
  const found = state.options.registry;
  if (!found)
    throw new ApiError(
      404,
      'ENDPOINT_NOT_FOUND',
      'No model registry is attached to this mlci endpoint (train() was called without modelRegistry)',
    );
  return found;
}

/** Runs a port call, turning its `mlflowCode` errors into MLflow's error answer. */
async function call<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { mlflowCode?: string })?.mlflowCode;
    if (code && code in STATUS) throw new ApiError(STATUS[code], code, (error as Error).message);
    throw error;
  }
}

const tagsOf = (list: unknown): Record<string, string> =>
  Object.fromEntries((Array.isArray(list) ? list : []).map((t: Body) => [str(t?.key, 'tags.key'), String(t?.value ?? '')]));

function versionNumber(body: Body): number {
  const text = str(body.version, 'version');
  if (!/^[1-9]\d{0,8}$/.test(text)) throw invalid(`Model version must be an integer, got '${text}'`);
  return Number(text);
}

function versionJson(v: PortVersion, withAliases: boolean) {
  return {
    name: v.name,
    version: String(v.number),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    user_id: v.userId || undefined,
    current_stage: 'None',
    description: v.description,
    source: v.source,
    run_id: v.runId,
    status: 'READY',
    ...(v.mlciVersion
      ? {}
      : { status_message: `registered by run ${v.runId}: published to mlci's registry as its next version when the run ends FINISHED` }),
    tags: kv(v.tags),
    run_link: '',
    ...(withAliases ? { aliases: v.aliases } : {}),
  };
}

function modelJson(m: PortModel) {
  const latest = m.versions.at(-1);
  return {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    description: m.description,
    latest_versions: latest ? [versionJson(latest, false)] : [],
    tags: kv(m.tags),
    aliases: Object.entries(m.aliases).map(([alias, n]) => ({ alias, version: String(n) })),
  };
}

async function model(state: MlflowState, name: string): Promise<PortModel> {
  const found = await call(() => port(state).model(name));
  if (!found) throw notFound(`Registered Model with name=${name} not found`);
  return found;
}

async function version(state: MlflowState, body: Body): Promise<PortVersion> {
  const name = str(body.name, 'name');
  const n = versionNumber(body);
  const found = (await model(state, name)).versions[n - 1];
  if (!found) throw notFound(`Model Version (name=${name}, version=${n}) not found`);
  return found;
}

export const registryRoutes: Route<MlflowState>[] = [
  {
    method: 'POST',
    path: 'registered-models/create',
    handle: async (state, body) => {
      const name = str(body.name, 'name');
      const created = await call(() =>
        port(state).createModel(name, { description: body.description ? String(body.description) : '', tags: tagsOf(body.tags) }),
      );
      return { registered_model: modelJson(created) };
    },
  },
  {
    method: 'GET',
    path: 'registered-models/get',
    handle: async (state, body) => ({ registered_model: modelJson(await model(state, str(body.name, 'name'))) }),
  },
  {
    method: 'GET',
    path: 'registered-models/search',
    handle: async (state, body) => {
      const all = await call(() => port(state).models());
      const filtered = all.filter(compileFilter(body.filter, MODEL_FIELDS, (m: PortModel, key) => modelField(m, key)));
      const sorted = sortBy(filtered, body.order_by, ['name ASC'], MODEL_ORDER);
      const page = paginate(sorted, body, 1000);
      return { registered_models: page.items.map(modelJson), ...(page.next ? { next_page_token: page.next } : {}) };
    },
  },
  {
    method: 'PATCH',
    path: 'registered-models/update',
    handle: async (state, body) => ({
      registered_model: modelJson(await call(() => port(state).updateModel(str(body.name, 'name'), String(body.description ?? '')))),
    }),
  },
  {
    method: 'POST',
    path: 'registered-models/rename',
    handle: async (state, body) => ({
      registered_model: modelJson(await call(() => port(state).renameModel(str(body.name, 'name'), str(body.new_name, 'new_name')))),
    }),
  },
  {
    method: 'DELETE',
    path: 'registered-models/delete',
    handle: async (state, body) => (await call(() => port(state).deleteModel(str(body.name, 'name'))), {}),
  },
  {
    method: 'POST',
    path: 'registered-models/set-tag',
    handle: async (state, body) => (
      await call(() => port(state).setModelTag(str(body.name, 'name'), str(body.key, 'key'), String(body.value ?? ''))),
      {}
    ),
  },
  {
    method: 'DELETE',
    path: 'registered-models/delete-tag',
    handle: async (state, body) => (await call(() => port(state).deleteModelTag(str(body.name, 'name'), str(body.key, 'key'))), {}),
  },
  ...(['GET', 'POST'] as const).map((method): Route<MlflowState> => ({
    method,
    path: 'registered-models/get-latest-versions',
    handle: async (state, body) => {
      const m = await model(state, str(body.name, 'name'));
      const stages: string[] = (Array.isArray(body.stages) ? body.stages : body.stages ? [body.stages] : []).map(String);
      // mlci has no stages: every version is in MLflow's "None" stage.
      const wanted = !stages.length || stages.some((s) => s.toLowerCase() === 'none');
      const latest = m.versions.at(-1);
      return { model_versions: wanted && latest ? [versionJson(latest, false)] : [] };
    },
  })),
  {
    method: 'POST',
    path: 'registered-models/alias',
    handle: async (state, body) => {
      const name = str(body.name, 'name');
      const alias = str(body.alias, 'alias');
      await call(() => port(state).setAlias(name, alias, versionNumber(body)));
      return {};
    },
  },
  {
    method: 'DELETE',
    path: 'registered-models/alias',
    handle: async (state, body) => (await call(() => port(state).deleteAlias(str(body.name, 'name'), str(body.alias, 'alias'))), {}),
  },
  {
    method: 'GET',
    path: 'registered-models/alias',
    handle: async (state, body) => {
      const m = await model(state, str(body.name, 'name'));
      const alias = str(body.alias, 'alias');
      const n = m.aliases[alias];
      if (!n) throw invalid(`Registered model alias ${alias} not found.`);
      return { model_version: versionJson(m.versions[n - 1], true) };
    },
  },
  {
    method: 'POST',
    path: 'model-versions/create',
    handle: async (state, body) => ({ model_version: versionJson(await createVersion(state, body), true) }),
  },
  {
    method: 'GET',
    path: 'model-versions/get',
    handle: async (state, body) => ({ model_version: versionJson(await version(state, body), true) }),
  },
  {
    method: 'PATCH',
    path: 'model-versions/update',
    handle: async (state, body) => ({
      model_version: versionJson(
        await call(() => port(state).updateVersion(str(body.name, 'name'), versionNumber(body), String(body.description ?? ''))),
        true,
      ),
    }),
  },
  {
    method: 'DELETE',
    path: 'model-versions/delete',
    handle: async (state, body) => (await call(() => port(state).deleteVersion(str(body.name, 'name'), versionNumber(body))), {}),
  },
  {
    method: 'POST',
    path: 'model-versions/set-tag',
    handle: async (state, body) => (
      await call(() =>
        port(state).setVersionTag(str(body.name, 'name'), versionNumber(body), str(body.key, 'key'), String(body.value ?? '')),
      ),
      {}
    ),
  },
  {
    method: 'DELETE',
    path: 'model-versions/delete-tag',
    handle: async (state, body) => (
      await call(() => port(state).deleteVersionTag(str(body.name, 'name'), versionNumber(body), str(body.key, 'key'))),
      {}
    ),
  },
  {
    method: 'GET',
    path: 'model-versions/search',
    handle: async (state, body) => {
      const versions = (await call(() => port(state).models())).flatMap((m) => m.versions);
      const filtered = versions.filter(compileFilter(body.filter, VERSION_FIELDS, (v: PortVersion, key) => versionField(v, key)));
      const sorted = sortBy(filtered, body.order_by, ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'], VERSION_ORDER);
      const page = paginate(sorted, body, 200_000);
      // As MLflow's sqlite store answers a search: without the aliases (get_model_version has them).
      return { model_versions: page.items.map((v) => versionJson(v, false)), ...(page.next ? { next_page_token: page.next } : {}) };
    },
  },
  {
    method: 'GET',
    path: 'model-versions/get-download-uri',
    handle: async (state, body) => ({ artifact_uri: downloadUri(state, await version(state, body)) }),
  },
];

/** Where a version's files are read: the run's artifacts while it is pending, the registry's files once published. */
function downloadUri(state: MlflowState, v: PortVersion): string {
  if (v.mlciVersion) return `mlflow-artifacts:/${REGISTRY_ARTIFACTS}/${v.name}/${v.mlciVersion}${v.modelPath ? `/${v.modelPath}` : ''}`;
  const run = state.runs.get(v.runId);
  return `mlflow-artifacts:/${run?.info.experiment_id ?? '0'}/${v.runId}/artifacts/${v.modelPath}`;
}

/**
 * model-versions/create: the source must be files this command's mlci run logged (a `runs:/`,
 * `mlflow-artifacts:/` or logged-model `models:/m-…` URI), since a version is published from that run's record.
 */
async function createVersion(state: MlflowState, body: Body): Promise<PortVersion> {
  const name = str(body.name, 'name');
  const source = str(body.source, 'source');
  const located = locate(state, source, body.model_id ? String(body.model_id) : undefined);
  const primary = state.options.runId;
  if (located.runId !== primary) {
    const known = state.runs.has(located.runId);
    throw invalid(
      known
        ? `Model source ${source} belongs to run ${located.runId}, a child run; mlci registers models from the run it records (${primary}). Log the model in the top-level run, or register it after the run with: mlci models promote ${name} --run ${located.runId.slice(0, 8)}`
        : `Model source ${source} is not a run of this command; mlci's endpoint registers models the running script logged. Register an earlier run's model with: mlci models promote ${name} --run RUN`,
    );
  }
  const run = state.runs.get(primary)!;
  const prefix = `${run.info.experiment_id}/${primary}/artifacts/${located.path}`;
  if (!state.files.has(`${prefix}/MLmodel`))
    throw invalid(`Model source ${source} holds no MLmodel file in run ${primary}; log the model with mlflow.<flavor>.log_model first`);
  return call(() =>
    port(state).createVersion({
      name,
      runId: primary,
      modelPath: located.path,
      source,
      description: body.description ? String(body.description) : '',
      tags: tagsOf(body.tags),
      userId: body.user_id ? String(body.user_id) : '',
    }),
  );
}

function locate(state: MlflowState, source: string, modelId?: string): { runId: string; path: string } {
  const logged = modelId ?? /^models:\/(m-[0-9a-f]+)\/?$/.exec(source)?.[1];
  if (logged) {
    const found = state.models.get(logged);
    if (!found) throw notFound(`Logged model with ID '${logged}' not found.`);
    if (!/^mlflow-artifacts:\/[^/]+\/[0-9a-f]{32}\/artifacts\//.test(found.info.artifact_uri))
      throw invalid(
        `Logged model ${logged} was stored outside its run's artifacts (${found.info.artifact_uri}); mlci publishes a version from the run's files: log it under a name not used before in the run`,
      );
    return locate(state, found.info.artifact_uri);
  }
  const runs = /^runs:\/([0-9a-f]{32})\/(.+?)\/?$/.exec(source);
  if (runs) return { runId: runs[1], path: safeArtifactPath(runs[2]) };
  const artifacts = /^mlflow-artifacts:(?:\/\/[^/]*)?\/[^/]+\/([0-9a-f]{32})\/artifacts\/(.+?)\/?$/.exec(source);
  if (artifacts) return { runId: artifacts[1], path: safeArtifactPath(artifacts[2]) };
  throw invalid(
    `Invalid model version source: '${source}'. mlci's endpoint registers a model the running script logged: runs:/<run_id>/<path>, mlflow-artifacts:/… of the run, or models:/<model_id>`,
  );
}

// ---- search: MLflow's filter grammar for the registry (name, tags, run_id, version_number, source_path) ----

const MODEL_FIELDS = new Set(['name']);
const VERSION_FIELDS = new Set(['name', 'run_id', 'version_number', 'source_path']);
const MODEL_ORDER: Record<string, (m: PortModel) => string | number> = {
  name: (m) => m.name,
  creation_timestamp: (m) => m.creationTimestamp,
  timestamp: (m) => m.creationTimestamp,
  last_updated_timestamp: (m) => m.lastUpdatedTimestamp,
};
const VERSION_ORDER: Record<string, (v: PortVersion) => string | number> = {
  name: (v) => v.name,
  version_number: (v) => v.number,
  creation_timestamp: (v) => v.creationTimestamp,
  timestamp: (v) => v.creationTimestamp,
  last_updated_timestamp: (v) => v.lastUpdatedTimestamp,
  run_id: (v) => v.runId,
};

function modelField(m: PortModel, key: string): string | undefined {
  if (key.startsWith('tags.')) return m.tags[key.slice(5)];
  return key === 'name' ? m.name : undefined;
}

function versionField(v: PortVersion, key: string): string | undefined {
  if (key.startsWith('tags.')) return v.tags[key.slice(5)];
  return { name: v.name, run_id: v.runId, version_number: String(v.number), source_path: v.source }[key];
}

interface Clause {
  key: string;
  op: '=' | '!=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';
  values: string[];
}

/** Parses `key op value [AND …]`; anything else is MLflow's INVALID_PARAMETER_VALUE, never a wrong answer. */
export function parseRegistryFilter(filter: string, fields: Set<string>): Clause[] {
  const tokens: string[] = [];
  const re =
    /\s*(?:((?:`[^`]*`|[A-Za-z_]\w*)(?:\.(?:`[^`]*`|\w+))*)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(!=|<>|=|\(|\)|,)|(-?\d+(?:\.\d+)?))/y;
  let at = 0;
  while (at < filter.length) {
    if (!filter.slice(at).trim()) break;
    re.lastIndex = at;
    const m = re.exec(filter);
    if (!m) throw invalid(`Invalid filter '${filter}': cannot parse at '${filter.slice(at).trim()}'`);
    tokens.push(m[0].trim());
    at = re.lastIndex;
  }
  const clauses: Clause[] = [];
  let i = 0;
  const unquote = (t: string | undefined) => {
    if (t === undefined) throw invalid(`Invalid filter '${filter}': a comparison is missing its value`);
    if (/^['"]/.test(t)) return t.slice(1, -1).replace(/\\(.)/g, '$1');
    if (/^-?\d/.test(t)) return t;
    throw invalid(`Invalid filter '${filter}': expected a quoted value, got '${t}'`);
  };
  while (i < tokens.length) {
    // `tag.` and `tags.` name a tag; `attribute.`/`attributes.` an attribute (MLflow's SearchUtils prefixes).
    const key = tokens[i++]
      .replace(/`/g, '')
      .replace(/^tag\./, 'tags.')
      .replace(/^attributes?\./, '');
    const isTag = /^tags\./.test(key);
    if (!isTag && !fields.has(key))
      throw invalid(
        `Invalid attribute key '${key}' specified. Valid keys are '${JSON.stringify([...fields]).slice(1, -1)}' and tags.<key>`,
      );
    let op = (tokens[i++] ?? '').toUpperCase();
    if (op === 'NOT' && (tokens[i] ?? '').toUpperCase() === 'IN') {
      i++;
      op = 'NOT IN';
    }
    if (op === '<>') op = '!=';
    let values: string[];
    if (op === 'IN' || op === 'NOT IN') {
      if (tokens[i++] !== '(') throw invalid(`Invalid filter '${filter}': ${op} needs a list in parentheses`);
      values = [];
      while (tokens[i] !== ')') {
        values.push(unquote(tokens[i++]));
        if (tokens[i] === ',') i++;
        else if (tokens[i] !== ')') throw invalid(`Invalid filter '${filter}': expected ',' or ')' in the ${op} list`);
      }
      i++;
    } else if (op === '=' || op === '!=' || op === 'LIKE' || op === 'ILIKE') values = [unquote(tokens[i++])];
    else throw invalid(`Invalid comparator '${op}' in filter '${filter}'; the registry supports =, !=, LIKE, ILIKE, IN and NOT IN`);
    clauses.push({ key, op: op as Clause['op'], values });
    if (i < tokens.length) {
      if ((tokens[i] ?? '').toUpperCase() !== 'AND')
        throw invalid(`Invalid filter '${filter}': clauses are joined with AND, got '${tokens[i]}'`);
      i++;
      if (i >= tokens.length) throw invalid(`Invalid filter '${filter}': nothing after AND`);
    }
  }
  return clauses;
}

function like(pattern: string, caseless: boolean): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, caseless ? 'is' : 's');
}

function compileFilter<T>(filter: unknown, fields: Set<string>, get: (item: T, key: string) => string | undefined): (item: T) => boolean {
  const text = filter === undefined || filter === null ? '' : String(filter);
  const clauses = text.trim() ? parseRegistryFilter(text, fields) : [];
  const tests = clauses.map((c) => {
    const re = c.op === 'LIKE' || c.op === 'ILIKE' ? like(c.values[0], c.op === 'ILIKE') : null;
    return (item: T) => {
      const value = get(item, c.key);
      // A tag the item lacks matches nothing (MLflow joins on tags), except the prompt tag: MLflow 3's client adds
      // tags.`mlflow.prompt.is_prompt` != 'true' to every search, and models without it are what it asks for.
      if (value === undefined) return (c.op === '!=' || c.op === 'NOT IN') && c.key === 'tags.mlflow.prompt.is_prompt';
      if (re) return re.test(value);
      if (c.op === '=') return value === c.values[0];
      if (c.op === '!=') return value !== c.values[0];
      if (c.op === 'IN') return c.values.includes(value);
      return !c.values.includes(value);
    };
  });
  return (item) => tests.every((t) => t(item));
}

function sortBy<T>(items: T[], orderBy: unknown, defaults: string[], keys: Record<string, (item: T) => string | number>): T[] {
  const given = (Array.isArray(orderBy) ? orderBy : orderBy ? [orderBy] : []).map(String);
  const parsed = (given.length ? given : defaults).map((clause) => {
    const m = /^\s*`?([\w.]+)`?\s*(ASC|DESC)?\s*$/i.exec(clause);
    const get = m && keys[m[1]];
    if (!get) throw invalid(`Invalid order_by clause '${clause}'. Valid keys are '${Object.keys(keys).join("', '")}' with ASC or DESC`);
    return { get, sign: m![2]?.toUpperCase() === 'DESC' ? -1 : 1 };
  });
  return [...items].sort((a, b) => {
    for (const { get, sign } of parsed) {
      const x = get(a);
      const y = get(b);
      if (x !== y) return (x < y ? -1 : 1) * sign;
    }
    return 0;
  });
}

function paginate<T>(items: T[], body: Body, limit: number): { items: T[]; next?: string } {
  const max = body.max_results === undefined ? 100 : Number(body.max_results);
  if (!Number.isInteger(max) || max < 1 || max > limit)
    throw invalid(
      `Invalid value for request parameter max_results. It must be an integer from 1 to ${limit}, but got value ${body.max_results}`,
    );
  let offset = 0;
  if (body.page_token) {
    try {
      offset = Number(JSON.parse(Buffer.from(String(body.page_token), 'base64').toString('utf8')).offset);
    } catch {
      offset = NaN;
    }
    if (!Number.isInteger(offset) || offset < 0) throw invalid(`Invalid page token, could not base64-decode: ${body.page_token}`);
  }
  const page = items.slice(offset, offset + max);
  const next = offset + max < items.length ? Buffer.from(JSON.stringify({ offset: offset + max })).toString('base64') : undefined;
  return { items: page, next };
}

// ---- a published version's files through the artifact proxy ----

/**
 * Serves `mlci-registry/NAME/X.Y.Z/<path>` (a file) and listings of its directories; answers false for any
 * other artifact path (the run artifact routes serve those).
 */
export async function serveRegistryArtifacts(
  state: MlflowState,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  url: URL,
): Promise<boolean> {
  const method = req.method ?? 'GET';
  const listing = method === 'GET' && !rawPath;
  const path = safeArtifactPath(listing ? (url.searchParams.get('path') ?? '') : decodeURIComponent(rawPath));
  const m = new RegExp(`^${REGISTRY_ARTIFACTS}/([^/]+)/([^/]+)(?:/(.*))?$`).exec(path.replace(/\/+$/, ''));
  if (!m && path.replace(/\/+$/, '') !== REGISTRY_ARTIFACTS) return false;
  if (method !== 'GET') throw noEndpoint(method, path);
  if (!m) throw notFound(`File ${path} not found`);
  const [, name, mlciVersion, inner = ''] = m;
  const files = await call(() => port(state).listFiles(name, mlciVersion));
  if (!listing) {
    if (!files.some((f) => f.path === inner)) throw notFound(`File ${path} not found`);
    const bytes = await call(() => port(state).readFile(name, mlciVersion, inner));
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    res.end(bytes);
    return true;
  }
  const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
  for (const f of files) {
    if (f.path === inner) {
      entries.set(f.path, { path: f.path.split('/').pop()!, is_dir: false, file_size: f.size });
      continue;
    }
    if (inner && !f.path.startsWith(inner + '/')) continue;
    const rest = inner ? f.path.slice(inner.length + 1) : f.path;
    const slash = rest.indexOf('/');
    const child = slash < 0 ? rest : rest.slice(0, slash);
    entries.set(child, slash < 0 ? { path: child, is_dir: false, file_size: f.size } : { path: child, is_dir: true });
  }
  reply(res, 200, { files: [...entries.values()] });
  return true;
}
