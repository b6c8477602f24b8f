/** MLflow 3's LoggedModel routes: create, search, get, finalize (PATCH), delete, tags, params. */
import { randomUUID } from 'node:crypto';
import { type Body, type Route, invalid, notFound } from './protocol';
import { searchLoggedModels } from './search';
import type { LoggedModel, MlflowState } from './state';

function model(state: MlflowState, id: string, allowDeleted = false): LoggedModel {
  const found = state.models.get(id);
  if (!found || (found.deleted && !allowDeleted)) throw notFound(`Logged model with ID '${id}' not found.`);
  return found;
}

const touch = (m: LoggedModel) => (m.info.last_updated_timestamp_ms = Date.now());

/** LoggedModelStatus as proto JSON sends it: its name, or its number. */
const STATUSES = ['LOGGED_MODEL_STATUS_UNSPECIFIED', 'LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED'];
function status(value: unknown): string {
  const v = String(value ?? '');
  if (STATUSES.includes(v)) return v;
  if (/^\d+$/.test(v) && STATUSES[Number(v)]) return STATUSES[Number(v)];
  throw invalid(`Invalid value ${JSON.stringify(value)} for parameter 'status' supplied.`);
}

export const loggedModelRoutes: Route<MlflowState>[] = [
  { method: 'POST', path: 'logged-models', handle: (state, body) => ({ model: state.modelJson(createModel(state, body)) }) },
  { method: 'POST', path: 'logged-models/search', handle: (state, body) => searchLoggedModels(state, body) },
  {
    method: 'GET',
    path: 'logged-models/:id',
    handle: (state, body, [id]) => ({ model: state.modelJson(model(state, id, String(body.allow_deleted).toLowerCase() === 'true')) }),
  },
  {
    method: 'PATCH',
    path: 'logged-models/:id',
    handle: (state, body, [id]) => {
      const found = model(state, id);
      if (body.status === undefined) throw invalid("Missing value for required parameter 'status'.");
      found.info.status = status(body.status);
      touch(found);
      return { model: state.modelJson(found) };
    },
  },
  {
    // Kept in the record marked deleted; search and get no longer find it.
    method: 'DELETE',
    path: 'logged-models/:id',
    handle: (state, _body, [id]) => {
      const found = model(state, id);
      found.deleted = true;
      touch(found);
      return {};
    },
  },
  {
    method: 'PATCH',
    path: 'logged-models/:id/tags',
    handle: (state, body, [id]) => {
      const found = model(state, id);
      for (const t of body.tags ?? []) found.tags[String(t.key)] = String(t.value ?? '');
      touch(found);
      return {};
    },
  },
  {
    method: 'DELETE',
    path: 'logged-models/:id/tags/:key',
    handle: (state, _body, [id, key]) => {
      const found = model(state, id);
      delete found.tags[key];
      touch(found);
      return {};
    },
  },
  {
    method: 'POST',
    path: 'logged-models/:id/params',
    handle: (state, body, [id]) => {
      const found = model(state, id);
      for (const p of body.params ?? []) {
        const param = { key: String(p.key), value: String(p.value ?? '') };
        const at = found.data.params.findIndex((x) => x.key === param.key);
        if (at >= 0) found.data.params[at] = param;
        else found.data.params.push(param);
      }
      touch(found);
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
      last_updated_timestamp_ms: now,
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
