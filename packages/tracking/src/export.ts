/**
 * Writes a run record into a real MLflow tracking server over its REST API (runs, batches, artifacts), with
 * its child runs: each one a run of its own, its `mlflow.parentRunId` pointing at the exported parent. Dataset
 * inputs go through `runs/log-inputs`; LoggedModels through `logged-models` (created with their params and
 * tags, their files uploaded to the model's artifact location, their metrics logged with `model_id` through
 * the run that logged them, then finalized); run outputs through `runs/outputs`. A run or model the script
 * deleted is written, then deleted, so the server shows it as the script left it.
 */
import { MlciError, silentLogger, usageError, type Logger } from '@mlci/core';
import type { ArtifactRef, ChildRun, LoggedModelRecord, RunRecord, Store } from '@mlci/store';
import { fromRunInput } from './mlflow-api/inputs';
import { MLFLOW_BATCH_LIMITS } from './mlflow-server';

export interface ExportOptions {
  /** Tracking server base URL, http(s)://host:port (no trailing path). */
  to: string;
  /** Where the run's artifact blobs are read from (verified) to upload them. */
  store: Store;
  /**
   * Experiment to create the run in; created when missing.
   * @default the run's own experiment name
   */
  experiment?: string;
  /**
   * Upload the run's artifacts through the server's mlflow-artifacts routes (skipped with a warning when the
   * server's artifact URI is not `mlflow-artifacts:`).
   * @default true
   */
  artifacts?: boolean;
  logger?: Logger;
}

export interface ExportResult {
  /** The run id the MLflow server gave the exported run. */
  mlflowRunId: string;
  experimentId: string;
  params: number;
  metricValues: number;
  tags: number;
  artifacts: number;
  /** The child runs exported after it, in the record's order: mlci's id and the id the server gave. */
  children: Array<{ id: string; mlflowRunId: string; experimentId: string }>;
  /** The LoggedModels exported: mlci's (the script's) model id and the one the server gave. */
  loggedModels: Array<{ id: string; mlflowModelId: string }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- MLflow's JSON answers, read by the fields each endpoint documents
async function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const url = new URL(`/api/2.0/mlflow/${path}`, base);
  if (method === 'GET' && body) for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}, protoNumbers),
    });
  } catch (error) {
    throw new MlciError('remote', `cannot reach the MLflow server at ${base}: ${(error as Error).message}`, {
      hint: 'start it (`mlflow server --host 127.0.0.1 --port 5000`) or check --to',
    });
  }
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  let json: any = {};
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    // A success that is not JSON is a proxy or login page, not MLflow: reading it as {} would fail later as a bug.
    if (response.ok) {
      throw new MlciError(
        'remote',
        `MLflow ${method} ${path} at ${base} answered ${response.status} with ${response.headers.get('content-type') ?? 'no content type'}, not JSON`,
        {
          hint: 'check that --to points at the MLflow tracking server itself, not a proxy or login page',
        },
      );
    }
  }
  if (!response.ok) {
    const error = new MlciError(
      'remote',
      `MLflow ${method} ${path} answered ${response.status}: ${json.error_code ?? ''} ${json.message ?? text.slice(0, 200)}`.trim(),
    );
    (error as MlciError & { errorCode?: string }).errorCode = json.error_code;
    throw error;
  }
  return json;
}

/** NaN and ±Infinity as proto JSON writes them (MLflow's server parses the strings back into doubles). */
const protoNumbers = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export async function exportRun(record: RunRecord, options: ExportOptions): Promise<ExportResult> {
  if (!/^https?:\/\/[^/]+\/?$/.test(options.to)) throw usageError(`--to must be an http(s)://host:port URL, got "${options.to}"`);
  const base = options.to.replace(/\/$/, '');
  const logger = options.logger ?? silentLogger;
  const experiments = new Map<string, Promise<string>>();
  const experimentIdOf = (name: string) => {
    if (!experiments.has(name)) experiments.set(name, experimentFor(base, name));
    return experiments.get(name)!;
  };
  const top = await exportOne(
    base,
    record,
    { ...record.tags, 'mlci.command': JSON.stringify(record.command) },
    await experimentIdOf(options.experiment ?? record.experiment),
    options,
    logger,
  );
  // Parents are created before their children, so every parent id is known when a child is exported.
  const mapped = new Map<string, string>([[record.id, top.mlflowRunId]]);
  // A run or model in the record's experiment follows --experiment; one the script put elsewhere keeps its own.
  const experimentOf = (name: string) => experimentIdOf(name === record.experiment ? (options.experiment ?? record.experiment) : name);
  const children: ExportResult['children'] = [];
  for (const child of record.children ?? []) {
    const parent = child.tags['mlflow.parentRunId'];
    const tags = { ...child.tags, ...(parent ? { 'mlflow.parentRunId': mapped.get(parent) ?? parent } : {}) };
    const experimentId = await experimentOf(child.experiment);
    const exported = await exportOne(base, child, tags, experimentId, options, logger);
    mapped.set(child.id, exported.mlflowRunId);
    children.push({ id: child.id, mlflowRunId: exported.mlflowRunId, experimentId });
  }
  // Models after every run (a model's source run must exist), outputs after the models, deletions last.
  const models = new Map<string, string>();
  const loggedModels: ExportResult['loggedModels'] = [];
  for (const model of record.loggedModels ?? []) {
    const mlflowModelId = await exportModel(base, model, await experimentOf(model.experiment), mapped, options, logger);
    models.set(model.id, mlflowModelId);
    loggedModels.push({ id: model.id, mlflowModelId });
  }
  const runs: Array<Pick<ChildRun, 'id' | 'outputs' | 'deleted'>> = [record, ...(record.children ?? [])];
  for (const run of runs) {
    const outputs = (run.outputs ?? []).filter((o) => models.has(o.modelId));
    if (outputs.length)
      await call(base, 'POST', 'runs/outputs', {
        run_id: mapped.get(run.id),
        models: outputs.map((o) => ({ model_id: models.get(o.modelId), step: o.step })),
      });
  }
  for (const run of runs) if (run.deleted) await call(base, 'POST', 'runs/delete', { run_id: mapped.get(run.id) });
  return { ...top, children, loggedModels };
}

/** One LoggedModel: created (params, tags, source run), its files uploaded, its metrics logged, finalized. */
async function exportModel(
  base: string,
  model: LoggedModelRecord,
  experimentId: string,
  runIds: Map<string, string>,
  options: ExportOptions,
  logger: Logger,
): Promise<string> {
  const sourceRun = model.sourceRunId ? runIds.get(model.sourceRunId) : undefined;
  const created = await call(base, 'POST', 'logged-models', {
    experiment_id: experimentId,
    name: model.name,
    ...(model.modelType ? { model_type: model.modelType } : {}),
    ...(sourceRun ? { source_run_id: sourceRun } : {}),
    params: Object.entries(model.params).map(([key, value]) => ({ key, value })),
    tags: Object.entries(model.tags).map(([key, value]) => ({ key, value })),
  });
  const id: string = created.model.info.model_id;
  if (options.artifacts ?? true)
    await upload(base, created.model.info.artifact_uri, model.artifacts, options.store, logger, `model ${model.name}`);
  // MLflow takes a model's metrics only through a run: each value goes through the run that logged it.
  const byRun = new Map<string, LoggedModelRecord['metrics']>();
  let orphans = 0;
  for (const m of model.metrics) {
    const run = (m.runId && runIds.get(m.runId)) || sourceRun;
    if (!run) orphans++;
    else byRun.set(run, [...(byRun.get(run) ?? []), m]);
  }
  if (orphans)
    logger.warn(`${orphans} metric values of model ${model.name} name no exported run; MLflow takes them only through a run: not exported`);
  for (const [run, metrics] of byRun) {
    const batch = metrics.map((m) => ({
      key: m.key,
      value: m.value,
      step: m.step,
      timestamp: m.timestamp,
      model_id: id,
      ...(m.datasetName ? { dataset_name: m.datasetName } : {}),
      ...(m.datasetDigest ? { dataset_digest: m.datasetDigest } : {}),
    }));
    for (const part of chunks(batch, MLFLOW_BATCH_LIMITS.metrics))
      await call(base, 'POST', 'runs/log-batch', { run_id: run, metrics: part });
  }
  if (model.status !== 'LOGGED_MODEL_PENDING') await call(base, 'PATCH', `logged-models/${id}`, { model_id: id, status: model.status });
  if (model.deleted) await call(base, 'DELETE', `logged-models/${id}`);
  return id;
}

/** Uploads files under an `mlflow-artifacts:` location; another kind of location is warned about and skipped. */
async function upload(
  base: string,
  artifactUri: string,
  artifacts: ArtifactRef[],
  store: Store,
  logger: Logger,
  what: string,
): Promise<number> {
  if (!artifacts.length) return 0;
  if (!artifactUri.startsWith('mlflow-artifacts:')) {
    logger.warn(`the server's artifact location for ${what} is ${artifactUri}, not served over HTTP; its artifacts were not exported`);
    return 0;
  }
  const prefix = artifactUri.replace(/^mlflow-artifacts:\/*/, '').replace(/\/$/, '');
  let count = 0;
  for (const artifact of artifacts) {
    const bytes = await store.getBlob(artifact.sha256);
    const path = [...prefix.split('/'), ...artifact.path.split('/')].map(encodeURIComponent).join('/');
    const response = await fetch(`${base}/api/2.0/mlflow-artifacts/artifacts/${path}`, { method: 'PUT', body: bytes });
    if (!response.ok)
      throw new MlciError(
        'remote',
        `uploading artifact ${artifact.path} answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
    count++;
  }
  return count;
}

async function experimentFor(base: string, name: string): Promise<string> {
  try {
    return (await call(base, 'GET', 'experiments/get-by-name', { experiment_name: name })).experiment.experiment_id;
  } catch (error) {
    if ((error as { errorCode?: string }).errorCode !== 'RESOURCE_DOES_NOT_EXIST') throw error;
    return (await call(base, 'POST', 'experiments/create', { name })).experiment_id;
  }
}

type Exportable = Pick<RunRecord, 'id' | 'name' | 'status' | 'startTime' | 'endTime' | 'params' | 'metrics' | 'artifacts'> & {
  lineage?: RunRecord['lineage'];
};

/** One run: created, its params, tags and metrics in MLflow-sized batches, its artifacts, then its status. */
async function exportOne(
  base: string,
  record: Exportable | ChildRun,
  runTags: Record<string, string>,
  experimentId: string,
  options: ExportOptions,
  logger: Logger,
): Promise<Omit<ExportResult, 'children' | 'loggedModels'>> {
  const tags: Record<string, string> = {
    ...runTags,
    'mlflow.runName': record.name,
    'mlci.run_id': record.id,
  };
  const lineage = (record as Exportable).lineage;
  if (lineage?.git.commit && !tags['mlflow.source.git.commit']) tags['mlflow.source.git.commit'] = lineage.git.commit;
  const created = await call(base, 'POST', 'runs/create', {
    experiment_id: experimentId,
    start_time: record.startTime,
    run_name: record.name,
    tags: [],
  });
  const runId: string = created.run.info.run_id;
  const artifactUri: string = created.run.info.artifact_uri;

  const params = Object.entries(record.params).map(([key, value]) => ({ key, value }));
  const tagList = Object.entries(tags).map(([key, value]) => ({ key, value }));
  const metrics = Object.entries(record.metrics).flatMap(([key, points]) =>
    points.map((p) => ({ key, value: p.value, step: p.step, timestamp: p.timestamp })),
  );
  for (const batch of chunks(params, MLFLOW_BATCH_LIMITS.params))
    await call(base, 'POST', 'runs/log-batch', { run_id: runId, params: batch });
  for (const batch of chunks(tagList, MLFLOW_BATCH_LIMITS.tags)) await call(base, 'POST', 'runs/log-batch', { run_id: runId, tags: batch });
  for (const batch of chunks(metrics, MLFLOW_BATCH_LIMITS.metrics))
    await call(base, 'POST', 'runs/log-batch', { run_id: runId, metrics: batch });
  const inputs = (record as Pick<ChildRun, 'inputs'>).inputs ?? [];
  if (inputs.length) await call(base, 'POST', 'runs/log-inputs', { run_id: runId, datasets: inputs.map(fromRunInput) });

  const artifacts =
    (options.artifacts ?? true) ? await upload(base, artifactUri, record.artifacts, options.store, logger, `run ${record.id}`) : 0;
  const status = record.status === 'RUNNING' ? 'RUNNING' : record.status;
  await call(base, 'POST', 'runs/update', { run_id: runId, status, ...(record.endTime ? { end_time: record.endTime } : {}) });
  return { mlflowRunId: runId, experimentId, params: params.length, metricValues: metrics.length, tags: tagList.length, artifacts };
}
