/**
 * `mlci train`: runs a training command (argv, never a shell), captures what it logs through every route
 * (MLflow REST, DVC files, MLCI_METRICS_FILE, system sampler), and stores the run record.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { constants as osConstants } from 'node:os';
import { inputError, MlciError, silentLogger, usageError, type Logger } from '@mlci/core';
import {
  OWNER_TAG,
  ownerTag,
  projectStore,
  type EnvironmentLineage,
  type GitLineage,
  type RunRecord,
  type RunStatus,
  type Store,
} from '@mlci/store';
import { RunCollector } from './collector';
import { captureMetricsFile, parseMetricsJsonl, readParamsFile } from './capture-files';
import { describeDataset, environmentLineage, findProjectDir, gitLineage, snapshotDataset } from './lineage';
import { MlflowServer, type MlflowRegistryPort } from './mlflow-server';
import { linkInputs } from './mlflow-api/inputs';
import { type RunSelector, selectOrFail } from './select-run';
import { startSystemSampler } from './system-metrics';
import { storeOutputs } from './outputs';
import { spawnGroup, type RunningGroup } from './process-group';
import { storageError } from './storage-errors';
import { detectEscape } from './escape';
import { openRunJournal, type RunJournal } from './journal';

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
  /** Input datasets (files or folders), relative to the project directory: hashed into lineage. @default [] */
  data?: string[];
  /**
   * Also store each dataset's bytes in the store by hash (once, however many runs use it), so
   * `mlci data get` can restore them.
   * @default false
   */
  snapshot?: boolean;
  /**
   * DVC-style params files (nested keys flattened with dots), checked before the command starts (each named
   * one must exist and parse) and read after it. Params the script logged itself win over file values.
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
   * Forward SIGINT, SIGTERM and SIGHUP received by this process to the command's whole process group (the run
   * then ends KILLED; a third signal is sent as SIGKILL).
   * @default true
   */
  forwardSignals?: boolean;
  /**
   * Which of the runs the script opens is the run gates, comparisons and promotion use (`select-run.ts`).
   * @default the first top-level run
   */
  selectRun?: RunSelector;
  /**
   * The model registry the script's MLflow registry calls reach (registered-models/*, model-versions/*); what
   * it registers is published when the run ends FINISHED. `@mlci/registry`'s openMlflowRegistry makes one.
   * @default none: those calls answer ENDPOINT_NOT_FOUND
   */
  modelRegistry?: MlflowRegistryPort;
  /** Progress and warnings. @default silentLogger */
  logger?: Logger;
}

export interface TrainResult {
  record: RunRecord;
  /** The exit code mlci should end with: the command's, or 128 + signal number when it was killed. */
  exitCode: number;
}

/**
 * The run was recorded, FAILED, but mlci could not do all of its part (the command could not start, a metrics
 * file was malformed, an artifact could not be stored): the user's error to show, with the recorded run.
 */
export class RecordedRunError extends MlciError {
  constructor(
    cause: MlciError,
    readonly result: TrainResult,
  ) {
    super(cause.kind, cause.message, { ...cause.location, hint: cause.hint, cause });
  }
}

const newRunId = () => randomUUID().replace(/-/g, '');

function defaultName(command: string[], start: number): string {
  const program = command[0].split(/[\\/]/).pop() ?? command[0];
  const script = command
    .slice(1)
    .find((a) => /\.(py|r|jl|sh|js|ts)$/i.test(a))
    ?.split(/[\\/]/)
    .pop();
  return `${script ?? program}-${new Date(start).toISOString().replace(/[-:]/g, '').slice(0, 15)}`;
}

const inProject = (projectDir: string, file: string) => (isAbsolute(file) ? file : join(projectDir, file));
const NO_GIT: GitLineage = { commit: null, branch: null, dirty: false };
const noEnvironment = (): EnvironmentLineage => ({
  node: process.version,
  python: null,
  platform: `${process.platform}-${process.arch}`,
  lockFiles: [],
  pipFreeze: null,
});

/** Every input that can be checked before the command runs is checked here, so a bad one costs no training. */
async function preflight(options: TrainOptions, projectDir: string, cwd: string): Promise<void> {
  const info = await stat(cwd).catch(() => null);
  if (!info?.isDirectory())
    throw inputError(`working directory ${cwd} ${info ? 'is not a directory' : 'does not exist'}`, {
      hint: 'the command runs in the project directory unless told otherwise; check the path',
    });
  for (const file of options.paramsFiles ?? ['params.yaml']) {
    const path = inProject(projectDir, file);
    if (!options.paramsFiles && !existsSync(path)) continue;
    if (!existsSync(path)) {
      throw inputError('params file not found', {
        file,
        hint: `--params-file is read relative to the project directory (${projectDir}) and must exist before the command starts`,
      });
    }
    await readParamsFile(path);
  }
  for (const file of options.metricsFiles ?? []) {
    if ((await stat(inProject(projectDir, file)).catch(() => null))?.isDirectory())
      throw inputError('metrics file is a directory', { file, hint: '--metrics-file names the JSON or YAML file the command writes' });
  }
}

export async function train(options: TrainOptions): Promise<TrainResult> {
  if (!options.command.length || !options.command[0])
    throw usageError('no command to run', 'give it after `--`: mlci train -- python train.py');
  const logger = options.logger ?? silentLogger;
  const projectDir = resolve(options.projectDir ?? (await findProjectDir()));
  const cwd = options.cwd ?? projectDir;
  await preflight(options, projectDir, cwd);
  const store = options.store ?? projectStore(projectDir);
  // Named in a storage error that carries no path of its own (a stream's ENOSPC).
  const storeDir = options.store ? (options.store as { root?: string }).root : join(projectDir, '.mlci');
  const id = newRunId();
  const collector = new RunCollector();
  const startTime = Date.now();
  // One name for the run: what the script reads back from MLflow, what is stored, and what is exported.
  const runName = options.name ?? defaultName(options.command, startTime);

  // Lineage first: the data must be hashed as the command will read it, before it can change it.
  const datasets = await Promise.all((options.data ?? []).map((p) => describeDataset(p, projectDir)));
  for (const d of datasets) {
    for (const warning of d.warnings) logger.warn(warning);
    // A directory's per-file manifest is kept whatever --snapshot says: it is the lineage of the folder.
    if (d.manifest)
      await store.putBlob({ bytes: d.manifest }).catch((error) => {
        throw storageError(error, `storing the manifest of ${d.path}`, storeDir);
      });
    if (options.snapshot)
      await snapshotDataset(store, d, logger).catch((error) => {
        throw storageError(error, `storing dataset ${d.path}`, storeDir);
      });
  }
  // Read while the command runs; a failure here costs the lineage, never the run.
  const git = gitLineage(projectDir).catch(() => NO_GIT);
  const environment = environmentLineage(projectDir).catch(() => noEnvironment());

  const base = (status: RunStatus, endTime: number | null, exitCode: number | null): RunRecord => ({
    schema: 1,
    id,
    name: options.name ?? collector.name ?? runName,
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
    lineage: {
      git: NO_GIT,
      datasets: datasets.map(({ absolutePath: _, manifest: _m, warnings: _w, ...d }) => d),
      environment: noEnvironment(),
    },
  });
  // The owner tag lets a later reader on this machine mark the run abandoned if mlci dies without a word.
  await store
    .putRun({ ...base('RUNNING', null, null), tags: { ...base('RUNNING', null, null).tags, [OWNER_TAG]: ownerTag() } })
    .catch((error) => {
      throw storageError(error, `recording run ${id}`, storeDir);
    });
  // Everything logged from here on is journaled as it arrives, so a SIGKILL of mlci loses (almost) nothing.
  const journal: RunJournal | null = openRunJournal(store, id, (m) => logger.warn(m));
  if (journal) collector.journalTo(journal);

  const scratch = join(projectDir, '.mlci', 'tmp', id);
  let group: RunningGroup | null = null;
  let forwarded: NodeJS.Signals | null = null;
  let signals = 0;
  const forward = (signal: NodeJS.Signals) => {
    forwarded = signal;
    // A command that ignores the signal twice is not going to stop: the third one cannot be ignored.
    group?.signal(++signals >= 3 ? 'SIGKILL' : signal);
  };
  const listen = options.forwardSignals ?? true;
  const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  if (listen) for (const s of FORWARDED) process.on(s, forward);
  let server: MlflowServer | null = null;
  let serverState: MlflowServer['state'] | null = null;
  let sampler: { stop(): Promise<void> } | null = null;
  let ended = false;
  try {
    await mkdir(scratch, { recursive: true }).catch((error) => {
      throw storageError(error, 'creating the scratch directory', storeDir);
    });
    const metricsJsonl = join(scratch, 'metrics.jsonl');
    const starting = () =>
      MlflowServer.start({ store, runId: id, collector, runName, nameFixed: options.name !== undefined, registry: options.modelRegistry });
    // Started in the journal's scope: the endpoint's child runs journal themselves (journal.ts).
    server = await (journal ? journal.scope(starting) : starting());
    serverState = server.state;
    journal?.follow(serverState);
    sampler =
      options.systemMetricsInterval === 0 ? null : startSystemSampler(collector, { intervalSeconds: options.systemMetricsInterval });

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
    group = spawnGroup(options.command, { cwd, env, stdout: options.stdout === 'stderr' ? 'pipe' : 'inherit' });
    if (options.stdout === 'stderr') group.child.stdout!.pipe(process.stderr, { end: false });
    if (forwarded) group.signal(forwarded); // a signal that came while it was being started
    const outcome = await group.exited;
    const endTime = Date.now();
    // Whatever the command left running in its group ends with the run, instead of holding its pipes.
    await group.end();
    await server.close();
    server = null;
    await sampler?.stop();
    sampler = null;
    // A script that points MLflow elsewhere is recorded empty: say so, in the log and on the run.
    const escaped = await detectEscape({ command: options.command, cwd, startTime, sawRuns: serverState.sawRuns }).catch(() => null);
    if (escaped) {
      collector.setTag('mlci.tracking.escaped', escaped.summary);
      logger.warn(
        `the script sent its MLflow runs elsewhere, not to mlci (${escaped.summary}); what it logged there is not in run ${id}. ` +
          'Remove the set_tracking_uri call or MLFLOW_TRACKING_URI assignment, or use mlflow.set_tracking_uri(os.environ["MLFLOW_TRACKING_URI"])',
      );
    }

    const problems = await capture(options, projectDir, startTime, endTime, metricsJsonl, store, storeDir, collector, logger);
    await rm(scratch, { recursive: true, force: true });

    let status: RunStatus;
    let exitCode: number | null;
    let mlciExit: number;
    if (outcome.spawnError) {
      status = 'FAILED';
      exitCode = null;
      mlciExit = 127;
      collector.setTag('mlci.error', `could not start ${options.command[0]}: ${outcome.spawnError.message}`);
    } else if (outcome.signal || forwarded) {
      // Killed, or interrupted by a forwarded signal (even when the script turned it into an exit code, as
      // Python's KeyboardInterrupt does): exit 128 + the signal's number, as a shell reports it.
      const signal = (forwarded ?? outcome.signal)!;
      status = 'KILLED';
      exitCode = outcome.code;
      mlciExit = 128 + (osConstants.signals[signal] ?? 0);
      collector.setTag('mlci.signal', signal);
    } else {
      exitCode = outcome.code ?? 1;
      mlciExit = exitCode;
      status = exitCode === 0 ? 'FINISHED' : 'FAILED';
    }
    if (problems.length) {
      if (status === 'FINISHED') status = 'FAILED';
      collector.setTag('mlci.error', problems.map((p) => p.oneLine()).join('; '));
    }
    const selected = selectOrFail(
      { ...base(status, endTime, exitCode), experiment: options.experiment ?? experimentOf() ?? 'Default', ...childrenOf(status, endTime) },
      options.selectRun,
    );
    if (selected.problem) problems.push(selected.problem);
    status = selected.record.status;
    const record: RunRecord = selected.record;
    record.lineage.git = await git;
    record.lineage.environment = await environment;
    ended = true;
    await recordEnd(store, record, storeDir).catch(async (error) => {
      await journal?.close(true); // the end was not written whole: the journal is what a later reader rebuilds from
      throw error;
    });
    await endJournal(journal, logger);
    const result = { record, exitCode: mlciExit };
    await publishRegistered(options.modelRegistry, record, result);
    if (outcome.spawnError) {
      throw new RecordedRunError(
        inputError(`could not start "${options.command[0]}": ${outcome.spawnError.message} (run ${id} recorded as FAILED)`, {
          hint: 'check the program name and that it is on PATH; the command is run directly, not through a shell',
        }),
        result,
      );
    }
    if (problems.length) {
      for (const p of problems.slice(1)) logger.error(p.describe());
      const first = problems[0];
      const kept = Object.keys(record.metrics).length;
      const message = `${first.message} (run ${id} recorded as ${status}${kept ? `; the ${kept} metrics captured are kept` : ''})`;
      // A killed run keeps its signal's exit code: the capture problem is then only reported.
      if (status === 'KILLED') logger.error(new MlciError(first.kind, message, { ...first.location, hint: first.hint }).describe());
      else throw new RecordedRunError(new MlciError(first.kind, message, { ...first.location, hint: first.hint }), result);
    }
    return result;
  } catch (error) {
    if (error instanceof RecordedRunError || ended) throw error; // recorded already, or recordEnd said why not
    // Whatever went wrong, the run must not stay RUNNING: stop the command and record why it ended.
    const reason = storageError(error, `recording run ${id}`, storeDir);
    if (group) {
      group.signal('SIGTERM');
      await group.end(1000).catch(() => {});
    }
    await server?.close().catch(() => {});
    await sampler?.stop().catch(() => {});
    await rm(scratch, { recursive: true, force: true }).catch(() => {});
    collector.setTag(
      'mlci.error',
      reason instanceof MlciError ? reason.oneLine() : `internal error: ${(reason as Error)?.message ?? String(reason)}`,
    );
    const failedAt = Date.now();
    const record = {
      ...base('FAILED', failedAt, null),
      experiment: options.experiment ?? experimentOf() ?? 'Default',
      ...childrenOf('FAILED', failedAt),
    };
    await recordEnd(store, record, storeDir).then(
      () => Promise.all([endJournal(journal, logger), options.modelRegistry?.finish(record).catch(() => {})]),
      async (e) => {
        await journal?.close(true).catch(() => {});
        logger.error(e instanceof MlciError ? e.describe() : `run ${id} could not be recorded as FAILED: ${String(e)}`);
      },
    );
    throw reason;
  } finally {
    if (listen) for (const s of FORWARDED) process.off(s, forward);
  }

  function experimentOf(): string | undefined {
    return serverState?.experimentOf(id) ?? undefined;
  }

  /**
   * The other runs the script opened (nested, autolog children, later top-level runs), when there were any,
   * with the MLflow inputs, outputs and LoggedModels of the command (inputs linked to `--data` lineage).
   */
  function childrenOf(status: RunStatus, endTime: number): Pick<RunRecord, 'children' | 'inputs' | 'outputs' | 'deleted' | 'loggedModels'> {
    const children = serverState?.childRuns(status, endTime) ?? [];
    return linkInputs({ ...(children.length ? { children } : {}), ...serverState?.recordExtras() }, datasets, projectDir);
  }
}

/**
 * Publishes what the script registered through MLflow (the port drops it unless the run FINISHED). The run is
 * recorded already: a failure here is reported with it, and says how to register the model by hand.
 */
async function publishRegistered(port: MlflowRegistryPort | undefined, record: RunRecord, result: TrainResult): Promise<void> {
  if (!port) return;
  try {
    await port.finish(record);
  } catch (error) {
    const cause = error instanceof MlciError ? error : null;
    throw new RecordedRunError(
      new MlciError(
        cause?.kind ?? 'internal',
        `run ${record.id} is recorded ${record.status}, but the model versions it registered through MLflow were not published to ${port.location}: ${cause?.message ?? String((error as Error)?.message ?? error)}`,
        {
          hint: `register the model from the run by hand: mlci models promote NAME --run ${record.id.slice(0, 8)}${cause?.hint ? ` (${cause.hint})` : ''}`,
        },
      ),
      result,
    );
  }
}

/** The record holds everything now: the journal goes (a journal that had stopped is named). */
async function endJournal(journal: RunJournal | null, logger: Logger): Promise<void> {
  if (!journal) return;
  if (journal.error) logger.warn(`the run journal ${journal.path} stopped early (${journal.error.message}); the run was recorded in full`);
  await journal.close(false).catch(() => {});
}

/**
 * Writes the ended run. On a full disk the whole record may not fit where the RUNNING one did: then a FAILED
 * record without metrics and artifacts is tried, so the run at least does not stay RUNNING.
 */
async function recordEnd(store: Store, record: RunRecord, storeDir: string | undefined): Promise<void> {
  try {
    await store.putRun(record);
  } catch (error) {
    const reason = storageError(error, `recording the end of run ${record.id}`, storeDir);
    if (!(reason instanceof MlciError) || reason === error) throw reason;
    const minimal: RunRecord = {
      ...record,
      status: 'FAILED',
      metrics: {},
      artifacts: [],
      tags: { ...record.tags, 'mlci.error': `${reason.oneLine()}; metrics and artifacts were not kept` },
      lineage: { ...record.lineage, environment: { ...record.lineage.environment, pipFreeze: null } },
    };
    const kept = await store.putRun(minimal).then(
      () => true,
      () => false,
    );
    throw new MlciError(
      reason.kind,
      `${reason.message} (run ${record.id} ${kept ? 'recorded as FAILED without its metrics' : 'left RUNNING; a later mlci command on this machine marks it abandoned'})`,
      {
        ...reason.location,
        hint: reason.hint,
      },
    );
  }
}

/**
 * Reads what the command left behind (MLCI_METRICS_FILE, params and metrics files, artifacts). A step that
 * fails does not stop the others: its error is returned, so the run is recorded FAILED with the reason and
 * whatever was captured.
 */
async function capture(
  options: TrainOptions,
  projectDir: string,
  startTime: number,
  endTime: number,
  metricsJsonl: string,
  store: Store,
  storeDir: string | undefined,
  collector: RunCollector,
  logger: Logger,
): Promise<MlciError[]> {
  const problems: MlciError[] = [];
  let skipped = 0;
  const step = async (doing: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      const e = storageError(error, doing, storeDir);
      if (!(e instanceof MlciError)) throw e; // a bug, not a capture problem: the caller records the run FAILED
      problems.push(e);
    }
  };
  await step('reading MLCI_METRICS_FILE', async () => {
    const jsonl = await readFile(metricsJsonl, 'utf8').catch(() => '');
    for (const p of parseMetricsJsonl(jsonl, collector, endTime)) {
      skipped++;
      logger.warn(`MLCI_METRICS_FILE line ${p.line}: ${p.message}; skipped`);
    }
  });
  for (const file of options.paramsFiles ?? ['params.yaml']) {
    const path = inProject(projectDir, file);
    if (!options.paramsFiles && !existsSync(path)) continue;
    // It parsed before the command started: a failure now means the command changed or removed it.
    await step(`reading params file ${file}`, async () => collector.mergeParamsFile(await readParamsFile(path)));
  }
  for (const file of options.metricsFiles ?? ['metrics.json']) {
    await step(`reading metrics file ${file}`, async () => {
      const found = await captureMetricsFile(inProject(projectDir, file), startTime, collector);
      if (!found && options.metricsFiles) logger.warn(`metrics file ${file} was not written during the run; ignored`);
      for (const s of found ?? []) {
        skipped++;
        logger.warn(`${file}: metric "${s.key}" is ${s.why}; not recorded`);
      }
    });
  }
  if (skipped) collector.setTag('mlci.metrics.skipped', String(skipped));
  collector.mergeParams(options.params ?? {});
  for (const path of options.artifacts ?? []) {
    await step(`storing artifact ${path}`, async () => {
      const stored = await storeOutputs(store, inProject(projectDir, path), collector);
      if (!stored) logger.warn(`artifact ${path} does not exist after the run; not recorded`);
    });
  }
  return problems;
}
