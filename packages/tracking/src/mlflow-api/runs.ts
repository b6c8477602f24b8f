/** MLflow's run routes: create, update, get, search, delete/restore, and everything a run logs. */
import { addInputs, datasetInput, modelOutputs } from './inputs';
import { type Body, type Route, invalid, num, str } from './protocol';
import { searchRuns } from './search';
import type { MlflowRun, MlflowState, ModelMetricJson } from './state';

/** MLflow's per-request limits for log-batch (mlflow/utils/validation.py). */
export const MLFLOW_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export const runRoutes: Route<MlflowState>[] = [
  { method: 'POST', path: 'runs/create', handle: (state, body) => ({ run: state.runJson(state.createRun(body)) }) },
  {
    method: 'POST',
    path: 'runs/update',
    handle: (state, body) => {
      const run = state.activeRun(body);
      if (body.status) run.info.status = String(body.status);
      if (body.end_time !== undefined) run.info.end_time = Number(body.end_time);
      if (body.run_name) state.setName(run, String(body.run_name));
      return { run_info: state.runJson(run).info };
    },
  },
  { method: 'GET', path: 'runs/get', handle: (state, body) => ({ run: state.runJson(state.run(body)) }) },
  { method: 'POST', path: 'runs/search', handle: (state, body) => searchRuns(state, body) },
  {
    // A deleted run stays in the record, marked `deleted` (export deletes it on the server too).
    method: 'POST',
    path: 'runs/delete',
    handle: (state, body) => {
      state.run(body).info.lifecycle_stage = 'deleted';
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/restore',
    handle: (state, body) => {
      state.run(body).info.lifecycle_stage = 'active';
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-metric',
    handle: (state, body) => {
      const run = state.activeRun(body);
      const metric = parseMetric(body, '');
      run.collector.logMetric(metric.key, metric.value, metric.step, metric.timestamp);
      addModelMetrics(state, run, [metric]);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-parameter',
    handle: (state, body) => {
      state.activeRun(body).collector.logParam(str(body.key, 'key'), String(body.value ?? ''));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/set-tag',
    handle: (state, body) => {
      const run = state.activeRun(body);
      const tagKey = str(body.key, 'key');
      if (tagKey === 'mlflow.runName') state.setName(run, String(body.value ?? ''));
      else run.collector.setTag(tagKey, String(body.value ?? ''));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/delete-tag',
    handle: (state, body) => {
      state.activeRun(body).collector.deleteTag(str(body.key, 'key'));
      return {};
    },
  },
  { method: 'POST', path: 'runs/log-batch', handle: (state, body) => logBatch(state, state.activeRun(body), body) },
  {
    method: 'POST',
    path: 'runs/log-inputs',
    handle: (state, body) => {
      const run = state.activeRun(body);
      const datasets = (Array.isArray(body.datasets) ? body.datasets : []).map(datasetInput);
      const models = (Array.isArray(body.models) ? body.models : []).map((m: Body, i: number) => str(m?.model_id, `models[${i}].model_id`));
      addInputs(run.inputs, datasets);
      for (const id of models) if (!run.modelInputs.includes(id)) run.modelInputs.push(id);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/outputs',
    handle: (state, body) => {
      const run = state.activeRun(body);
      const outputs = modelOutputs(body);
      for (const o of outputs) if (!run.outputs.some((x) => x.modelId === o.modelId && x.step === o.step)) run.outputs.push(o);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-model',
    handle: (state, body) => {
      // MLflow 2 clients record each logged model's MLmodel JSON in this tag.
      const run = state.activeRun(body);
      const history = JSON.parse(run.collector.tags['mlflow.log-model.history'] ?? '[]');
      history.push(JSON.parse(String(body.model_json ?? '{}')));
      run.collector.setTag('mlflow.log-model.history', JSON.stringify(history));
      return {};
    },
  },
  {
    method: 'GET',
    path: 'metrics/get-history',
    handle: (state, body) => {
      const run = state.run(body);
      const points = run.collector.metrics[str(body.metric_key, 'metric_key')] ?? [];
      return { metrics: points.map((p) => ({ key: body.metric_key, ...p })) };
    },
  },
  {
    method: 'GET',
    path: 'artifacts/list',
    handle: (state, body) => {
      const run = state.run(body);
      return {
        root_uri: run.info.artifact_uri,
        files: state.list(`${run.info.experiment_id}/${run.info.run_id}/artifacts/${body.path ?? ''}`),
      };
    },
  },
];

function logBatch(state: MlflowState, run: MlflowRun, body: Body): unknown {
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
  const parsedMetrics = metrics.map((m) => parseMetric(m, 'metrics.'));
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
  addModelMetrics(state, run, parsedMetrics);
  for (const t of tags) {
    if (t.key === 'mlflow.runName') state.setName(run, String(t.value ?? ''));
    else run.collector.setTag(str(t.key, 'tags.key'), String(t.value ?? ''));
  }
  return {};
}

interface ParsedMetric {
  key: string;
  value: number;
  step: number;
  timestamp: number;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

function parseMetric(m: Body, prefix: string): ParsedMetric {
  return {
    key: str(m.key, `${prefix}key`),
    value: num(m.value, `${prefix}value`),
    step: Math.trunc(Number(m.step ?? 0)),
    timestamp: Math.trunc(num(m.timestamp, `${prefix}timestamp`)),
    ...(m.model_id ? { model_id: String(m.model_id) } : {}),
    ...(m.dataset_name ? { dataset_name: String(m.dataset_name) } : {}),
    ...(m.dataset_digest ? { dataset_digest: String(m.dataset_digest) } : {}),
  };
}

/**
 * Metrics logged with a `model_id` (MLflow 3) are the model's metrics too: each value once per model, as
 * MLflow's store keys it (key, value, step, timestamp, dataset).
 */
function addModelMetrics(state: MlflowState, run: MlflowRun, metrics: ParsedMetric[]): void {
  for (const m of metrics) {
    // A model_id mlci never saw created (MLflow's store does not check it either) links to nothing here.
    const model = m.model_id ? state.models.get(m.model_id) : undefined;
    if (!model) continue;
    const point: ModelMetricJson = { ...m, model_id: m.model_id!, run_id: run.info.run_id };
    const same = (p: ModelMetricJson) =>
      p.key === point.key &&
      p.step === point.step &&
      p.timestamp === point.timestamp &&
      Object.is(p.value, point.value) &&
      p.dataset_name === point.dataset_name &&
      p.dataset_digest === point.dataset_digest;
    if (!model.data.metrics.some(same)) {
      model.data.metrics.push(point);
      model.info.last_updated_timestamp_ms = Date.now();
    }
  }
}
