/**
 * What one training command's MLflow client has created on mlci's endpoint: experiments, runs (the first
 * top-level one is the mlci run), logged models and uploaded artifact files. Routes read and change it; at the
 * end the runs other than the mlci run become child runs of its record.
 */
import { randomUUID } from 'node:crypto';
import type { ArtifactRef, ChildRun, LoggedModelRecord, ModelMetricPoint, RunOutput, RunRecord, RunStatus, Store } from '@mlci/store';
import { RunCollector } from '../collector';
import { type DatasetInputJson, toRunInput } from './inputs';
import { type Body, type KeyValue, invalid, kv, notFound } from './protocol';
import type { MlflowRegistryPort } from '@mlci/store';

export interface MlflowStateOptions {
  /** Where uploaded artifacts are stored (by content hash). */
  store: Store;
  /** The mlci run id: given to the first run the script creates. 32 hex characters. */
  runId: string;
  /** Collects what is logged to that first run. */
  collector: RunCollector;
  /** The mlci run's name: what the script sees for its first top-level run when it names none. */
  runName?: string;
  /** The name was chosen by mlci's caller (`--name`), so the script's own run_name for that run is not used. */
  nameFixed?: boolean;
  /** The model registry the registered-models/model-versions routes serve (none: they answer ENDPOINT_NOT_FOUND). */
  registry?: MlflowRegistryPort;
}

export interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
  tags: KeyValue[];
}

export interface MlflowRun {
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
    lifecycle_stage: 'active' | 'deleted';
  };
  collector: RunCollector;
  /** Dataset inputs (`runs/log-inputs`), one per dataset name and digest. */
  inputs: DatasetInputJson[];
  /** LoggedModels the run used as inputs (`log-inputs` models). */
  modelInputs: string[];
  /** LoggedModels the run produced (`runs/outputs`). */
  outputs: RunOutput[];
}

export interface LoggedModel {
  info: Record<string, unknown> & {
    model_id: string;
    experiment_id: string;
    name: string;
    artifact_uri: string;
    status: string;
    source_run_id?: string;
  };
  data: { params: KeyValue[]; metrics: ModelMetricJson[] };
  tags: Record<string, string>;
  /** Deleted by the script (`DELETE logged-models/<id>`): found only with allow_deleted, never by search. */
  deleted?: boolean;
}

/** A LoggedModel's metric value as MLflow's JSON has it. */
export interface ModelMetricJson {
  key: string;
  value: number;
  timestamp: number;
  step: number;
  model_id: string;
  run_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}

export interface ArtifactFile {
  sha256: string;
  size: number;
}

export class MlflowState {
  readonly experiments = new Map<string, Experiment>();
  readonly runs = new Map<string, MlflowRun>();
  readonly models = new Map<string, LoggedModel>();
  /** Every uploaded artifact by its full mlflow-artifacts path (`<exp>/<run>/artifacts/<rel>`). */
  readonly files = new Map<string, ArtifactFile>();
  /** Uploads still being written to the store; `settled()` waits for them. */
  readonly pending = new Set<Promise<unknown>>();
  nextExperimentId = 1;
  private primaryTaken = false;
  /** Ids of the runs other than the mlci run, in creation order. */
  private readonly secondary: string[] = [];

  constructor(readonly options: MlflowStateOptions) {
    this.addExperiment('0', 'Default');
  }

  get store(): Store {
    return this.options.store;
  }

  /** Name of the experiment a run belongs to. */
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
        ...this.extras(run),
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

  /** Inputs, outputs and deletion of a run, as the record keeps them (each only when there is one). */
  private extras(run: MlflowRun): Pick<ChildRun, 'inputs' | 'outputs' | 'deleted'> {
    return {
      ...(run.inputs.length ? { inputs: run.inputs.map(toRunInput) } : {}),
      ...(run.outputs.length ? { outputs: run.outputs.map((o) => ({ ...o })) } : {}),
      ...(run.info.lifecycle_stage === 'deleted' ? { deleted: true as const } : {}),
    };
  }

  /** What the mlci run's record holds beside its collector's data: its inputs, outputs, deletion, and every LoggedModel. */
  recordExtras(): Pick<RunRecord, 'inputs' | 'outputs' | 'deleted' | 'loggedModels'> {
    const primary = this.runs.get(this.options.runId);
    const models = this.loggedModels();
    return { ...(primary ? this.extras(primary) : {}), ...(models.length ? { loggedModels: models } : {}) };
  }

  /** The LoggedModels the script created, with their artifacts (the files under each model's artifact location). */
  loggedModels(): LoggedModelRecord[] {
    return [...this.models.values()].map((m) => {
      const root = m.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, '');
      const artifacts: ArtifactRef[] = [...this.files]
        .filter(([path]) => path.startsWith(root + '/'))
        .map(([path, f]) => ({ path: path.slice(root.length + 1), sha256: f.sha256, size: f.size }))
        .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const metrics: ModelMetricPoint[] = m.data.metrics.map((p) => ({
        key: p.key,
        value: p.value,
        step: p.step,
        timestamp: p.timestamp,
        ...(p.run_id ? { runId: p.run_id } : {}),
        ...(p.dataset_name ? { datasetName: p.dataset_name } : {}),
        ...(p.dataset_digest ? { datasetDigest: p.dataset_digest } : {}),
      }));
      return {
        id: m.info.model_id,
        name: m.info.name,
        experiment: this.experiments.get(m.info.experiment_id)?.name ?? 'Default',
        sourceRunId: m.info.source_run_id ?? null,
        modelType: typeof m.info.model_type === 'string' ? m.info.model_type : null,
        status: m.info.status,
        ...(typeof m.info.status_message === 'string' && m.info.status_message ? { statusMessage: m.info.status_message } : {}),
        creationTime: Number(m.info.creation_timestamp_ms),
        lastUpdatedTime: Number(m.info.last_updated_timestamp_ms ?? m.info.creation_timestamp_ms),
        params: Object.fromEntries(m.data.params.map((p) => [p.key, p.value])),
        tags: { ...m.tags },
        metrics,
        artifacts,
        ...(m.deleted ? { deleted: true as const } : {}),
      };
    });
  }

  /** True when the script created at least one run here (it did not log elsewhere). */
  get sawRuns(): boolean {
    return this.runs.size > 0;
  }

  async settled(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }

  /** Names a run; the mlci run keeps a name fixed by `--name`. Sets `mlflow.runName` as MLflow's server does. */
  setName(run: MlflowRun, name: string): void {
    const fixed = run.info.run_id === this.options.runId && this.options.nameFixed && this.options.runName;
    const effective = fixed ? this.options.runName! : name;
    run.collector.name = effective;
    run.info.run_name = effective;
    run.collector.setTag('mlflow.runName', effective);
  }

  addExperiment(id: string, name: string, tags: KeyValue[] = []): Experiment {
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

  experiment(id: unknown): Experiment {
    const experiment = this.experiments.get(String(id ?? ''));
    if (!experiment) throw notFound(`No Experiment with id=${id} exists`);
    return experiment;
  }

  /** The run a request names by `run_id` (or the older `run_uuid`). */
  run(body: Body): MlflowRun {
    const id = String(body.run_id ?? body.run_uuid ?? '');
    if (!id) throw invalid("Missing value for required parameter 'run_id'.");
    const run = this.runs.get(id);
    if (!run) throw notFound(`Run with id=${id} not found`);
    return run;
  }

  /** The run a write names: it must be active, as MLflow's store requires (a deleted run takes no logging). */
  activeRun(body: Body): MlflowRun {
    const run = this.run(body);
    if (run.info.lifecycle_stage !== 'active')
      throw invalid(`The run ${run.info.run_id} must be in the 'active' state. Current state is ${run.info.lifecycle_stage}.`);
    return run;
  }

  runJson(run: MlflowRun) {
    const c = run.collector;
    const latest = Object.entries(c.metrics).map(([key, points]) => {
      const last = points.reduce((a, b) => (b.step > a.step || (b.step === a.step && b.timestamp >= a.timestamp) ? b : a));
      return { key, value: last.value, timestamp: last.timestamp, step: last.step };
    });
    return {
      info: { ...run.info, run_name: c.name ?? run.info.run_name },
      data: { metrics: latest, params: kv(c.params), tags: kv(c.tags) },
      inputs: { dataset_inputs: run.inputs, model_inputs: run.modelInputs.map((model_id) => ({ model_id })) },
      outputs: { model_outputs: run.outputs.map((o) => ({ model_id: o.modelId, step: o.step })) },
    };
  }

  modelJson(model: LoggedModel) {
    return { info: { ...model.info, tags: kv(model.tags) }, data: model.data };
  }

  createRun(body: Body): MlflowRun {
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
      modelInputs: [],
      outputs: [],
    };
    this.runs.set(id, run);
    this.setName(run, name);
    return run;
  }

  /** Files and directories directly under an artifact directory (or the file itself), paths relative to the run's root. */
  list(prefix: string) {
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
}
