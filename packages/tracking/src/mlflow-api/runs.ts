/** MLflow's run routes: create, update, get, search, delete/restore, and everything a run logs. */
import { type Body, type Route, invalid, num, str } from './protocol';
import type { MlflowRun, MlflowState } from './state';

/** MLflow's per-request limits for log-batch (mlflow/utils/validation.py). */
export const MLFLOW_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export const runRoutes: Route<MlflowState>[] = [
  { method: 'POST', path: 'runs/create', handle: (state, body) => ({ run: state.runJson(state.createRun(body)) }) },
  {
    method: 'POST',
    path: 'runs/update',
    handle: (state, body) => {
      const run = state.run(body);
      if (body.status) run.info.status = String(body.status);
      if (body.end_time !== undefined) run.info.end_time = Number(body.end_time);
      if (body.run_name) state.setName(run, String(body.run_name));
      return { run_info: state.runJson(run).info };
    },
  },
  { method: 'GET', path: 'runs/get', handle: (state, body) => ({ run: state.runJson(state.run(body)) }) },
  {
    method: 'POST',
    path: 'runs/search',
    handle: (state, body) => {
      const ids = (body.experiment_ids ?? []).map(String);
      const runs = [...state.runs.values()].filter((r) => !ids.length || ids.includes(r.info.experiment_id));
      return { runs: runs.map((r) => state.runJson(r)) };
    },
  },
  { method: 'POST', path: 'runs/delete', handle: (state, body) => (state.run(body), {}) },
  { method: 'POST', path: 'runs/restore', handle: (state, body) => (state.run(body), {}) },
  {
    method: 'POST',
    path: 'runs/log-metric',
    handle: (state, body) => {
      const run = state.run(body);
      run.collector.logMetric(str(body.key, 'key'), num(body.value, 'value'), Number(body.step ?? 0), num(body.timestamp, 'timestamp'));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/log-parameter',
    handle: (state, body) => {
      state.run(body).collector.logParam(str(body.key, 'key'), String(body.value ?? ''));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'runs/set-tag',
    handle: (state, body) => {
      const run = state.run(body);
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
      state.run(body).collector.deleteTag(str(body.key, 'key'));
      return {};
    },
  },
  { method: 'POST', path: 'runs/log-batch', handle: (state, body) => logBatch(state, state.run(body), body) },
  {
    method: 'POST',
    path: 'runs/log-inputs',
    handle: (state, body) => {
      state.run(body).inputs.push(...(body.datasets ?? []));
      return {};
    },
  },
  { method: 'POST', path: 'runs/outputs', handle: (state, body) => (state.run(body), {}) },
  {
    method: 'POST',
    path: 'runs/log-model',
    handle: (state, body) => {
      // MLflow 2 clients record each logged model's MLmodel JSON in this tag.
      const run = state.run(body);
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
    if (t.key === 'mlflow.runName') state.setName(run, String(t.value ?? ''));
    else run.collector.setTag(str(t.key, 'tags.key'), String(t.value ?? ''));
  }
  return {};
}
