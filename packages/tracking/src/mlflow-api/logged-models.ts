/** MLflow 3's LoggedModel routes: create, search, get, finalize (PATCH), tags, params. */
import { randomUUID } from 'node:crypto';
import { type Body, type Route, notFound } from './protocol';
import type { LoggedModel, MlflowState } from './state';

function model(state: MlflowState, id: string): LoggedModel {
  const found = state.models.get(id);
  if (!found) throw notFound(`Logged model with ID '${id}' not found.`);
  return found;
}

export const loggedModelRoutes: Route<MlflowState>[] = [
  { method: 'POST', path: 'logged-models', handle: (state, body) => ({ model: state.modelJson(createModel(state, body)) }) },
  {
    method: 'POST',
    path: 'logged-models/search',
    handle: (state) => ({ models: [...state.models.values()].map((m) => state.modelJson(m)) }),
  },
  { method: 'GET', path: 'logged-models/:id', handle: (state, _body, [id]) => ({ model: state.modelJson(model(state, id)) }) },
  {
    method: 'PATCH',
    path: 'logged-models/:id',
    handle: (state, body, [id]) => {
      const found = model(state, id);
      found.info.status = String(body.status ?? found.info.status);
      return { model: state.modelJson(found) };
    },
  },
  {
    method: 'PATCH',
    path: 'logged-models/:id/tags',
    handle: (state, body, [id]) => {
      const found = model(state, id);
      for (const t of body.tags ?? []) found.tags[String(t.key)] = String(t.value ?? '');
      return {};
    },
  },
  {
    method: 'DELETE',
    path: 'logged-models/:id/tags/:key',
    handle: (state, _body, [id, key]) => {
      delete model(state, id).tags[key];
      return {};
    },
  },
  {
    method: 'POST',
    path: 'logged-models/:id/params',
    handle: (state, body, [id]) => {
      model(state, id).data.params.push(...(body.params ?? []).map((p: Body) => ({ key: String(p.key), value: String(p.value ?? '') })));
      return {};
    },
  },
];

function createModel(state: MlflowState, body: Body): LoggedModel {
  const experimentId = String(body.experiment_id ?? '0');
  state.experiment(experimentId);
  const id = `m-${randomUUID().replace(/-/g, '')}`;
  const name = String(body.name || id);
  const sourceRun = body.source_run_id ? state.runs.get(String(body.source_run_id)) : undefined;
  // A model logged from a run lands in that run's artifacts under its name (as MLflow 2 laid it out).
  const used =
    sourceRun && [...state.files.keys()].some((p) => p.startsWith(`${experimentId}/${sourceRun.info.run_id}/artifacts/${name}/`));
  const location =
    sourceRun && !used ? `${experimentId}/${sourceRun.info.run_id}/artifacts/${name}` : `${experimentId}/models/${id}/artifacts`;
  const now = Date.now();
  const created: LoggedModel = {
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
  state.models.set(id, created);
  return created;
}
