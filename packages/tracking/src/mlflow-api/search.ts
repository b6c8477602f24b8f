/**
 * runs/search, experiments/search and logged-models/search over what the command's script created, answered
 * as MLflow's server (its SQL store) answers them: the filter (search-filter.ts), the order (the keys given,
 * values first, then NaN, then rows without the key; then newest first and by id), `max_results` and page
 * tokens, and the lifecycle view. The runs searched are the runs the script created during this command
 * (the mlci run and its child runs), deleted ones only in the DELETED_ONLY / ALL views.
 */
import {
  type Clause,
  checkRunComparator,
  compare,
  maxResults,
  MODEL_ALIASES,
  MODEL_COLUMNS,
  paginate,
  parseExperimentFilter,
  parseExperimentOrderBy,
  parseLoggedModelFilter,
  parseRunFilter,
  parseRunOrderBy,
  sortBy,
  translateKey,
  viewStages,
} from './search-filter';
import { type Body, invalid } from './protocol';
import type { Experiment, LoggedModel, MlflowRun, MlflowState } from './state';

const MLFLOW_DATASET_CONTEXT = 'mlflow.data.context';

const list = (value: unknown, field: string): unknown[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied: a list is expected`);
  return value;
};

/** The value MLflow's store keeps as a run's metric: its latest (highest step, then timestamp, then value). */
function latestMetric(run: MlflowRun, key: string): number | undefined {
  const points = run.collector.metrics[key];
  if (!points?.length) return undefined;
  let best = points[0];
  for (const p of points) {
    const v = (x: number) => (Number.isNaN(x) ? -Infinity : x);
    if (
      p.step > best.step ||
      (p.step === best.step && (p.timestamp > best.timestamp || (p.timestamp === best.timestamp && v(p.value) > v(best.value))))
    )
      best = p;
  }
  return best.value;
}

const runName = (run: MlflowRun) => run.collector.name ?? run.info.run_name;

function runAttribute(run: MlflowRun, key: string): string | number | null {
  switch (key) {
    case 'run_name':
      return run.collector.tags['mlflow.runName'] ?? runName(run);
    case 'start_time':
      return run.info.start_time;
    case 'end_time':
      return run.info.end_time ?? null;
    case 'run_id':
      return run.info.run_id;
    case 'status':
      return run.info.status;
    case 'user_id':
      return run.info.user_id;
    case 'artifact_uri':
      return run.info.artifact_uri;
  }
  return null;
}

function runMatches(run: MlflowRun, clause: Clause, comparator: string): boolean {
  const key = translateKey(clause.key);
  const { value } = clause;
  if (clause.type === 'parameter' || clause.type === 'tag') {
    const map = clause.type === 'parameter' ? run.collector.params : run.collector.tags;
    const lhs = map[key];
    if (comparator === 'IS NULL') return lhs === undefined;
    if (comparator === 'IS NOT NULL') return lhs !== undefined;
    return lhs !== undefined && compare(lhs, comparator, value);
  }
  if (clause.type === 'metric') {
    const lhs = latestMetric(run, key);
    if (lhs === undefined) return false;
    // MLflow's SQL store keeps NaN aside: it satisfies only "!=".
    if (Number.isNaN(lhs)) return comparator === '!=';
    return compare(lhs, comparator, Number(value));
  }
  if (clause.type === 'dataset') {
    if (key === 'context')
      return run.inputs.some((i) => i.tags.some((t) => t.key === MLFLOW_DATASET_CONTEXT && compare(t.value, comparator, value)));
    return run.inputs.some((i) => compare(key === 'name' ? i.dataset.name : i.dataset.digest, comparator, value));
  }
  const lhs = runAttribute(run, key);
  return lhs !== null && compare(lhs, comparator, value);
}

/** runs/search: `experiment_ids`, `filter`, `run_view_type`, `max_results` (≤ 50000), `order_by`, `page_token`. */
export function searchRuns(state: MlflowState, body: Body): { runs: unknown[]; next_page_token?: string } {
  const experimentIds = list(body.experiment_ids, 'experiment_ids').map(String);
  const clauses = parseRunFilter(body.filter === undefined ? undefined : String(body.filter));
  const orderKeys = parseRunOrderBy(list(body.order_by, 'order_by').map(String));
  const comparators = clauses.map(checkRunComparator);
  const max = maxResults(body.max_results, 1000, true);
  const stages = viewStages(body.run_view_type);
  const found = [...state.runs.values()].filter(
    (r) =>
      experimentIds.includes(r.info.experiment_id) &&
      stages.includes(r.info.lifecycle_stage) &&
      clauses.every((c, i) => runMatches(r, c, comparators[i])),
  );
  const sortValue = (type: string, key: string) => (r: MlflowRun) =>
    type === 'metric'
      ? latestMetric(r, key)
      : type === 'parameter'
        ? r.collector.params[key]
        : type === 'tag'
          ? r.collector.tags[key]
          : runAttribute(r, key);
  const byStart = orderKeys.some((k) => k.type === 'attribute' && k.key === 'start_time');
  const sorted = sortBy(
    found,
    orderKeys.map((k) => ({ value: sortValue(k.type, k.key), ascending: k.ascending })),
    (a, b) =>
      (byStart ? 0 : b.info.start_time - a.info.start_time) || (a.info.run_id < b.info.run_id ? -1 : a.info.run_id > b.info.run_id ? 1 : 0),
  );
  const { page, next } = paginate(sorted, body.page_token, max);
  return { runs: page.map((r) => state.runJson(r)), ...(next ? { next_page_token: next } : {}) };
}

function experimentMatches(e: Experiment, clause: Clause): boolean {
  const op = clause.comparator;
  if (clause.type === 'tag') {
    const tag = e.tags.find((t) => t.key === clause.key);
    if (op === 'IS NULL') return !tag;
    if (op === 'IS NOT NULL') return !!tag;
    return !!tag && compare(tag.value, op, clause.value);
  }
  if (clause.key === 'experiment_id') {
    const ids = (Array.isArray(clause.value) ? clause.value : [clause.value]).map((v) => String(Number(v)));
    return compare(e.experiment_id, op === '=' ? 'IN' : op === '!=' ? 'NOT IN' : op, ids);
  }
  const lhs = clause.key === 'name' ? e.name : clause.key === 'creation_time' ? e.creation_time : e.last_update_time;
  return compare(lhs, op, clause.value);
}

/** experiments/search: `view_type`, `max_results`, `filter`, `order_by`, `page_token`. */
export function searchExperiments(state: MlflowState, body: Body): { experiments: Experiment[]; next_page_token?: string } {
  const clauses = parseExperimentFilter(body.filter === undefined ? undefined : String(body.filter));
  const given = list(body.order_by, 'order_by').map(String);
  const orderKeys = parseExperimentOrderBy(given.length ? given : ['creation_time DESC', 'experiment_id ASC']);
  const max = maxResults(body.max_results, 1000);
  const stages = viewStages(body.view_type);
  const found = [...state.experiments.values()].filter(
    (e) => stages.includes(e.lifecycle_stage) && clauses.every((c) => experimentMatches(e, c)),
  );
  const value = (key: string) => (e: Experiment) =>
    key === 'experiment_id'
      ? Number(e.experiment_id)
      : key === 'name'
        ? e.name
        : key === 'creation_time'
          ? e.creation_time
          : e.last_update_time;
  const byId = orderKeys.some((k) => k.key === 'experiment_id');
  const sorted = sortBy(
    found,
    orderKeys.map((k) => ({ value: value(k.key), ascending: k.ascending })),
    (a, b) => (byId ? 0 : Number(b.experiment_id) - Number(a.experiment_id)),
  );
  const { page, next } = paginate(sorted, body.page_token, max);
  return { experiments: page, ...(next ? { next_page_token: next } : {}) };
}

// ---------------------------------------------------------------------------------------------------------

interface DatasetFilter {
  dataset_name: string;
  dataset_digest?: string;
}

const onDataset = (m: LoggedModel['data']['metrics'][number], datasets: DatasetFilter[]) =>
  datasets.some((d) => m.dataset_name === d.dataset_name && (!d.dataset_digest || m.dataset_digest === d.dataset_digest));

const STATUS_NUMBERS: Record<string, number> = {
  LOGGED_MODEL_STATUS_UNSPECIFIED: 0,
  LOGGED_MODEL_PENDING: 1,
  LOGGED_MODEL_READY: 2,
  LOGGED_MODEL_UPLOAD_FAILED: 3,
};

/** A LoggedModel's column as MLflow's logged_models table holds it (status is its enum number). */
function modelColumn(m: LoggedModel, key: string): string | number | null {
  switch (key) {
    case 'creation_timestamp_ms':
      return Number(m.info.creation_timestamp_ms);
    case 'last_updated_timestamp_ms':
      return Number(m.info.last_updated_timestamp_ms ?? m.info.creation_timestamp_ms);
    case 'status':
      return STATUS_NUMBERS[m.info.status] ?? 0;
    case 'artifact_location':
      return m.info.artifact_uri;
    case 'lifecycle_stage':
      return m.deleted ? 'deleted' : 'active';
  }
  const v = m.info[key];
  return v === undefined || v === null || v === '' ? null : (v as string | number);
}

/** logged-models/search: `experiment_ids` (required), `filter`, `datasets`, `max_results` (100), `order_by` objects, `page_token`. */
export function searchLoggedModels(state: MlflowState, body: Body): { models: unknown[]; next_page_token?: string } {
  const experimentIds = list(body.experiment_ids, 'experiment_ids').map(String);
  if (!experimentIds.length) throw invalid("Missing value for required parameter 'experiment_ids'.");
  const filter = body.filter ? String(body.filter) : null;
  const clauses = parseLoggedModelFilter(filter ?? undefined);
  const datasets = list(body.datasets, 'datasets') as DatasetFilter[];
  if (datasets.some((d) => !d?.dataset_name)) throw invalid('`dataset_name` in the `datasets` clause must be specified.');
  const orderBy = list(body.order_by, 'order_by') as Array<Body>;
  const keys = orderBy.map((o) => {
    const field = String(o?.field_name ?? '');
    const ascending = o?.ascending === undefined ? true : o.ascending === true || o.ascending === 'true';
    if (field.includes('.')) {
      const [entity, name] = [field.slice(0, field.indexOf('.')), field.slice(field.indexOf('.') + 1)];
      if (entity !== 'metrics') throw invalid(`Invalid order by field name: ${field}. Only metrics are supported.`);
      return {
        metric: name,
        ascending,
        datasetName: o.dataset_name as string | undefined,
        datasetDigest: o.dataset_digest as string | undefined,
      };
    }
    const column = MODEL_ALIASES[field] ?? field;
    if (!MODEL_COLUMNS.includes(column)) throw invalid(`Invalid order by field name: ${field}`);
    return { column, ascending };
  });
  const max = body.max_results ? maxResults(body.max_results, 100) : 100;
  let offset = 0;
  if (body.page_token) {
    let token: Body;
    try {
      token = JSON.parse(Buffer.from(String(body.page_token), 'base64').toString('utf8'));
    } catch (error) {
      throw invalid(`Invalid page token: ${body.page_token}. ${(error as Error).message}`);
    }
    if (JSON.stringify(token.experiment_ids ?? null) !== JSON.stringify(experimentIds))
      throw invalid(
        `Experiment IDs in the page token do not match the requested experiment IDs. Expected: ${JSON.stringify(experimentIds)}. Found: ${JSON.stringify(token.experiment_ids)}`,
      );
    if ((token.filter_string || null) !== filter)
      throw invalid(
        `Filter string in the page token does not match the requested filter string. Expected: ${filter}. Found: ${token.filter_string}`,
      );
    offset = Number(token.offset) || 0;
  }
  const found = [...state.models.values()].filter((m) => {
    if (m.deleted || !experimentIds.includes(m.info.experiment_id)) return false;
    if (datasets.length && !clauses.some((c) => c.entity === 'metrics') && !m.data.metrics.some((p) => onDataset(p, datasets)))
      return false;
    return clauses.every((c) => {
      if (c.entity === 'metrics')
        return m.data.metrics.some(
          (p) =>
            p.key === c.key && (!datasets.length || onDataset(p, datasets)) && !Number.isNaN(p.value) && compare(p.value, c.op, c.value),
        );
      if (c.entity === 'params') {
        const p = m.data.params.find((x) => x.key === c.key);
        return !!p && compare(p.value, c.op, c.value);
      }
      if (c.entity === 'tags') return c.key in m.tags && compare(m.tags[c.key], c.op, c.value);
      const lhs = modelColumn(m, c.key);
      if (lhs === null) return false;
      // An integer column compared with a quoted number (sqlite's numeric affinity): `status = '2'`.
      const rhs = typeof lhs === 'number' && typeof c.value === 'string' && /^-?\d+(\.\d+)?$/.test(c.value) ? Number(c.value) : c.value;
      return compare(lhs, c.op, rhs);
    });
  });
  const latest = (m: LoggedModel, k: { metric: string; datasetName?: string; datasetDigest?: string }) => {
    const points = m.data.metrics.filter(
      (p) =>
        p.key === k.metric &&
        (!k.datasetName || p.dataset_name === k.datasetName) &&
        (!k.datasetDigest || p.dataset_digest === k.datasetDigest),
    );
    if (!points.length) return null;
    return points.reduce((a, b) => (b.timestamp > a.timestamp || (b.timestamp === a.timestamp && b.step > a.step) ? b : a)).value;
  };
  const hasCreation = keys.some((k) => 'column' in k && k.column === 'creation_timestamp_ms');
  const hasId = keys.some((k) => 'column' in k && k.column === 'model_id');
  const sortKeys = [
    ...keys.map((k) => ({
      value: (m: LoggedModel) => ('metric' in k ? latest(m, k as { metric: string }) : modelColumn(m, (k as { column: string }).column)),
      ascending: k.ascending,
    })),
    ...(hasCreation ? [] : [{ value: (m: LoggedModel) => modelColumn(m, 'creation_timestamp_ms'), ascending: false }]),
    ...(hasId ? [] : [{ value: (m: LoggedModel) => m.info.model_id, ascending: true }]),
  ];
  const sorted = sortBy(found, sortKeys, () => 0);
  const page = sorted.slice(offset, offset + max);
  const next =
    sorted.length > offset + max
      ? Buffer.from(
          JSON.stringify({
            experiment_ids: experimentIds,
            filter_string: filter,
            order_by: orderBy.length ? orderBy : null,
            offset: offset + max,
          }),
        ).toString('base64')
      : undefined;
  return { models: page.map((m) => state.modelJson(m)), ...(next ? { next_page_token: next } : {}) };
}
