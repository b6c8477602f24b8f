/**
 * The MLflow tracking REST API, served on 127.0.0.1 while a training command runs, so that an unchanged
 * script's `mlflow.log_*` calls land in the mlci run. Only what MLflow's Python client calls for tracking
 * (experiments, runs, metrics, params, tags, batches, inputs/outputs, logged models, artifacts) is served;
 * other routes answer 404 ENDPOINT_NOT_FOUND as a real server does for an unknown path.
 *
 * The first top-level run the script creates (no `mlflow.parentRunId` tag) becomes the mlci run: it is given
 * the mlci run id and its name. Every other run (nested, autolog child, a later top-level run) is recorded
 * too, as a child run of the record (`childRuns`), with the parent link the script gave it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { ChildRun, RunStatus, Store } from '@mlci/store';
import { MlciError } from '@mlci/core';
import { RunCollector } from './collector';

/** MLflow's per-request limits for log-batch (mlflow/utils/validation.py). */
export const MLFLOW_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export interface MlflowServerOptions {
  /** Where uploaded artifacts are stored (by content hash). */
  store: Store;
  /** The mlci run id: given to the first run the script creates. 32 hex characters. */
  runId: string;
  /** Collects what is logged to that first run. */
  collector: RunCollector;
  /** The mlci run's name: what the script sees for its first top-level run when it names none. */
  runName?: string;
  /**
   * The name was chosen by mlci's caller (`--name`): the script's own run_name for that run is then not used,
   * so the name the script reads back, the stored one and the exported one are the same.
   * @default false
   */
  nameFixed?: boolean;
  /**
   * Port on 127.0.0.1 to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', message);
const notFound = (message: string) => new ApiError(404, 'RESOURCE_DOES_NOT_EXIST', message);

interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active';
  creation_time: number;
  last_update_time: number;
  tags: Array<{ key: string; value: string }>;
}

interface MlflowRun {
  info: {
    run_id: string;
    run_uuid: string;
    run_name: string;
    experiment_id: string;
    user_id: string;
    status: string;
    start_time: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: 'active';
  };
  collector: RunCollector;
  inputs: unknown[];
}

interface LoggedModel {
  info: Record<string, unknown> & {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    status: string;
    source_run_id?: string;
  };
  data: { params: Array<{ key: string; value: string }>; metrics: unknown[] };
  tags: Record<string, string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- request bodies of MLflow's REST API, checked field by field by each route
type Body = Record<string, any>;
const kv = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }));
const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

/** A running tracking server; `close()` stops it after in-flight requests finish. */
export class MlflowServer {
  readonly url: string;
  private constructor(
    private readonly server: Server,
    port: number,
    /** MLflow run ids of every run the script created (the first is the mlci run). */
    readonly state: MlflowState,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(options: MlflowServerOptions): Promise<MlflowServer> {
    const state = new MlflowState(options);
    const server = createServer((req, res) => {
      state.handle(req, res).catch((error) => reply(res, 500, { error_code: 'INTERNAL_ERROR', message: String(error?.message ?? error) }));
    });
    server.keepAliveTimeout = 5000;
    await new Promise<void>((ready, fail) => {
      server.once('error', fail);
      server.listen(options.port ?? 0, '127.0.0.1', () => ready());
    });
    return new MlflowServer(server, (server.address() as AddressInfo).port, state);
  }

  /** Stops listening and closes idle keep-alive connections. Waits for pending uploads. */
  async close(): Promise<void> {
    await new Promise<void>((done) => {
      this.server.close(() => done());
      this.server.closeIdleConnections();
    });
    await this.state.settled();
  }
}

/** Proto JSON, as MLflow's server writes it: NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity". */
const protoNumbers = (_key: string, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value);

function reply(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, protoNumbers);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new ApiError(400, 'MALFORMED_REQUEST', 'request body is not a JSON object');
}

/** Proto JSON numbers may arrive as strings ("NaN", "Infinity", int64 as "123"). */
function num(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim()) {
    const special: Record<string, number> = { nan: NaN, inf: Infinity, infinity: Infinity, '-inf': -Infinity, '-infinity': -Infinity };
    const lower = value.trim().toLowerCase();
    if (lower in special) return special[lower];
    const n = Number(value);
    if (!Number.isNaN(n)) return n;
  }
  throw invalid(`Missing value for required parameter '${field}'.`);
}

function str(value: unknown, field: string): string {
  if (value === undefined || value === null || value === '') throw invalid(`Missing value for required parameter '${field}'.`);
  return String(value);
}

/** Rejects `..` and absolute paths in artifact paths, as MLflow's validate_path_is_safe does. */
function safeArtifactPath(path: string): string {
  const clean = path.replace(/^\/+/, '');
  if (clean.split('/').some((part) => part === '..') || clean.includes('\\') || clean.includes('\0'))
    throw invalid(`Invalid path: ${path}`);
  return clean;
}

class MlflowState {
  private readonly experiments = new Map<string, Experiment>();
  private readonly runs = new Map<string, MlflowRun>();
  private readonly models = new Map<string, LoggedModel>();
  /** Every uploaded artifact by its full mlflow-artifacts path (`<exp>/<run>/artifacts/<rel>`). */
  private readonly files = new Map<string, { sha256: string; size: number }>();
  private readonly pending = new Set<Promise<unknown>>();
  private nextExperimentId = 1;
  private primaryTaken = false;
  /** Ids of the runs other than the mlci run, in creation order. */
  private readonly secondary: string[] = [];

  constructor(private readonly options: MlflowServerOptions) {
    this.addExperiment('0', 'Default');
  }

  /** Names of the experiments the mlci run belongs to. */
  experimentOf(runId: string): string | undefined {
    const run = this.runs.get(runId);
    return run ? this.experiments.get(run.info.experiment_id)?.name : undefined;
  }

  /**
   * The runs other than the mlci run, as child runs of its record. A run the script left RUNNING (it exited
   * without ending it) takes the status the mlci run ended with, and its end time.
   */
  childRuns(status: RunStatus, endTime: number): ChildRun[] {
    return this.secondary.map((id) => {
      const run = this.runs.get(id)!;
      const c = run.collector;
      const ended = run.info.status !== 'RUNNING' && ['FINISHED', 'FAILED', 'KILLED'].includes(run.info.status);
      return {
        id,
        name: c.name ?? run.info.run_name,
        experiment: this.experiments.get(run.info.experiment_id)?.name ?? 'Default',
        status: ended ? (run.info.status as RunStatus) : status,
        startTime: run.info.start_time,
        endTime: ended ? (run.info.end_time ?? endTime) : endTime,
        params: { ...c.params },
        metrics: { ...c.metrics },
        tags: { ...c.tags },
        artifacts: c.artifacts,
      };
    });
  }

  /** True when the script created at least one run here (it did not log elsewhere). */
  get sawRuns(): boolean {
    return this.runs.size > 0;
  }

  /** Names a run; the mlci run keeps a name fixed by `--name`. Sets `mlflow.runName` as MLflow's server does. */
  private setName(run: MlflowRun, name: string): void {
    const fixed = run.info.run_id === this.options.runId && this.options.nameFixed && this.options.runName;
    const effective = fixed ? this.options.runName! : name;
    run.collector.name = effective;
    run.info.run_name = effective;
    run.collector.setTag('mlflow.runName', effective);
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  private addExperiment(id: string, name: string, tags: Array<{ key: string; value: string }> = []): Experiment {
    const now = Date.now();
    const experiment: Experiment = {
      experiment_id: id,
      name,
      artifact_location: `mlflow-artifacts:/${id}`,
      lifecycle_stage: 'active',
      creation_time: now,
      last_update_time: now,
      tags,
    };
    this.experiments.set(id, experiment);
    return experiment;
  }

  private experiment(id: unknown): Experiment {
    const experiment = this.experiments.get(String(id ?? ''));
    if (!experiment) throw notFound(`No Experiment with id=${id} exists`);
    return experiment;
  }

  private run(body: Body): MlflowRun {
    const id = String(body.run_id ?? body.run_uuid ?? '');
    if (!id) throw invalid("Missing value for required parameter 'run_id'.");
    const run = this.runs.get(id);
    if (!run) throw notFound(`Run with id=${id} not found`);
    return run;
  }

  private runJson(run: MlflowRun) {
    const c = run.collector;
    const latest = Object.entries(c.metrics).map(([key, points]) => {
      const last = points.reduce((a, b) => (b.step > a.step || (b.step === a.step && b.timestamp >= a.timestamp) ? b : a));
      return { key, value: last.value, timestamp: last.timestamp, step: last.step };
    });
    return {
      info: { ...run.info, run_name: c.name ?? run.info.run_name },
      data: { metrics: latest, params: kv(c.params), tags: kv(c.tags) },
      inputs: { dataset_inputs: run.inputs },
    };
  }

  private modelJson(model: LoggedModel) {
    return { info: { ...model.info, tags: kv(model.tags), last_updated_timestamp_ms: Date.now() }, data: model.data };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    try {
      if (path === '/health') return void res.end('OK');
      if (path === '/version') return void res.end('3.0.0');
      if (path === ARTIFACTS || path.startsWith(ARTIFACTS + '/'))
        return await this.artifacts(req, res, method, path.slice(ARTIFACTS.length + 1), url);
      const api = /^\/(?:ajax-)?api\/2\.0\/mlflow\/(.+)$/.exec(path);
      if (!api) throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API endpoint for ${method} ${path}`);
      const body = method === 'GET' || method === 'DELETE' ? Object.fromEntries(url.searchParams) : await readJson(req);
      reply(res, 200, this.api(method, api[1], body));
    } catch (error) {
      if (error instanceof ApiError) return reply(res, error.status, { error_code: error.code, message: error.message });
      if (error instanceof MlciError) return reply(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: error.message });
      throw error;
    }
  }

  private api(method: string, route: string, body: Body): unknown {
    const key = `${method} ${route}`;
    switch (key) {
      case 'GET experiments/get-by-name': {
        const name = str(body.experiment_name, 'experiment_name');
        const experiment = [...this.experiments.values()].find((e) => e.name === name);
        if (!experiment) throw notFound(`Could not find experiment with name '${name}'`);
        return { experiment };
      }
      case 'GET experiments/get':
        return { experiment: this.experiment(body.experiment_id) };
      case 'POST experiments/create': {
        const name = str(body.name, 'name');
        if ([...this.experiments.values()].some((e) => e.name === name))
          throw new ApiError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
        return { experiment_id: this.addExperiment(String(this.nextExperimentId++), name, body.tags ?? []).experiment_id };
      }
      case 'POST experiments/search': {
        const max = Number(body.max_results ?? 1000);
        return { experiments: [...this.experiments.values()].slice(0, max) };
      }
      case 'POST experiments/set-experiment-tag': {
        const experiment = this.experiment(body.experiment_id);
        experiment.tags = [
          ...experiment.tags.filter((t) => t.key !== body.key),
          { key: str(body.key, 'key'), value: String(body.value ?? '') },
        ];
        return {};
      }
      case 'POST runs/create':
        return { run: this.runJson(this.createRun(body)) };
      case 'POST runs/update': {
        const run = this.run(body);
        if (body.status) run.info.status = String(body.status);
        if (body.end_time !== undefined) run.info.end_time = Number(body.end_time);
        if (body.run_name) this.setName(run, String(body.run_name));
        return { run_info: this.runJson(run).info };
      }
      case 'GET runs/get':
        return { run: this.runJson(this.run(body)) };
      case 'POST runs/search': {
        const ids = (body.experiment_ids ?? []).map(String);
        const runs = [...this.runs.values()].filter((r) => !ids.length || ids.includes(r.info.experiment_id));
        return { runs: runs.map((r) => this.runJson(r)) };
      }
      case 'POST runs/delete':
      case 'POST runs/restore':
        this.run(body);
        return {};
      case 'POST runs/log-metric': {
        const run = this.run(body);
        run.collector.logMetric(str(body.key, 'key'), num(body.value, 'value'), Number(body.step ?? 0), num(body.timestamp, 'timestamp'));
        return {};
      }
      case 'POST runs/log-parameter': {
        this.run(body).collector.logParam(str(body.key, 'key'), String(body.value ?? ''));
        return {};
      }
      case 'POST runs/set-tag': {
        const run = this.run(body);
        const tagKey = str(body.key, 'key');
        if (tagKey === 'mlflow.runName') this.setName(run, String(body.value ?? ''));
        else run.collector.setTag(tagKey, String(body.value ?? ''));
        return {};
      }
      case 'POST runs/delete-tag': {
        this.run(body).collector.deleteTag(str(body.key, 'key'));
        return {};
      }
      case 'POST runs/log-batch':
        return this.logBatch(body);
      case 'POST runs/log-inputs': {
        const run = this.run(body);
        run.inputs.push(...(body.datasets ?? []));
        return {};
      }
      case 'POST runs/outputs': {
        this.run(body);
        return {};
      }
      case 'POST runs/log-model': {
        // MLflow 2 clients record each logged model's MLmodel JSON in this tag.
        const run = this.run(body);
        const history = JSON.parse(run.collector.tags['mlflow.log-model.history'] ?? '[]');
        history.push(JSON.parse(String(body.model_json ?? '{}')));
        run.collector.setTag('mlflow.log-model.history', JSON.stringify(history));
        return {};
      }
      case 'GET metrics/get-history': {
        const run = this.run(body);
        const points = run.collector.metrics[str(body.metric_key, 'metric_key')] ?? [];
        return { metrics: points.map((p) => ({ key: body.metric_key, ...p })) };
      }
      case 'GET artifacts/list': {
        const run = this.run(body);
        return {
          root_uri: run.info.artifact_uri,
          files: this.list(`${run.info.experiment_id}/${run.info.run_id}/artifacts/${body.path ?? ''}`),
        };
      }
      case 'POST logged-models':
        return { model: this.modelJson(this.createModel(body)) };
      case 'POST logged-models/search':
        return { models: [...this.models.values()].map((m) => this.modelJson(m)) };
    }
    const model = /^logged-models\/([^/]+)(\/tags|\/params)?(?:\/([^/]+))?$/.exec(route);
    if (model) {
      const found = this.models.get(decodeURIComponent(model[1]));
      if (!found) throw notFound(`Logged model with ID '${model[1]}' not found.`);
      if (method === 'GET' && !model[2]) return { model: this.modelJson(found) };
      if (method === 'PATCH' && !model[2]) {
        found.info.status = String(body.status ?? found.info.status);
        return { model: this.modelJson(found) };
      }
      if (method === 'PATCH' && model[2] === '/tags') {
        for (const t of body.tags ?? []) found.tags[String(t.key)] = String(t.value ?? '');
        return {};
      }
      if (method === 'DELETE' && model[2] === '/tags' && model[3]) {
        delete found.tags[decodeURIComponent(model[3])];
        return {};
      }
      if (method === 'POST' && model[2] === '/params') {
        found.data.params.push(...(body.params ?? []).map((p: Body) => ({ key: String(p.key), value: String(p.value ?? '') })));
        return {};
      }
    }
    throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API endpoint for ${method} /api/2.0/mlflow/${route}`);
  }

  private createRun(body: Body): MlflowRun {
    const experimentId = String(body.experiment_id ?? '0');
    this.experiment(experimentId);
    const tags: Body[] = body.tags ?? [];
    // The mlci run is the first top-level run; a nested run that comes first is a child like any other.
    const primary = !this.primaryTaken && !tags.some((t) => t?.key === 'mlflow.parentRunId');
    const id = primary ? this.options.runId : randomUUID().replace(/-/g, '');
    const collector = primary ? this.options.collector : new RunCollector();
    if (primary) this.primaryTaken = true;
    else this.secondary.push(id);
    for (const t of tags) collector.setTag(String(t.key), String(t.value ?? ''));
    // An unnamed run gets a name as MLflow's server gives one: the mlci run its own, others after it.
    const given = body.run_name ? String(body.run_name) : collector.tags['mlflow.runName'];
    const name = given || (primary ? this.options.runName : undefined) || `${this.options.runName ?? 'run'}-${this.secondary.length}`;
    const run: MlflowRun = {
      info: {
        run_id: id,
        run_uuid: id,
        run_name: name,
        experiment_id: experimentId,
        user_id: String(body.user_id ?? ''),
        status: 'RUNNING',
        start_time: Number(body.start_time ?? Date.now()),
        artifact_uri: `mlflow-artifacts:/${experimentId}/${id}/artifacts`,
        lifecycle_stage: 'active',
      },
      collector,
      inputs: [],
    };
    this.runs.set(id, run);
    this.setName(run, name);
    return run;
  }

  private logBatch(body: Body): unknown {
    const run = this.run(body);
    const metrics: Body[] = body.metrics ?? [];
    const params: Body[] = body.params ?? [];
    const tags: Body[] = body.tags ?? [];
    const L = MLFLOW_BATCH_LIMITS;
    if (metrics.length > L.metrics)
      throw invalid(
        `A batch logging request can contain at most ${L.metrics} metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`,
      );
    if (params.length > L.params)
      throw invalid(
        `A batch logging request can contain at most ${L.params} params. Got ${params.length} params. Please split up params across multiple requests and try again.`,
      );
    if (tags.length > L.tags)
      throw invalid(
        `A batch logging request can contain at most ${L.tags} tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`,
      );
    const total = metrics.length + params.length + tags.length;
    if (total > L.total)
      throw invalid(
        `A batch logging request can contain at most ${L.total} total metrics, params and tags. Got ${total}. Please split up the request and try again.`,
      );
    // Validate everything before applying anything, so a bad batch changes nothing.
    const parsedMetrics = metrics.map((m) => ({
      key: str(m.key, 'metrics.key'),
      value: num(m.value, 'metrics.value'),
      step: Number(m.step ?? 0),
      timestamp: num(m.timestamp, 'metrics.timestamp'),
    }));
    const parsedParams = params.map((p) => ({ key: str(p.key, 'params.key'), value: String(p.value ?? '') }));
    for (const p of parsedParams) {
      const previous = run.collector.params[p.key];
      if (previous !== undefined && previous !== p.value)
        throw invalid(
          `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${previous}' for run ID='${run.info.run_id}'. Attempted logging new value '${p.value}'.`,
        );
    }
    for (const p of parsedParams) run.collector.logParam(p.key, p.value);
    for (const m of parsedMetrics) run.collector.logMetric(m.key, m.value, m.step, m.timestamp);
    for (const t of tags) {
      if (t.key === 'mlflow.runName') this.setName(run, String(t.value ?? ''));
      else run.collector.setTag(str(t.key, 'tags.key'), String(t.value ?? ''));
    }
    return {};
  }

  private createModel(body: Body): LoggedModel {
    const experimentId = String(body.experiment_id ?? '0');
    this.experiment(experimentId);
    const id = `m-${randomUUID().replace(/-/g, '')}`;
    const name = String(body.name || id);
    const sourceRun = body.source_run_id ? this.runs.get(String(body.source_run_id)) : undefined;
    // A model logged from a run lands in that run's artifacts under its name (as MLflow 2 laid it out).
    const used =
      sourceRun && [...this.files.keys()].some((p) => p.startsWith(`${experimentId}/${sourceRun.info.run_id}/artifacts/${name}/`));
    const location =
      sourceRun && !used ? `${experimentId}/${sourceRun.info.run_id}/artifacts/${name}` : `${experimentId}/models/${id}/artifacts`;
    const now = Date.now();
    const model: LoggedModel = {
      info: {
        model_id: id,
        experiment_id: experimentId,
        name,
        artifact_uri: `mlflow-artifacts:/${location}`,
        creation_timestamp_ms: now,
        status: 'LOGGED_MODEL_PENDING',
        ...(sourceRun ? { source_run_id: sourceRun.info.run_id } : {}),
        ...(body.model_type ? { model_type: String(body.model_type) } : {}),
      },
      data: { params: (body.params ?? []).map((p: Body) => ({ key: String(p.key), value: String(p.value ?? '') })), metrics: [] },
      tags: Object.fromEntries((body.tags ?? []).map((t: Body) => [String(t.key), String(t.value ?? '')])),
    };
    this.models.set(id, model);
    return model;
  }

  private list(prefix: string) {
    const dir = prefix.replace(/\/+$/, '');
    const relRoot = dir.replace(/^[^/]+\/[^/]+\/artifacts\/?/, '');
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [path, info] of this.files) {
      if (path === dir) return [{ path: path.split('/').pop()!, is_dir: false, file_size: info.size }];
      if (!path.startsWith(dir + '/')) continue;
      const rest = path.slice(dir.length + 1);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      const rel = relRoot ? `${relRoot}/${name}` : name;
      entries.set(name, slash < 0 ? { path: rel, is_dir: false, file_size: info.size } : { path: rel, is_dir: true });
    }
    return [...entries.values()];
  }

  private async artifacts(req: IncomingMessage, res: ServerResponse, method: string, rawPath: string, url: URL): Promise<void> {
    if (method === 'GET' && !rawPath) {
      const path = safeArtifactPath(url.searchParams.get('path') ?? '');
      // Paths in the listing are relative to the listed directory, as MLflow's artifact server returns them.
      const files = this.list(path).map((f) => ({ ...f, path: f.path.split('/').pop()! }));
      return reply(res, 200, { files });
    }
    const path = safeArtifactPath(decodeURIComponent(rawPath));
    if (method === 'PUT') {
      const upload = this.options.store.putBlob({ stream: req });
      this.pending.add(upload);
      const blob = await upload.finally(() => this.pending.delete(upload));
      this.files.set(path, { sha256: blob.sha256, size: blob.size });
      const owner = /^[^/]+\/([0-9a-f]{32})\/artifacts\/(.+)$/.exec(path);
      if (owner) this.runs.get(owner[1])?.collector.addArtifact({ path: owner[2], sha256: blob.sha256, size: blob.size });
      return reply(res, 200, {});
    }
    if (method === 'GET') {
      const file = this.files.get(path);
      if (!file) throw notFound(`File ${path} not found`);
      const bytes = await this.options.store.getBlob(file.sha256);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
      return void res.end(bytes);
    }
    if (method === 'DELETE') {
      this.files.delete(path);
      return reply(res, 200, {});
    }
    throw new ApiError(404, 'ENDPOINT_NOT_FOUND', `No API endpoint for ${method} ${ARTIFACTS}/${rawPath}`);
  }
}
