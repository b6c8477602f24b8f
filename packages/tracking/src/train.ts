/**
 * `mlci train`: runs a training command (argv, never a shell), captures what it logs through every route
 * (MLflow REST, DVC files, MLCI_METRICS_FILE, system sampler), and stores the run record.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { constants as osConstants } from 'node:os';
import { inputError, silentLogger, usageError, type Logger } from '@mlci/core';
import { projectStore, type RunRecord, type RunStatus, type Store } from '@mlci/store';
import { RunCollector } from './collector';
import { captureMetricsFile, parseMetricsJsonl, readParamsFile } from './capture-files';
import { describeDataset, environmentLineage, findProjectDir, gitLineage } from './lineage';
import { MlflowServer } from './mlflow-server';
import { startSystemSampler } from './system-metrics';
import { storeOutputs } from './outputs';

export interface TrainOptions {
  /** The command as argv: `[program, ...args]`. Run directly, never through a shell. Required, non-empty. */
  command: string[];
  /**
   * The project directory: the command runs there, relative paths are read from there, and the run is
   * stored under its `.mlci/` (unless `store` is given).
   * @default the git root containing the current directory, or the current directory outside git
   */
  projectDir?: string;
  /** Directory the command runs in. @default projectDir */
  cwd?: string;
  /** Store to record into. @default the LocalStore at `<projectDir>/.mlci` */
  store?: Store;
  /** Run name. @default the MLflow run name the script set, else the program's base name and a time */
  name?: string;
  /** Experiment name. @default the experiment the script's MLflow run used, else "Default" */
  experiment?: string;
  /** Input datasets (files), relative to the project directory: hashed into lineage. @default [] */
  data?: string[];
  /**
   * Also store each dataset's bytes in the store by hash (once, however many runs use it), so
   * `mlci data get` can restore them.
   * @default false
   */
  snapshot?: boolean;
  /**
   * DVC-style params files read after the command (nested keys flattened with dots). Params the script logged
   * itself win over file values.
   * @default ['params.yaml'] when that file exists
   */
  paramsFiles?: string[];
  /**
   * DVC-style metrics files (JSON/YAML, nested) read after the command, when written during the run.
   * @default ['metrics.json'] when that file is written during the run
   */
  metricsFiles?: string[];
  /**
   * Output files or directories (walked) stored as run artifacts after the command ends, whatever its
   * status, relative to the project directory. Missing ones are warned about, not fatal.
   * @default []
   */
  artifacts?: string[];
  /** Extra params to record (e.g. MLproject parameters). Script-logged params win. @default {} */
  params?: Record<string, string>;
  /** Extra tags to record. @default {} */
  tags?: Record<string, string>;
  /** Seconds between system-metric samples (0.1..3600); 0 turns sampling off. @default 10 */
  systemMetricsInterval?: number;
  /**
   * Where the command's stdout goes: 'inherit' (our stdout) or 'stderr' (so that our stdout can carry only
   * JSON). Its stderr always goes to ours.
   * @default 'inherit'
   */
  stdout?: 'inherit' | 'stderr';
  /** Extra environment for the command, applied over ours and under mlci's own variables. @default {} */
  env?: Record<string, string>;
  /**
   * Forward SIGINT and SIGTERM received by this process to the command (the run then ends KILLED).
   * @default true
   */
  forwardSignals?: boolean;
  /** Progress and warnings. @default silentLogger */
  logger?: Logger;
}

export interface TrainResult {
  record: RunRecord;
  /** The exit code mlci should end with: the command's, or 128 + signal number when it was killed. */
  exitCode: number;
}

const newRunId = () => randomUUID().replace(/-/g, '');

function defaultName(command: string[], start: number): string {
  const program = command[0].split(/[\\/]/).pop() ?? command[0];
  const script = command.slice(1).find((a) => /\.(py|r|jl|sh|js|ts)$/i.test(a))?.split(/[\\/]/).pop();
  return `${script ?? program}-${new Date(start).toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  if (!options.command.length || !options.command[0]) throw usageError('no command to run', 'give it after `--`: mlci train -- python train.py');
  const logger = options.logger ?? silentLogger;
  const projectDir = resolve(options.projectDir ?? (await findProjectDir()));
  const store = options.store ?? projectStore(projectDir);
  const id = newRunId();
  const collector = new RunCollector();
  const startTime = Date.now();

  // Lineage first: the data must be hashed as the command will read it, before it can change it.
  const datasets = await Promise.all((options.data ?? []).map((p) => describeDataset(p, projectDir)));
  for (const d of datasets) {
    if (options.snapshot) {
      const blob = await store.putBlob({ path: d.absolutePath }, { kind: 'dataset' });
      if (blob.sha256 !== d.sha256) throw inputError('dataset changed while it was being stored', { file: d.path });
      d.snapshot = true;
      logger.info(`dataset ${d.path}: ${blob.existed ? 'already stored' : 'stored'} as ${d.sha256.slice(0, 12)}`);
    }
  }
  const git = gitLineage(projectDir);
  const environment = environmentLineage(projectDir);

  const base = (status: RunStatus, endTime: number | null, exitCode: number | null): RunRecord => ({
    schema: 1,
    id,
    name: options.name ?? collector.name ?? defaultName(options.command, startTime),
    experiment: options.experiment ?? 'Default',
    status,
    startTime,
    endTime,
    exitCode,
    command: options.command,
    params: { ...collector.params },
    metrics: collector.metrics,
    tags: { ...options.tags, ...collector.tags },
    artifacts: collector.artifacts,
    lineage: { git: { commit: null, branch: null, dirty: false }, datasets: datasets.map(({ absolutePath: _, ...d }) => d), environment: { node: process.version, python: null, platform: `${process.platform}-${process.arch}`, lockFiles: [], pipFreeze: null } },
  });
  await store.putRun(base('RUNNING', null, null));

  const scratch = join(projectDir, '.mlci', 'tmp', id);
  await mkdir(scratch, { recursive: true });
  const metricsJsonl = join(scratch, 'metrics.jsonl');
  const server = await MlflowServer.start({ store, runId: id, collector });
  const sampler = options.systemMetricsInterval === 0 ? null : startSystemSampler(collector, { intervalSeconds: options.systemMetricsInterval });

  const env: Record<string, string | undefined> = {
    ...process.env,
    ...options.env,
    MLFLOW_TRACKING_URI: server.url,
    MLCI_METRICS_FILE: metricsJsonl,
    MLCI_RUN_ID: id,
  };
  if (options.experiment) env.MLFLOW_EXPERIMENT_NAME = options.experiment;
  // A run id inherited from an outer MLflow run would point the script at a run our server does not have.
  delete env.MLFLOW_RUN_ID;

  logger.info(`run ${id} (${projectDir}): ${options.command.join(' ')}`);
  const child = spawn(options.command[0], options.command.slice(1), {
    cwd: options.cwd ?? projectDir,
    env,
    stdio: ['inherit', options.stdout === 'stderr' ? 'pipe' : 'inherit', 'inherit'],
  });
  if (options.stdout === 'stderr') child.stdout!.pipe(process.stderr, { end: false });

  let forwarded: NodeJS.Signals | null = null;
  const forward = (signal: NodeJS.Signals) => {
    forwarded = signal;
    child.kill(signal);
  };
  if (options.forwardSignals ?? true) {
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
  }
  const outcome = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: Error }>((done) => {
    child.once('error', (error) => done({ code: null, signal: null, spawnError: error }));
    child.once('close', (code, signal) => done({ code, signal }));
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  const endTime = Date.now();

  await server.close();
  await sampler?.stop();
  const jsonl = await readFile(metricsJsonl, 'utf8').catch(() => '');
  for (const p of parseMetricsJsonl(jsonl, collector, endTime)) logger.warn(`MLCI_METRICS_FILE line ${p.line}: ${p.message}; skipped`);
  const paramsFiles = options.paramsFiles ?? ['params.yaml'];
  for (const file of paramsFiles) {
    const path = isAbsolute(file) ? file : join(projectDir, file);
    if (options.paramsFiles || existsSync(path)) collector.mergeParamsFile(await readParamsFile(path));
  }
  for (const file of options.metricsFiles ?? ['metrics.json']) {
    const read = await captureMetricsFile(isAbsolute(file) ? file : join(projectDir, file), startTime, collector);
    if (!read && options.metricsFiles) logger.warn(`metrics file ${file} was not written during the run; ignored`);
  }
  collector.mergeParams(options.params ?? {});
  for (const path of options.artifacts ?? []) {
    const stored = await storeOutputs(store, isAbsolute(path) ? path : join(projectDir, path), collector);
    if (!stored) logger.warn(`artifact ${path} does not exist after the run; not recorded`);
  }
  await rm(scratch, { recursive: true, force: true });

  let status: RunStatus;
  let exitCode: number | null;
  let mlciExit: number;
  if (outcome.spawnError) {
    status = 'FAILED';
    exitCode = null;
    mlciExit = 127;
    collector.setTag('mlci.error', `could not start ${options.command[0]}: ${outcome.spawnError.message}`);
  } else if (outcome.signal) {
    status = 'KILLED';
    exitCode = null;
    mlciExit = 128 + (osConstants.signals[outcome.signal] ?? 0);
    collector.setTag('mlci.signal', outcome.signal);
  } else {
    exitCode = outcome.code ?? 1;
    mlciExit = exitCode;
    // A forwarded Ctrl-C that the script turned into an exit code (Python's KeyboardInterrupt) is still a kill.
    status = forwarded && exitCode !== 0 ? 'KILLED' : exitCode === 0 ? 'FINISHED' : 'FAILED';
    if (forwarded) collector.setTag('mlci.signal', forwarded);
  }
  const experiment = options.experiment ?? server.state.experimentOf(id) ?? 'Default';
  const record: RunRecord = { ...base(status, endTime, exitCode), experiment };
  record.lineage.git = await git;
  record.lineage.environment = await environment;
  await store.putRun(record);
  if (outcome.spawnError) {
    throw inputError(`could not start "${options.command[0]}": ${outcome.spawnError.message} (run ${id} recorded as FAILED)`, {
      hint: 'check the program name and that it is on PATH; the command is run directly, not through a shell',
    });
  }
  return { record, exitCode: mlciExit };
}
