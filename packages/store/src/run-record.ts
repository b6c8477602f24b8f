/**
 * The run record: what `mlci train` writes for every run, what `mlci runs/show --json` print, and what
 * compare/report/registry read. A plain JSON document, stable across versions: fields are only ever added.
 * Field names follow MLflow's run model where one exists (status values, metric history with step and
 * timestamp), so a record maps one-to-one onto an MLflow run when exported.
 */
import { inputError, isSafeRelativePath } from '@mlci/core';

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** One logged value of a metric. */
export interface MetricPoint {
  /** Training step as the script logged it (0 when it gave none). Integer. */
  step: number;
  /**
   * The value, NaN and ±Infinity included (a diverging loss is kept, as MLflow keeps it). JSON has no such
   * numbers: on disk and in `--json` output they are the strings "NaN", "Infinity" and "-Infinity", as in
   * MLflow's REST API (`encodeRunRecord` / `decodeRunRecord`); in memory they are always numbers.
   */
  value: number;
  /** Milliseconds since the Unix epoch when the value was logged. */
  timestamp: number;
}

/** A file the run produced (an MLflow artifact, a model file), stored by content in the store. */
export interface ArtifactRef {
  /** Path inside the run's artifact tree, POSIX separators, never absolute, never containing `..`. */
  path: string;
  /** SHA-256 of the bytes, lower-case hex: the blob's key in the store. */
  sha256: string;
  /** Size in bytes. */
  size: number;
}

/** An input dataset named by content, the way mlci and DVC both name it. */
export interface DatasetRef {
  /** Path as given, relative to the project directory where it lies inside it. */
  path: string;
  /**
   * SHA-256 of the file's bytes; for a directory, of its manifest (see @mlci/store dataset-dir: one entry per
   * file with relpath, size, SHA-256 and md5), which is stored as a blob under this key.
   */
  sha256: string;
  /**
   * DVC's md5 as mlci computed it from the bytes now (never copied from a `.dvc` file), of the kind
   * `dvcHash` names; `<md5>.dir` for a directory. What the `.dvc` file says is in `dvc`.
   */
  dvcMd5: string | null;
  /**
   * The kind of `dvcMd5`: `md5` (DVC 3, raw bytes) or `md5-dos2unix` (DVC 2: CRLF→LF in text chunks), the
   * kind the dataset's `.dvc` file uses (`md5` without one). Absent in records of mlci 0.2 and before.
   */
  dvcHash?: 'md5' | 'md5-dos2unix';
  /** `directory` for a folder dataset; absent for a file. */
  kind?: 'directory';
  /** Number of files (directories only). */
  files?: number;
  /** What `<path>.dvc` recorded, when that file exists and names an md5. */
  dvc?: DvcRecorded;
  /** Size in bytes (sum over files for a directory). */
  size: number;
  /** True when the bytes were stored in the store (`--snapshot`), so `mlci data get` can restore them. */
  snapshot: boolean;
}

/** What a dataset's `.dvc` file says, beside what mlci computed from the bytes. */
export interface DvcRecorded {
  /** The `.dvc` file, relative to the project directory. */
  file: string;
  /** The md5 it records (`<md5>.dir` for a directory). */
  md5: string;
  /** Its kind: `md5` when the entry says `hash: md5` (DVC 3), else `md5-dos2unix` (DVC 2). */
  hash: 'md5' | 'md5-dos2unix';
  /** `modified` when the bytes no longer hash to it (what `dvc status` reports as modified). */
  status: 'unchanged' | 'modified';
}

export interface GitLineage {
  /** Full commit SHA of HEAD, or null outside a git repository. */
  commit: string | null;
  /** Current branch, or null when detached or outside git. */
  branch: string | null;
  /** True when the work tree had uncommitted changes (tracked or untracked, ignoring .mlci/). */
  dirty: boolean;
}

export interface EnvironmentLineage {
  /** `process.version` of the Node running mlci. */
  node: string;
  /** `python3 --version` output (e.g. "3.11.7"), or null when no python3 is on PATH. */
  python: string | null;
  /** Operating system and architecture, e.g. "linux-x64". */
  platform: string;
  /** Lock files found in the project directory, with their SHA-256 (package-lock.json, poetry.lock, …). */
  lockFiles: Array<{ path: string; sha256: string }>;
  /** `pip freeze` lines (bounded in time; null when python is absent or pip did not answer in time). */
  pipFreeze: string[] | null;
}

export interface Lineage {
  git: GitLineage;
  datasets: DatasetRef[];
  environment: EnvironmentLineage;
}

export interface RunRecord {
  /** Schema version of this document; 1 for now. */
  schema: 1;
  /** 32 lower-case hex characters, like an MLflow run id. */
  id: string;
  /** Human name: `--name`, the MLflow run name the script set, or one made from the command. */
  name: string;
  /** Experiment name ("Default" unless the script or flags chose one). */
  experiment: string;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startTime: number;
  /** Milliseconds since the epoch; null while RUNNING. */
  endTime: number | null;
  /** The command's exit code; null when it was killed by a signal (see `tags['mlci.signal']`) or never ran. */
  exitCode: number | null;
  /** The argv that ran (never a shell string). */
  command: string[];
  /** Parameters, values as strings (MLflow's rule). */
  params: Record<string, string>;
  /** Full history per metric key, in logging order. System metrics live under `system/…` keys. */
  metrics: Record<string, MetricPoint[]>;
  /** Free-form tags (MLflow's `mlflow.*` tags included when the script set them). */
  tags: Record<string, string>;
  artifacts: ArtifactRef[];
  lineage: Lineage;
  /** Datasets the script logged with `mlflow.log_input(s)`, in logging order. Absent when none. */
  inputs?: RunInput[];
  /** LoggedModels (MLflow 3) the run named as its outputs (`runs/outputs`: `log_model` does), with the step. */
  outputs?: RunOutput[];
  /**
   * True when the script deleted this run (`MlflowClient.delete_run`) and did not restore it: the record keeps
   * it, `mlci runs` marks it, and `mlci export` deletes it on the server after writing it. Absent otherwise.
   */
  deleted?: true;
  /**
   * The LoggedModels (MLflow 3 `models:/<model_id>`) the command created, whichever of its runs made them:
   * params, metrics (those logged with `model_id`), tags, status and artifacts. Absent when none.
   */
  loggedModels?: LoggedModelRecord[];
  /**
   * The other runs the script opened, in creation order: nested runs (tag `mlflow.parentRunId` names their
   * parent, this run or another child) and later top-level runs (no parent tag). The record itself is the
   * first top-level run, the one gates, comparisons and promotion use. Absent when there were none.
   */
  children?: ChildRun[];
}

/** A run the script opened besides the first top-level one: its own MLflow data, the parent's lineage. */
export interface ChildRun {
  /** 32 lower-case hex characters, unique among the record and its children. */
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  params: Record<string, string>;
  metrics: Record<string, MetricPoint[]>;
  tags: Record<string, string>;
  artifacts: ArtifactRef[];
  /** As on RunRecord. */
  inputs?: RunInput[];
  /** As on RunRecord. */
  outputs?: RunOutput[];
  /** As on RunRecord: the script deleted this run. */
  deleted?: true;
}

/** A dataset input of a run, as MLflow's `log_inputs` carries it (mlflow.entities.Dataset and its input tags). */
export interface RunInput {
  name: string;
  /** MLflow's digest (for pandas: 8 hex characters of an md5 over a row sample; not a file hash). */
  digest: string;
  /** `local`, `code`, `http`, `s3`… */
  sourceType: string;
  /** The source as MLflow's JSON string (`{"uri": "data/iris.csv"}`). */
  source: string;
  /** MLflow's schema JSON, when the dataset has one. */
  schema?: string;
  /** MLflow's profile JSON (`{"num_rows": 150, …}`), when given. */
  profile?: string;
  /** Input tags: `mlflow.data.context` (training, eval…) and any others. */
  tags: Record<string, string>;
  /**
   * The mlci dataset (`lineage.datasets`) this input is: by `digest` when MLflow's digest is that dataset's
   * SHA-256 (or a prefix of at least 8 characters) or DVC md5, else by `source` when the source's path is the
   * dataset's path. Absent when neither matches.
   */
  lineage?: { path: string; sha256: string; by: 'digest' | 'source' };
}

/** A LoggedModel a run names as its output (`runs/outputs`). */
export interface RunOutput {
  modelId: string;
  step: number;
}

/** A metric value logged for a LoggedModel (MLflow 3: `log_metric(..., model_id=…)`). */
export interface ModelMetricPoint extends MetricPoint {
  key: string;
  /** The run it was logged through. */
  runId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

/** An MLflow 3 LoggedModel as mlci keeps it. */
export interface LoggedModelRecord {
  /** MLflow's model id (`m-` and 32 hex characters). */
  id: string;
  name: string;
  experiment: string;
  /** The run that logged it (the record or one of its children), or null. */
  sourceRunId: string | null;
  modelType: string | null;
  /** MLflow's status name: LOGGED_MODEL_PENDING, LOGGED_MODEL_READY, LOGGED_MODEL_UPLOAD_FAILED. */
  status: string;
  statusMessage?: string;
  creationTime: number;
  lastUpdatedTime: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: ModelMetricPoint[];
  /** The model's files, paths relative to the model's artifact root (`MLmodel`, `model.pkl`…). */
  artifacts: ArtifactRef[];
  /** True when the script deleted the model. */
  deleted?: true;
}

/** The artifacts of the record and of its child runs (their blobs travel with the record). */
export const allArtifacts = (
  record: Pick<RunRecord, 'artifacts' | 'children'> & Pick<Partial<RunRecord>, 'loggedModels'>,
): ArtifactRef[] => [
  ...(record.artifacts ?? []),
  ...(record.children ?? []).flatMap((c) => c?.artifacts ?? []),
  ...(record.loggedModels ?? []).flatMap((m) => m?.artifacts ?? []),
];

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function mapMetrics<V>(metrics: Record<string, MetricPoint[]>, value: (v: V) => unknown): Record<string, MetricPoint[]> {
  // fromEntries defines keys as own properties: a metric named `__proto__` stays a metric.
  return Object.fromEntries(
    Object.entries(metrics ?? {}).map(([key, points]) => [
      key,
      // A point that is not an object is left as it is, for the reader's own check to name.
      (Array.isArray(points) ? points : []).map((p) => (p && typeof p === 'object' ? { ...p, value: value(p.value as V) as number } : p)),
    ]),
  );
}

/** A LoggedModel's metric points with their values mapped (a point that is not an object is left as it is). */
const mapPoints = <P extends { value: number }>(points: P[] | undefined, value: (v: never) => unknown): P[] =>
  (Array.isArray(points) ? points : []).map((p) => (p && typeof p === 'object' ? { ...p, value: value(p.value as never) as number } : p));

/** The record as JSON can hold it: NaN and ±Infinity metric values become "NaN", "Infinity", "-Infinity". */
export function encodeRunRecord<T extends Pick<RunRecord, 'metrics' | 'children'>>(record: T): T {
  const encode = (v: number) => (Number.isFinite(v) ? v : String(v));
  const hasNonFinite = (m: Record<string, MetricPoint[]>) =>
    Object.values(m ?? {}).some((ps) => ps?.some((p) => typeof p.value === 'number' && !Number.isFinite(p.value)));
  const models = (record as Partial<RunRecord>).loggedModels;
  const modelsNonFinite = models?.some((m) => m?.metrics?.some((p) => typeof p?.value === 'number' && !Number.isFinite(p.value)));
  if (!hasNonFinite(record.metrics) && !(record.children ?? []).some((c) => hasNonFinite(c.metrics)) && !modelsNonFinite) return record;
  return {
    ...record,
    metrics: mapMetrics(record.metrics, encode),
    ...(record.children ? { children: record.children.map((c) => ({ ...c, metrics: mapMetrics(c.metrics, encode) })) } : {}),
    ...(models ? { loggedModels: models.map((m) => ({ ...m, metrics: mapPoints(m.metrics, encode) })) } : {}),
  };
}

/** The inverse of `encodeRunRecord`, for a record parsed from JSON (a null value, as older writers left it, is NaN). */
export function decodeRunRecord<T extends Pick<RunRecord, 'metrics' | 'children'>>(record: T): T {
  const decode = (v: unknown) =>
    typeof v === 'number' ? v : typeof v === 'string' && v in NON_FINITE ? NON_FINITE[v] : v === null ? NaN : v;
  const needs = (m: Record<string, MetricPoint[]>) =>
    Object.values(m ?? {}).some((ps) => Array.isArray(ps) && ps.some((p) => typeof p?.value !== 'number'));
  const models = (record as Partial<RunRecord>).loggedModels;
  const modelsNeed =
    Array.isArray(models) && models.some((m) => Array.isArray(m?.metrics) && m.metrics.some((p) => typeof p?.value !== 'number'));
  if (!needs(record.metrics) && !(record.children ?? []).some((c) => needs(c.metrics)) && !modelsNeed) return record;
  return {
    ...record,
    metrics: mapMetrics(record.metrics, decode),
    ...(record.children ? { children: record.children.map((c) => ({ ...c, metrics: mapMetrics(c.metrics, decode) })) } : {}),
    ...(Array.isArray(models) ? { loggedModels: models.map((m) => ({ ...m, metrics: mapPoints(m?.metrics, decode) })) } : {}),
  };
}

/** The last value of each metric: what gates and comparisons read most often. */
export function lastValues(record: Pick<RunRecord, 'metrics'>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, points] of Object.entries(record.metrics)) if (points.length) out[key] = points[points.length - 1].value;
  return out;
}

/**
 * Refuses a record whose artifact paths could escape the directory they are restored into (`../`, absolute
 * paths, backslashes): such a record is never stored, imported or served. `where` names its source.
 */
export function assertSafeArtifactPaths(
  record: Pick<RunRecord, 'id' | 'artifacts'> & Partial<Pick<RunRecord, 'children'>>,
  where: string,
): void {
  const bad = allArtifacts(record).find((a) => !isSafeRelativePath(a?.path));
  if (bad) {
    throw inputError(`${where}: run ${record.id} names an unsafe artifact path ${JSON.stringify(String(bad.path).slice(0, 200))}`, {
      hint: 'artifact paths must be relative, with / separators and no `.` or `..` segments; the record was refused, do not trust its source',
    });
  }
}
